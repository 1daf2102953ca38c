"""The topic classifier (内容分类, first level): features, fitting, ranking, evaluation. Pure; no Django.

A petition becomes one document: its content words (text.segment's analysis form, place
names left unjoined so the words match a training file segmented by plain jieba; function
words and numbers dropped, text.content_words), joined by spaces. Training files may already
be segmented (`text_segmented`: space-separated tokens, perhaps with stop words removed, as
the shared training file is) or raw (`title` + `text`); both end as the same kind of
document. Dropping the function words on both sides matters: a file whose stop words were
removed still holds a few in traditional or full-width spelling (沒有, １), which folding
turns into rare, heavily weighted words that every raw petition then contains.

Excel writes a line break inside a cell as "_x000D_" (the shared files and pasted
exports keep it); it is removed on both sides before anything else, so it is no word.

Features (one FeatureUnion, so the fitted object is a plain scikit-learn pipeline):
- word unigrams seen in at least two documents, TF-IDF with sublinear term frequency
  (a word of one case only, a name say, is neither useful nor kept in the model file);
- character 1–3-grams inside each word (char_wb), TF-IDF, seen in at least two
  documents. They carry a word the tokenizer cut differently (a name joined by the
  domain dictionary, a compound the training file split) and typos.
Classifier (SvmNeighboursClassifier): two views of the same features, combined.
- a linear SVM (LinearSVC, C=0.3): what words mean for a class across all the samples;
- a vote of the 10 most similar training documents (cosine, each vote weighted by the
  similarity cubed, so a close neighbour outweighs several loose ones): petitions about
  the same street, company or scheme tend to carry the same class, which one weight per
  word does not capture. Only each training document's 100 heaviest features are
  kept for this: the model file stays small (12 MB for the shared training file instead of
  31) at a cost within the noise of the measurements (0.002 macro-F1).
A multinomial logistic regression turns the SVM's scores and the votes into probabilities.
It is fitted on out-of-fold values (3 folds: the SVM and the neighbours of each fold's
documents come from the other two folds, as for a new petition), so "0.8" means about
8 in 10; the SVM and the neighbours used afterwards are those of all samples.
Held out, this scores 0.005–0.012 macro-F1 above the calibrated SVM alone, and its
probabilities are better calibrated. Why this and not something else: docs/benchmarks.md,
"Smart intake: topic".
"""

import csv
import io
import math
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from xinfang.analysis.text import content_words, fold, segmenter
from xinfang.core.errors import ErrorCode, XinfangError

SVM_C = 0.3
# A document's words are separated by spaces.
WORD_PATTERN = r"\S+"
# Folds of the out-of-fold values the combining regression is fitted on (each label needs as many samples).
CALIBRATION_FOLDS = 3
NEIGHBOURS = 10
# A neighbour's vote is its cosine similarity to this power.
NEIGHBOUR_POWER = 3
# Features kept per training document for finding neighbours (its heaviest ones).
NEIGHBOUR_FEATURES = 100
# Documents compared with all training documents at once (memory: this many rows of similarities).
NEIGHBOUR_BATCH = 500
RANDOM_STATE = 0
# Beyond this a CSV row is a pasted file, not a petition; the rest is not read.
MAX_DOCUMENT_CHARS = 20_000
# Excel's escape of a control character in a cell (_x000D_ for a carriage return).
EXCEL_ESCAPE = re.compile(r"_x[0-9a-f]{4}_", re.IGNORECASE)


def raw_document(title: str, text: str) -> str:
    """The document of a raw petition: its content words, space-separated."""
    joined = EXCEL_ESCAPE.sub("\n", f"{title}\n{text}"[:MAX_DOCUMENT_CHARS])
    return " ".join(content_words(segmenter().cut(joined, places=False)))


def segmented_document(text_segmented: str) -> str:
    """The document of an already segmented text: its tokens folded as raw text is, content words only."""
    tokens = EXCEL_ESCAPE.sub(" ", text_segmented[:MAX_DOCUMENT_CHARS])
    return " ".join(content_words(fold(tokens).split()))


@dataclass(frozen=True)
class LabelledDocuments:
    """Rows of a labelled file: each row's input as read (title and text, or the segmented
    text and ""), its document and its label."""

    inputs: list[tuple[str, str]]
    documents: list[str]
    labels: list[str]
    segmented: bool = False

    def document_of(self, index: int) -> str:
        """The row's document made again from its input (what a single prediction costs)."""
        first, second = self.inputs[index]
        return segmented_document(first) if self.segmented else raw_document(first, second)


def _read_text(path: Path) -> str:
    """The file's text: UTF-8 (a BOM allowed), or GB18030 as Excel saves CSV in a Chinese locale."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise XinfangError(ErrorCode.ANALYSIS_CSV_UNREADABLE, f"{path}: {error.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise XinfangError(ErrorCode.ANALYSIS_CSV_UNREADABLE, f"{path}: 编码无法识别")


def read_labelled_csv(path: Path) -> LabelledDocuments:
    """Rows of a CSV with `label` and either `text_segmented` or `title` + `text`.

    Rows with an empty label or text are skipped; a file without the columns, or with no
    usable row, is refused."""
    inputs: list[tuple[str, str]] = []
    documents: list[str] = []
    labels: list[str] = []
    try:
        reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
        columns = {(name or "").strip() for name in reader.fieldnames or ()}
        segmented = "text_segmented" in columns
        if "label" not in columns or not (segmented or {"title", "text"} <= columns):
            raise XinfangError(ErrorCode.ANALYSIS_CSV_COLUMNS, f"{path}: {', '.join(sorted(columns))}")
        for raw_row in reader:
            row = {(key or "").strip(): value or "" for key, value in raw_row.items()}
            label = row.get("label", "").strip()
            if segmented:
                given = (row.get("text_segmented", ""), "")
                document = segmented_document(given[0])
            else:
                given = (row.get("title", ""), row.get("text", ""))
                document = raw_document(*given)
            if document and label:
                inputs.append(given)
                documents.append(document)
                labels.append(label)
    except csv.Error as error:
        raise XinfangError(ErrorCode.ANALYSIS_CSV_UNREADABLE, f"{path}: {error}") from None
    if not documents:
        raise XinfangError(ErrorCode.ANALYSIS_NO_SAMPLES, str(path))
    return LabelledDocuments(inputs, documents, labels, segmented)


def build_pipeline() -> Pipeline:
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    token_pattern=WORD_PATTERN, min_df=2, lowercase=False, sublinear_tf=True, dtype=np.float32
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(1, 3),
                    min_df=2,
                    lowercase=False,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    return Pipeline([("features", features), ("classifier", SvmNeighboursClassifier())])


def neighbour_index(rows: Any) -> Any:
    """Training documents as stored for the neighbour vote: each row's heaviest
    NEIGHBOUR_FEATURES features, length 1 again, transposed (features × documents) so that
    a batch of documents times it gives their cosine similarity to every training document."""
    rows = sparse.csr_matrix(rows, dtype=np.float32)
    data, columns, starts = [], [], [0]
    for row in range(rows.shape[0]):
        values = rows.data[rows.indptr[row] : rows.indptr[row + 1]]
        indices = rows.indices[rows.indptr[row] : rows.indptr[row + 1]]
        if len(values) > NEIGHBOUR_FEATURES:
            heaviest = np.argpartition(-values, NEIGHBOUR_FEATURES)[:NEIGHBOUR_FEATURES]
            values, indices = values[heaviest], indices[heaviest]
        data.append(values)
        columns.append(indices)
        starts.append(starts[-1] + len(values))
    pruned = sparse.csr_matrix(
        (np.concatenate(data), np.concatenate(columns), np.array(starts)), shape=rows.shape
    )
    return normalize(pruned).T.tocsr()


def neighbour_votes(rows: Any, index: Any, labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Per row, the share of each label among its NEIGHBOURS most similar training documents
    (index: neighbour_index; labels: their label numbers), each weighted by its similarity
    to the power NEIGHBOUR_POWER; all zero for a row like no training document."""
    votes = np.zeros((rows.shape[0], n_labels))
    count = min(NEIGHBOURS, index.shape[1])
    for start in range(0, rows.shape[0], NEIGHBOUR_BATCH):
        similarities = (rows[start : start + NEIGHBOUR_BATCH] @ index).toarray()
        nearest = np.argpartition(-similarities, count - 1, axis=1)[:, :count]
        weights = np.take_along_axis(similarities, nearest, axis=1) ** NEIGHBOUR_POWER
        batch_rows = np.repeat(np.arange(start, start + len(nearest)), count)
        np.add.at(votes, (batch_rows, labels[nearest].ravel()), weights.ravel())
    totals = votes.sum(axis=1, keepdims=True)
    return np.divide(votes, totals, out=np.zeros_like(votes), where=totals > 0)


class SvmNeighboursClassifier(ClassifierMixin, BaseEstimator):
    """A linear SVM and a vote of the nearest training documents, combined by a logistic
    regression fitted on out-of-fold values (module docstring). Takes the feature rows."""

    def fit(self, rows: Any, labels: Sequence[str]) -> "SvmNeighboursClassifier":
        rows = sparse.csr_matrix(rows)
        given = np.asarray(labels)
        self.classes_ = np.unique(given)
        numbers = np.searchsorted(self.classes_, given)
        folds = StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=RANDOM_STATE)
        out_of_fold = np.zeros((rows.shape[0], self._n_values()))
        for fitted, held in folds.split(rows, numbers):
            svm = self._svm().fit(rows[fitted], numbers[fitted])
            index = neighbour_index(rows[fitted])
            out_of_fold[held] = self._values(svm, index, numbers[fitted], rows[held])
        self.svm_ = self._svm().fit(rows, numbers)
        self.index_ = neighbour_index(rows)
        self.index_labels_ = numbers
        self.combiner_ = LogisticRegression(max_iter=1000).fit(out_of_fold, numbers)
        return self

    def predict_proba(self, rows: Any) -> np.ndarray:
        """Probabilities in the order of classes_."""
        values = self._values(self.svm_, self.index_, self.index_labels_, sparse.csr_matrix(rows))
        return np.asarray(self.combiner_.predict_proba(values))

    def predict(self, rows: Any) -> np.ndarray:
        return np.asarray(self.classes_[self.predict_proba(rows).argmax(axis=1)])

    def _svm(self) -> LinearSVC:
        return LinearSVC(C=SVM_C, random_state=RANDOM_STATE)

    def _n_values(self) -> int:
        # LinearSVC gives one score for two labels, one per label otherwise; then one vote per label.
        n_labels = len(self.classes_)
        return (1 if n_labels == 2 else n_labels) + n_labels

    def _values(self, svm: LinearSVC, index: Any, index_labels: np.ndarray, rows: Any) -> np.ndarray:
        scores = svm.decision_function(rows).reshape(rows.shape[0], -1)
        votes = neighbour_votes(rows, index, index_labels, len(self.classes_))
        return np.hstack([scores, votes])


class TopicModel:
    """A fitted pipeline and what it can say about a document."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.labels: tuple[str, ...] = tuple(str(label) for label in pipeline.classes_)
        union: FeatureUnion = pipeline.named_steps["features"]
        words: TfidfVectorizer = dict(union.transformer_list)["words"]
        self._word_names = words.get_feature_names_out()
        self._n_words = len(self._word_names)
        classifier = pipeline.named_steps["classifier"]
        if isinstance(classifier, SvmNeighboursClassifier):
            svm: LinearSVC = classifier.svm_
        else:  # a model stored before the neighbour vote: a calibrated SVM, used until the next training
            svm = classifier.calibrated_classifiers_[0].estimator
        self._coef = svm.coef_
        if self._coef.shape[0] == 1:  # two labels: one row of weights, for the second
            self._coef = np.vstack([-self._coef[0], self._coef[0]])

    def features(self, document: str) -> Any:
        """The document's feature row (computed once for ranking and for the evidence)."""
        return self.pipeline.named_steps["features"].transform([document])

    def rank(self, document: str, *, features: Any = None) -> list[tuple[str, float]]:
        """Labels with their probability, most likely first."""
        row = self.features(document) if features is None else features
        probabilities = self.pipeline.named_steps["classifier"].predict_proba(row)[0]
        order = np.argsort(-probabilities)
        return [(self.labels[i], float(probabilities[i])) for i in order]

    def predict(self, documents: Sequence[str]) -> list[str]:
        return [str(label) for label in self.pipeline.predict(list(documents))]

    def evidence(self, document: str, label: str, *, limit: int = 3, features: Any = None) -> list[str]:
        """The words of the document that pushed most towards `label` (never a word it lacks)."""
        row = (self.features(document) if features is None else features).tocsr()
        weights = self._coef[self.labels.index(label)]
        scored = [
            (float(value) * float(weights[index]), str(self._word_names[index]))
            for index, value in zip(row.indices, row.data, strict=True)
            if index < self._n_words
        ]
        scored.sort(reverse=True)
        return [word for score, word in scored if score > 0 and len(word) > 1][:limit]


def fit_topic_model(documents: Sequence[str], labels: Sequence[str]) -> TopicModel:
    distinct = set(labels)
    if len(distinct) < 2:
        raise XinfangError(ErrorCode.ANALYSIS_TOO_FEW_LABELS, "、".join(sorted(distinct)))
    counts = Counter(labels)
    rare = sorted(label for label, count in counts.items() if count < CALIBRATION_FOLDS)
    if rare:
        raise XinfangError(
            ErrorCode.ANALYSIS_TOO_FEW_SAMPLES,
            f"每类至少 {CALIBRATION_FOLDS} 条；不足的分类：{'、'.join(rare)}",
        )
    pipeline = build_pipeline()
    try:
        pipeline.fit(list(documents), list(labels))
    except ValueError as error:
        if "no terms remain" not in str(error):
            raise
        # no word occurs in two documents: nothing to learn from
        raise XinfangError(ErrorCode.ANALYSIS_TOO_FEW_SAMPLES, "没有在两条以上样本中出现的词") from None
    return TopicModel(pipeline)


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (the value below which `share` of the samples lie)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def scores(expected: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per label precision/recall/F1/support (labels of both lists)."""
    labels = sorted(set(expected) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        expected, predicted, labels=labels, zero_division=0
    )
    return {
        "accuracy": round(float(accuracy_score(expected, predicted)), 4),
        "macro_f1": round(
            float(f1_score(expected, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "per_class": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
    }


def evaluate(train: LabelledDocuments, test: LabelledDocuments) -> dict[str, Any]:
    """Train on one set, predict the other; the figures `xinfang analysis evaluate` prints.

    train_seconds covers fitting only (the rows are read and segmented before).
    predict_ms_p95 is per single message in this process: each test row alone, from its
    input as read (segmentation, features, SVM, calibration), as a registrar's request is."""
    started = time.perf_counter()
    model = fit_topic_model(train.documents, train.labels)
    train_seconds = time.perf_counter() - started
    predicted = model.predict(test.documents)
    timings = []
    for index in range(len(test.documents)):
        started = time.perf_counter()
        model.rank(test.document_of(index))
        timings.append((time.perf_counter() - started) * 1000)
    return {
        **scores(test.labels, predicted),
        "train_seconds": round(train_seconds, 2),
        "predict_ms_p95": round(percentile(timings, 0.95), 2),
        "n_train": len(train.documents),
        "n_test": len(test.documents),
    }

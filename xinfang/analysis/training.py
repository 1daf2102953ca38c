"""Training the topic model, from a labelled CSV or from the office's own cases, into a new
versioned file under settings.ANALYSIS_MODEL_DIR (model_store).

Each training measures itself before it is kept: a stratified tenth of the samples is
held out, a model fitted on the rest predicts it, and those figures go into the manifest;
the stored model is then fitted on all samples. (Skipped, and said so, when a label has
too few samples to hold any out.)

History: the newest settings.ANALYSIS_TRAIN_MAX_CASES cases (title, facts and request),
labelled with their topic's first-level name; merged cases are left out (the case they
were merged into carries the matter), and so are first-level classes with fewer than
MIN_LABEL_SAMPLES cases. This is a system job, not a user's view, so it reads cases
without cases.access: the model keeps word weights and, for the neighbour vote, each case's
100 heaviest features with its class (never its text; words and character n-grams of the
vocabulary only, each seen in at least two cases: min_df), and a suggestion shows
probabilities and a reason quoting only words of the text being classified, so nothing
of a case reaches a user who may not see it. The model file is as confidential as the
cases (model_store: under XINFANG_VAR_DIR, nothing served).
"""

import logging
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from sklearn.model_selection import train_test_split

from xinfang.analysis import model_store
from xinfang.analysis.registry import forget_backends
from xinfang.analysis.topic_model import (
    CALIBRATION_FOLDS,
    NEIGHBOURS,
    LabelledDocuments,
    fit_topic_model,
    raw_document,
    read_labelled_csv,
    scores,
)
from xinfang.analysis.topic_rules import SEPARATOR
from xinfang.core.errors import ErrorCode, XinfangError

logger = logging.getLogger(__name__)

CAPABILITY = "topic"
HOLDOUT_SHARE = 0.1
# A label needs this many samples for a held-out share to contain it.
HOLDOUT_MIN_PER_LABEL = 10
# History: rarer first-level classes are left out of training (and named in the manifest).
MIN_LABEL_SAMPLES = 5
RANDOM_STATE = 20260401


def measure(data: LabelledDocuments) -> dict[str, Any]:
    """Figures of a model fitted on nine tenths and tested on the held-out tenth."""
    counts = Counter(data.labels)
    if min(counts.values()) < HOLDOUT_MIN_PER_LABEL:
        return {"holdout": None, "note": f"某些分类少于 {HOLDOUT_MIN_PER_LABEL} 条，未留出样本评估"}
    train_docs, test_docs, train_labels, test_labels = train_test_split(
        data.documents,
        data.labels,
        test_size=HOLDOUT_SHARE,
        stratify=data.labels,
        random_state=RANDOM_STATE,
    )
    model = fit_topic_model(train_docs, train_labels)
    return {"holdout": HOLDOUT_SHARE, **scores(test_labels, model.predict(test_docs))}


def train_and_store(
    data: LabelledDocuments, *, source: str, extra: dict[str, Any] | None = None
) -> model_store.StoredModel:
    started = time.perf_counter()
    metrics = measure(data)
    fit_started = time.perf_counter()
    model = fit_topic_model(data.documents, data.labels)
    fit_seconds = time.perf_counter() - fit_started
    stored = model_store.save_model(
        settings.ANALYSIS_MODEL_DIR,
        CAPABILITY,
        model.pipeline,
        {
            "source": source,
            "samples": len(data.documents),
            "labels": dict(sorted(Counter(data.labels).items())),
            "metrics": metrics,
            "fit_seconds": round(fit_seconds, 2),
            "total_seconds": round(time.perf_counter() - started, 2),
            "features": "content-word unigrams + char_wb 1-3, both min_df 2, TF-IDF sublinear; "
            f"LinearSVC + vote of the {NEIGHBOURS} nearest cases, combined by logistic regression "
            f"on {CALIBRATION_FOLDS}-fold out-of-fold values",
            **(extra or {}),
        },
    )
    model_store.prune(settings.ANALYSIS_MODEL_DIR, CAPABILITY, keep=settings.ANALYSIS_MODEL_KEEP)
    forget_backends()  # this process; the others notice the new version within a minute
    logger.info("topic model %s trained from %s on %d samples", stored.version, source, len(data.documents))
    return stored


def train_topic_model_from_csv(path: Path) -> model_store.StoredModel:
    """A model from a CSV with `label` and `text_segmented` or `title` + `text`."""
    return train_and_store(read_labelled_csv(path), source=f"csv:{path.name}")


def history_documents(limit: int) -> tuple[LabelledDocuments, list[str]]:
    """The newest cases as labelled documents, and the first-level classes left out as too rare."""
    from xinfang.cases.models import Case
    from xinfang.cases.states import Status

    rows = (
        Case.objects.exclude(status=Status.MERGED)
        .order_by("-received_at", "-id")
        .values_list("title", "facts", "request", "topic__full_name")[:limit]
    )
    inputs, documents, labels = [], [], []
    for title, facts, request, full_name in rows.iterator(chunk_size=2000):
        text = f"{facts}\n{request}"
        document = raw_document(title, text)
        if document:
            inputs.append((title, text))
            documents.append(document)
            labels.append(full_name.split(SEPARATOR)[0])
    counts = Counter(labels)
    rare = sorted(label for label, count in counts.items() if count < MIN_LABEL_SAMPLES)
    keep = [i for i, label in enumerate(labels) if label not in rare]
    data = LabelledDocuments(
        [inputs[i] for i in keep], [documents[i] for i in keep], [labels[i] for i in keep]
    )
    return data, rare


def train_topic_model_from_history(min_cases: int | None = None) -> model_store.StoredModel:
    """A model from the office's own cases; refused (E7206) while there are too few."""
    minimum = settings.ANALYSIS_TRAIN_MIN_CASES if min_cases is None else min_cases
    data, rare = history_documents(settings.ANALYSIS_TRAIN_MAX_CASES)
    if len(data.documents) < minimum or len(set(data.labels)) < 2:
        raise XinfangError(
            ErrorCode.ANALYSIS_HISTORY_TOO_SMALL,
            f"可用 {len(data.documents)} 件，分类 {len(set(data.labels))} 个；"
            f"至少需要 {minimum} 件、2 个分类",
        )
    return train_and_store(data, source="history", extra={"left_out_labels": rare})

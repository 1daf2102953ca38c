"""The similar-case index: TF-IDF vectors of case texts in an inverted index. Pure; no Django.

Why this shape: registration must find the most similar of a million earlier cases in a few
milliseconds, in every web process, and a case registered a moment ago must be findable.

- Terms are hashed (crc32 into DIMENSION buckets), so there is no vocabulary to fit and a
  document's vector never depends on which documents came before it, except through idf.
- A document keeps its TERMS_PER_DOC heaviest terms (sublinear tf x idf, L2-normalised):
  enough to rank similar texts, and it bounds the index at about 8 bytes x 48 per case
  (about 400 MB per million cases).
- A `Snapshot` is a set of .npy files (an inverted index: per term, the documents and their
  weights), written into a new directory and renamed into place, and opened memory-mapped:
  all web processes on a machine share one copy in the page cache, and opening it is instant.
- Documents newer than the snapshot go into a `Delta` (a small in-memory sparse matrix)
  weighed with the snapshot's idf; the nightly rebuild folds them into the next snapshot.

Scores are cosine similarities in [0, 1] over the kept terms.
"""

import json
import os
import shutil
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

DIMENSION = 1 << 20
TERMS_PER_DOC = 48
QUERY_TERMS = 32
# Terms in more than this share of documents say little about similarity and cost the most
# (their posting lists are the longest), so a query skips them once it has its rarest terms.
MAX_QUERY_DF_SHARE = 0.05
SKIP_DF_AT_LEAST = 5_000  # a small office's index is cheap to search whole
ALWAYS_USED_TERMS = 8  # a query of common words only still uses its rarest few
MAX_POSTINGS_READ = 400_000  # beyond its rarest terms, a query reads at most this many postings
FORMAT = "similar-index-1"
FILES = ("case_ids", "indptr", "postings", "weights", "df")


def term_id(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) & (DIMENSION - 1)


def term_counts(tokens: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashed term ids (sorted, unique, int32) and their counts (float32)."""
    counts = Counter(term_id(token) for token in tokens)
    if not counts:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    ids = np.fromiter(sorted(counts), np.int32, len(counts))
    return ids, np.array([counts[int(i)] for i in ids], np.float32)


def idf_of(df: np.ndarray, n_docs: int) -> np.ndarray:
    return (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)


def weigh(ids: np.ndarray, counts: np.ndarray, idf: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """The `keep` heaviest terms of a document, sublinear tf x idf, L2-normalised."""
    if ids.size == 0:
        return ids, counts
    weights = (1.0 + np.log(counts)) * idf[ids]
    if ids.size > keep:
        top = np.argpartition(-weights, keep - 1)[:keep]
        ids, weights = ids[top], weights[top]
    norm = float(np.sqrt(np.dot(weights, weights)))
    return ids, (weights / norm).astype(np.float32) if norm else weights.astype(np.float32)


@dataclass
class Snapshot:
    """An inverted index over documents 0..n-1, each a case id (ascending)."""

    case_ids: np.ndarray  # int64, ascending
    indptr: np.ndarray  # int64, DIMENSION + 1: term t's postings are [indptr[t], indptr[t+1])
    postings: np.ndarray  # int32 document numbers
    weights: np.ndarray  # float32, the term's weight in that document
    df: np.ndarray  # int32 document frequency per term, over all terms (not only the kept ones)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def n_docs(self) -> int:
        return int(self.case_ids.size)

    @property
    def max_case_id(self) -> int:
        return int(self.case_ids[-1]) if self.case_ids.size else 0

    def idf(self) -> np.ndarray:
        return idf_of(self.df, self.n_docs)

    def contains_each(self, case_ids: np.ndarray) -> np.ndarray:
        """For each case id, whether the snapshot holds it (a boolean array)."""
        if self.case_ids.size == 0 or case_ids.size == 0:
            return np.zeros(case_ids.size, bool)
        positions = np.minimum(np.searchsorted(self.case_ids, case_ids), self.case_ids.size - 1)
        return np.asarray(self.case_ids[positions] == case_ids)

    def search(self, ids: np.ndarray, weights: np.ndarray, limit: int) -> list[tuple[int, float]]:
        """(case id, cosine) of the `limit` best documents for a weighed query."""
        n = self.n_docs
        if n == 0 or ids.size == 0:
            return []
        cap = max(SKIP_DF_AT_LEAST, int(MAX_QUERY_DF_SHARE * n))
        docs, contributions = [], []
        # Rarest terms first; a common term is read only while too few rare ones were found.
        lengths = self.indptr[ids + 1] - self.indptr[ids]
        order = np.argsort(lengths, kind="stable")
        used = touched = 0
        for term, weight in zip(ids[order].tolist(), weights[order].tolist(), strict=True):
            start, end = int(self.indptr[term]), int(self.indptr[term + 1])
            enough = used >= ALWAYS_USED_TERMS
            if start == end or (enough and (end - start > cap or touched + end - start > MAX_POSTINGS_READ)):
                continue
            used += 1
            touched += end - start
            docs.append(self.postings[start:end])
            contributions.append(self.weights[start:end] * weight)
        if not docs:
            return []
        scores = np.bincount(np.concatenate(docs), np.concatenate(contributions), minlength=n)
        # Rank only the documents the query touched (a few percent of them), not all n.
        touched_docs = np.flatnonzero(scores)
        return top_scores(scores[touched_docs], self.case_ids[touched_docs], limit)


def top_scores(scores: np.ndarray, case_ids: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The `limit` best (case id, score), best first; among equal scores the newest case (the
    highest document number: documents are in ascending case-id order)."""
    positive = int(np.count_nonzero(scores > 0))
    k = min(limit, positive)
    if k == 0:
        return []
    if k < scores.size:
        threshold = scores[np.argpartition(-scores, k - 1)[:k]].min()
        above = np.flatnonzero(scores > threshold)
        tied = np.flatnonzero(scores == threshold)
        best = np.concatenate((above, tied[tied.size - (k - above.size) :]))
    else:
        best = np.arange(scores.size)
    best = best[np.lexsort((-best, -scores[best]))]
    return [(int(case_ids[i]), float(min(1.0, scores[i]))) for i in best if scores[i] > 0]


def empty_snapshot() -> Snapshot:
    return Snapshot(
        case_ids=np.zeros(0, np.int64),
        indptr=np.zeros(DIMENSION + 1, np.int64),
        postings=np.zeros(0, np.int32),
        weights=np.zeros(0, np.float32),
        df=np.zeros(DIMENSION, np.int32),
    )


class SnapshotBuilder:
    """Collects documents in ascending case-id order; `build` weighs them and inverts the index."""

    def __init__(self) -> None:
        self._case_ids: list[int] = []
        self._ids: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []

    def add(self, case_id: int, ids: np.ndarray, counts: np.ndarray) -> None:
        if self._case_ids and case_id <= self._case_ids[-1]:
            raise ValueError("documents must come in ascending case-id order")
        self._case_ids.append(case_id)
        self._ids.append(ids)
        self._counts.append(counts)

    def __len__(self) -> int:
        return len(self._case_ids)

    def build(self, manifest: dict[str, Any] | None = None) -> Snapshot:
        n = len(self._case_ids)
        lengths = np.fromiter((ids.size for ids in self._ids), np.int64, n)
        all_ids = np.concatenate(self._ids) if n else np.zeros(0, np.int32)
        all_counts = np.concatenate(self._counts) if n else np.zeros(0, np.float32)
        self._ids, self._counts = [], []  # the concatenated copies are all that is needed now
        doc_of = np.repeat(np.arange(n, dtype=np.int32), lengths)
        df = np.bincount(all_ids, minlength=DIMENSION).astype(np.int32)
        weights = (1.0 + np.log(all_counts)) * idf_of(df, n)[all_ids]
        # Keep each document's heaviest terms: order by (document, weight descending) and keep
        # the first TERMS_PER_DOC of each document.
        order = np.lexsort((-weights, doc_of))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if n else np.zeros(0, np.int64)
        rank = np.arange(order.size) - np.repeat(starts, lengths)
        kept = order[rank < TERMS_PER_DOC]
        doc_of, all_ids, weights = doc_of[kept], all_ids[kept], weights[kept].astype(np.float32)
        norms = np.sqrt(np.bincount(doc_of, weights * weights, minlength=n))
        weights = (weights / np.where(norms > 0, norms, 1.0)[doc_of]).astype(np.float32)
        by_term = np.argsort(all_ids, kind="stable")  # stable: postings stay in document order
        indptr = np.zeros(DIMENSION + 1, np.int64)
        np.cumsum(np.bincount(all_ids, minlength=DIMENSION), out=indptr[1:])
        info = {"format": FORMAT, "documents": n, "postings": int(by_term.size), **(manifest or {})}
        return Snapshot(
            case_ids=np.array(self._case_ids, np.int64),
            indptr=indptr,
            postings=doc_of[by_term].astype(np.int32),
            weights=weights[by_term],
            df=df,
            manifest=info,
        )


def save_snapshot(root: Path, snapshot: Snapshot) -> Path:
    """Write into a hidden directory and rename it into place: readers never see half an index."""
    root.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{snapshot.max_case_id}"
    temporary = root / f".{name}.{os.getpid()}"
    temporary.mkdir()
    for part in FILES:
        np.save(temporary / f"{part}.npy", getattr(snapshot, part))
    manifest = {**snapshot.manifest, "max_case_id": snapshot.max_case_id, "name": name}
    (temporary / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    final = root / name
    os.replace(temporary, final)
    return final


def newest_snapshot_dir(root: Path) -> Path | None:
    if not root.is_dir():
        return None
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    return root / names[-1] if names else None


def load_snapshot(path: Path) -> Snapshot:
    arrays = {part: np.load(path / f"{part}.npy", mmap_mode="r") for part in FILES}
    manifest = json.loads((path / "manifest.json").read_text())
    return Snapshot(manifest=manifest, **arrays)


def prune_snapshots(root: Path, keep: int = 2) -> None:
    """Old snapshots go; a process still reading one keeps its open memory maps (POSIX)."""
    if not root.is_dir():
        return
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for name in names[:-keep]:
        shutil.rmtree(root / name, ignore_errors=True)


class Delta:
    """Documents newer than the snapshot, weighed with the snapshot's idf, searched by brute force."""

    def __init__(self, idf: np.ndarray) -> None:
        self.idf = idf
        self.case_ids: list[int] = []
        self._blocks: list[sparse.csr_matrix] = []
        self._matrix: sparse.csr_matrix | None = None

    def __len__(self) -> int:
        return len(self.case_ids)

    def add(self, documents: Sequence[tuple[int, np.ndarray, np.ndarray]]) -> None:
        rows, cols, values = [], [], []
        for row, (case_id, ids, counts) in enumerate(documents):
            ids, weights = weigh(ids, counts, self.idf, TERMS_PER_DOC)
            self.case_ids.append(case_id)
            rows.append(np.full(ids.size, row, np.int32))
            cols.append(ids)
            values.append(weights)
        if not documents:
            return
        block = sparse.csr_matrix(
            (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(documents), DIMENSION),
            dtype=np.float32,
        )
        self._blocks.append(block)
        self._matrix = None

    def search(self, ids: np.ndarray, weights: np.ndarray, limit: int) -> list[tuple[int, float]]:
        if not self.case_ids or ids.size == 0:
            return []
        if self._matrix is None:
            self._matrix = sparse.vstack(self._blocks, format="csr")
            self._blocks = [self._matrix]
        query = sparse.csr_matrix(
            (weights, (np.zeros(ids.size, np.int32), ids)), shape=(1, DIMENSION), dtype=np.float32
        )
        scores = np.asarray((self._matrix @ query.T).todense()).ravel()
        return top_scores(scores, np.array(self.case_ids, np.int64), limit)


def merge_results(*results: list[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
    best: dict[int, float] = {}
    for result in results:
        for case_id, score in result:
            best[case_id] = max(score, best.get(case_id, 0.0))
    return sorted(best.items(), key=lambda item: (-item[1], -item[0]))[:limit]


def query_vector(tokens: Iterable[str], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ids, counts = term_counts(tokens)
    return weigh(ids, counts, idf, QUERY_TERMS)


def flat_idf() -> np.ndarray:
    """Before any snapshot exists every term weighs the same (stop words are already gone)."""
    return np.full(DIMENSION, 1.0, np.float32)

"""The similar-case index of this deployment's cases (analysis.similarity), kept current.

- `rebuild_index` reads every case (newest snapshot: all cases up to then), segments them in
  worker processes and writes a snapshot under ANALYSIS_MODEL_DIR/similar. `xinfang analysis
  index` runs it; the job consumer runs it nightly.
- `case_index()` is the process's index: the newest snapshot, memory-mapped, plus a delta of
  the cases registered since, read from the database on every search (one indexed query), so
  a case is findable as soon as its registration commits, in every process.
- Deltas are bounded: with no snapshot, or too many cases since it, only the newest
  MAX_DELTA cases are searched until the next rebuild (a rebuild job is queued).

Results are case ids and scores only: callers filter them through cases.access.
"""

import logging
import multiprocessing
import time
from collections.abc import Iterator
from pathlib import Path
from threading import Lock
from typing import Any

import numpy as np
from django.conf import settings

from xinfang.analysis import similarity
from xinfang.analysis.text import add_dictionary_words, similarity_words

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 60.0
MAX_DELTA = 20_000
# Cases commit out of id order under concurrency (id 100 may commit after 101), so each catch-up
# also looks this many ids below the highest one seen.
LOOKBACK_IDS = 500
TEXT_FIELDS = ("title", "facts", "request", "place_address", "accused")
BATCH = 2_000


def index_dir() -> Path:
    return Path(settings.ANALYSIS_MODEL_DIR) / "similar"


def case_text(title: str, facts: str, request: str, place_address: str = "", accused: str = "") -> str:
    # The title says what the matter is in a few words: it counts twice.
    return "\n".join((title, title, facts, request, place_address, accused))


def words_of_row(row: tuple[Any, ...]) -> list[str]:
    return similarity_words(case_text(*row))


def _vector_of_row(row: tuple[Any, ...]) -> tuple[int, np.ndarray, np.ndarray]:
    ids, counts = similarity.term_counts(words_of_row(row[1:]))
    return int(row[0]), ids, counts


class CaseIndex:
    def __init__(self) -> None:
        self._lock = Lock()
        self._snapshot = similarity.empty_snapshot()
        self._snapshot_name: str | None = None
        self._idf = similarity.flat_idf()
        self._delta = similarity.Delta(self._idf)
        self._delta_ids: set[int] = set()
        self._high_water = 0
        self._checked_at = float("-inf")
        self.truncated = False  # the delta skipped older cases: a rebuild is due

    @property
    def size(self) -> int:
        return self._snapshot.n_docs + len(self._delta)

    def refresh(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._checked_at >= RECHECK_SECONDS:
            self._checked_at = now
            newest = similarity.newest_snapshot_dir(index_dir())
            if newest is not None and newest.name != self._snapshot_name:
                try:
                    snapshot = similarity.load_snapshot(newest)
                except (OSError, ValueError):
                    logger.exception("similar-case index %s unreadable: kept the one in use", newest)
                else:
                    self._use(snapshot, newest.name)
        self._catch_up()

    def _use(self, snapshot: similarity.Snapshot, name: str) -> None:
        self._snapshot, self._snapshot_name = snapshot, name
        self._idf = snapshot.idf() if snapshot.n_docs else similarity.flat_idf()
        self._delta, self._delta_ids = similarity.Delta(self._idf), set()
        self._high_water = snapshot.max_case_id
        self.truncated = False

    def _catch_up(self) -> None:
        from xinfang.cases.models import Case

        # Look below the highest id seen (and below the snapshot's: a registration still
        # uncommitted while the rebuild read the cases has a lower id than the snapshot's last).
        floor = max(0, max(self._snapshot.max_case_id, self._high_water) - LOOKBACK_IDS)
        newest = Case.objects.filter(pk__gt=floor).order_by("-pk").values_list("pk", flat=True).first()
        if newest is None:
            return
        if newest - floor > MAX_DELTA:
            # Far behind (no snapshot yet, or a big import): index the newest cases now and
            # leave the rest to a rebuild.
            floor = max(floor, newest - MAX_DELTA)
            if not self.truncated:
                self.truncated = True
                _queue_rebuild()
        # Ids first (a few hundred integers), then the texts of only the cases not yet indexed.
        recent = np.fromiter(Case.objects.filter(pk__gt=floor).values_list("pk", flat=True), np.int64)
        fresh = recent[~self._snapshot.contains_each(recent)]
        missing = [pk for pk in fresh.tolist() if pk not in self._delta_ids]
        rows = (
            Case.objects.filter(pk__in=missing).order_by("pk").values_list("pk", *TEXT_FIELDS)
            if missing
            else []
        )
        documents = [_vector_of_row(row) for row in rows]
        if documents:
            self._delta.add(documents)
            self._delta_ids.update(case_id for case_id, _, _ in documents)
            self._high_water = max(self._high_water, documents[-1][0])

    def search(self, words: list[str], *, limit: int = 300) -> list[tuple[int, float]]:
        """(case id, cosine similarity) of the most similar cases, best first."""
        with self._lock:
            self.refresh()
            ids, weights = similarity.query_vector(words, self._idf)
            return similarity.merge_results(
                self._snapshot.search(ids, weights, limit),
                self._delta.search(ids, weights, limit),
                limit=limit,
            )


_index: CaseIndex | None = None
_index_lock = Lock()


def case_index() -> CaseIndex:
    global _index
    with _index_lock:
        if _index is None:
            _index = CaseIndex()
        return _index


def forget_case_index() -> None:
    """Tests: the database was rolled back, so the process's index may hold cases that are gone."""
    global _index
    with _index_lock:
        _index = None


def _queue_rebuild() -> None:
    from xinfang.analysis.tasks import rebuild_similar_index

    try:
        rebuild_similar_index()
    except Exception:  # the queue down must not break a registration page
        logger.exception("could not queue a rebuild of the similar-case index")


def _rows(chunk: int) -> Iterator[tuple[Any, ...]]:
    from xinfang.cases.models import Case

    yield from Case.objects.order_by("pk").values_list("pk", *TEXT_FIELDS).iterator(chunk_size=chunk)


def _init_worker(dictionary_words: list[str]) -> None:
    # A spawned worker starts with the plain domain dictionary; give it the organisation names.
    add_dictionary_words(dictionary_words)


def rebuild_index(*, workers: int | None = None) -> Path:
    """Write a new snapshot of every case; returns its directory. Old snapshots are pruned.

    Segmenting is the slow part, so it runs in worker processes. They are spawned, not forked:
    they never touch the database, and a forked child sharing this process's database socket
    could end its session."""
    from xinfang.orgs.models import Organisation

    started = time.monotonic()
    names = list(Organisation.objects.values_list("name", flat=True))
    add_dictionary_words(names)
    builder = similarity.SnapshotBuilder()
    workers = workers or max(1, min(4, multiprocessing.cpu_count() or 1))
    if workers > 1:
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_init_worker, initargs=(names,)) as pool:
            for case_id, ids, counts in pool.imap(_vector_of_row, _rows(BATCH), chunksize=256):
                builder.add(case_id, ids, counts)
    else:
        for row in _rows(BATCH):
            builder.add(*_vector_of_row(row))
    snapshot = builder.build({"built_seconds": round(time.monotonic() - started, 1)})
    path = similarity.save_snapshot(index_dir(), snapshot)
    similarity.prune_snapshots(index_dir())
    return path

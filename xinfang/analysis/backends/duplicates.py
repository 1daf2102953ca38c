"""Duplicate groups: messages that state the same matter. Pure; no Django.

Copies, reposts with small edits (a sentence added or dropped, punctuation, full-width
or traditional characters, a truncated paste) and the same letter signed by several
people share most of their wording; different matters, even about the same place or
topic, do not. So the finder compares wording, in five steps:

1. Canonical text: title and text folded (full-width → half-width, traditional →
   simplified, lower case) with everything but letters and digits removed, so
   punctuation, spacing and script make no difference.
2. Shingles: the set of character 4-grams, hashed to 48-bit integers. Character n-grams
   need no segmentation (a dictionary change cannot move them) and an edit changes only
   the few shingles that overlap it; 4 characters are specific enough that unrelated
   messages share few (a set phrase such as 尊敬的领导 is two of a letter's hundreds).
3. Candidates: MinHash signatures and LSH banding (BANDS bands of ROWS rows). Two
   messages become a candidate pair when a whole band of their signatures agrees, which
   happens with probability 1 - (1 - J**ROWS)**BANDS for shingle Jaccard J: with 2 rows
   and 64 bands, 0.98 at J = 0.25 (a message that is a quarter of another), 0.006 at
   J = 0.01 (unrelated ones share about that). Cost grows with the number of messages
   (and of true duplicates), not of pairs: no message is compared with every other.
4. Verification on the exact shingle sets: Jaccard for two versions of one text;
   containment (share of the smaller message found in the larger) for a truncated or
   extended repost, trusted only when the smaller message is long enough to be specific.
5. Groups: verified pairs joined by union-find, strongest first; a group's score is its
   weakest joining link (the bottleneck of the maximum spanning tree), i.e. how surely
   its least similar member belongs. Joining is transitive: two letters that each copy
   half of a third are grouped with it, and so with each other.
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from xinfang.analysis.backends.folding import fold_fast
from xinfang.analysis.interfaces import DuplicateGroup, Message

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

SHINGLE_CHARS = 4
_NOT_WORD = re.compile(r"[\W_]+")
# Fixed constants, not Python's salted hash(): the same input gives the same groups in
# every process.
_POLY = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SEED = 20260401
# Texts are shingled this many at a time (at most 2**16, the owner field below), so memory
# stays bounded on a huge batch.
_CHUNK = 20_000
_LOW_48 = np.uint64(2**48 - 1)


def canonical(title: str, text: str) -> str:
    return _NOT_WORD.sub("", fold_fast(f"{title} {text}"))


@dataclass(frozen=True)
class ShingleTable:
    """Each text's distinct shingle hashes, sorted; text i owns hashes[starts[i]:starts[i + 1]]."""

    hashes: U64
    starts: I64

    def of(self, index: int) -> U64:
        return self.hashes[self.starts[index] : self.starts[index + 1]]

    def __len__(self) -> int:
        return len(self.starts) - 1


def _table_chunk(texts: Sequence[str]) -> ShingleTable:
    # A text shorter than one shingle is padded (NUL never survives canonical()), so it
    # still has one shingle and matches its exact copies.
    padded = [t + "\0" * (SHINGLE_CHARS - len(t)) if 0 < len(t) < SHINGLE_CHARS else t for t in texts]
    lengths = np.fromiter((len(t) for t in padded), dtype=np.int64, count=len(padded))
    codes = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
    count = max(len(codes) - SHINGLE_CHARS + 1, 0)
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE_CHARS):
        hashes = hashes * _POLY + codes[offset : offset + count]
    # A final multiply-xorshift so that similar 4-grams do not get similar hashes.
    hashes *= _MIX
    hashes ^= hashes >> np.uint64(31)
    inside = owner[:count] == owner[SHINGLE_CHARS - 1 :]  # the window lies within one text
    # Owner in the top 16 bits, hash in the low 48, so one plain sort orders each text's
    # shingles (lexsort on two keys is five times slower). 48 bits keep collisions between
    # distinct shingles at about one in a few hundred batches of a million shingles.
    keys = (owner[:count][inside].astype(np.uint64) << np.uint64(48)) | (hashes[inside] >> np.uint64(16))
    keys.sort()  # (np.unique would hash first: three times slower here)
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    owners = (keys >> np.uint64(48)).astype(np.int64)
    starts = np.searchsorted(owners, np.arange(len(texts) + 1)).astype(np.int64)
    return ShingleTable(hashes=keys & _LOW_48, starts=starts)


def shingle_table(texts: Sequence[str]) -> ShingleTable:
    """Shingles of canonical texts: their character 4-grams, hashed to 64-bit integers."""
    parts = [_table_chunk(texts[i : i + _CHUNK]) for i in range(0, len(texts), _CHUNK)] or [_table_chunk([])]
    offsets = np.cumsum([0] + [len(p.hashes) for p in parts[:-1]])
    return ShingleTable(
        hashes=np.concatenate([p.hashes for p in parts]),
        starts=np.concatenate(
            [p.starts[:-1] + offset for p, offset in zip(parts, offsets, strict=True)]
            + [np.array([offsets[-1] + len(parts[-1].hashes)], dtype=np.int64)]
        ),
    )


def pair_score(a: frozenset[int], b: frozenset[int], *, containment_min: int) -> float:
    """How surely two shingle sets state the same matter, 0..1.

    The larger of Jaccard and containment; containment is scaled down while the smaller
    set has fewer than `containment_min` shingles, because a short message ("咨询户口
    迁移政策") can sit inside a long one about something else.
    """
    if not a or not b:
        return 0.0
    shared = len(a & b)
    smaller = min(len(a), len(b))
    jaccard = shared / (len(a) + len(b) - shared)
    containment = shared / smaller * min(1.0, smaller / containment_min)
    return max(jaccard, containment)


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        self.parent[max(root_a, root_b)] = min(root_a, root_b)
        return True


class ShingleDuplicateFinder:
    """MinHash/LSH candidates verified on exact shingle sets, grouped by union-find."""

    BANDS = 64
    ROWS = 2
    THRESHOLD = 0.5  # verified pair score at or above which two messages are the same matter
    CONTAINMENT_MIN = 40  # shingles the smaller message needs for containment to count fully
    # A bucket this large is chained (each member paired with the next, in a different
    # order per band) instead of paired all-with-all: a campaign of 1,000 copies then
    # costs 1,000 checks per band, not 500,000, and union-find still joins it.
    BUCKET_ALL_PAIRS = 64

    def __init__(self, *, threshold: float | None = None) -> None:
        if threshold is not None:
            self.THRESHOLD = threshold
        generator = np.random.default_rng(_SEED)
        size = self.BANDS * self.ROWS
        self._xor = generator.integers(0, 2**63, size=size, dtype=np.uint64)
        self._mul = generator.integers(0, 2**63, size=size, dtype=np.uint64) | np.uint64(1)

    def groups(self, messages: Sequence[Message]) -> list[DuplicateGroup]:
        table = shingle_table([canonical(m.title, m.text) for m in messages])
        return self._group(messages, self.scored_pairs(table))

    def similarity(self, first: Message, second: Message) -> float:
        """The verified score of one pair (what a group's weakest link is made of)."""
        table = shingle_table([canonical(m.title, m.text) for m in (first, second)])
        return pair_score(
            frozenset(table.of(0).tolist()),
            frozenset(table.of(1).tolist()),
            containment_min=self.CONTAINMENT_MIN,
        )

    def scored_pairs(self, table: ShingleTable) -> list[tuple[float, int, int]]:
        """Verified pairs (score, i, j), i < j, over the texts of `table`."""
        frozen: dict[int, frozenset[int]] = {}

        def as_set(index: int) -> frozenset[int]:
            if index not in frozen:
                frozen[index] = frozenset(table.of(index).tolist())
            return frozen[index]

        edges = []
        for i, j in self._candidates(table):
            score = pair_score(as_set(i), as_set(j), containment_min=self.CONTAINMENT_MIN)
            if score >= self.THRESHOLD:
                edges.append((score, i, j))
        return edges

    def _signatures(self, table: ShingleTable, present: npt.NDArray[np.int64]) -> U64:
        starts = table.starts[present]
        signatures = np.empty((len(present), len(self._xor)), dtype=np.uint64)
        for column, (xor, mul) in enumerate(zip(self._xor, self._mul, strict=True)):
            # Multiply and keep the minimum: the high bits of a product of a well-mixed
            # value and an odd constant behave as a random permutation, which is what
            # MinHash needs; uint64 arithmetic wraps, as intended. The texts without
            # shingles were left out, so every reduceat segment is non-empty.
            signatures[:, column] = np.minimum.reduceat((table.hashes ^ xor) * mul, starts)
        return signatures

    def _candidates(self, table: ShingleTable) -> Iterator[tuple[int, int]]:
        present = np.flatnonzero(np.diff(table.starts) > 0).astype(np.int64)
        if len(present) < 2:
            return
        signatures = self._signatures(table, present)
        found = [self._band_pairs(signatures, band) for band in range(self.BANDS)]
        # Pairs as single integers (i * n + j, positions in `present`), deduplicated across bands.
        codes = np.sort(np.concatenate(found))
        if not len(codes):
            return
        codes = codes[np.r_[True, codes[1:] != codes[:-1]]]
        for first, second in zip(
            (codes // len(present)).tolist(), (codes % len(present)).tolist(), strict=True
        ):
            yield int(present[first]), int(present[second])

    def _band_pairs(self, signatures: U64, band: int) -> I64:
        """Codes of the pairs sharing this band's bucket: all pairs in a small bucket, each
        member with the next one in a big one. Vectorised: the members of a bucket are
        consecutive once sorted by key, so pairs are positions k and k + d in the same run."""
        columns = signatures[:, band * self.ROWS : (band + 1) * self.ROWS]
        keys = columns[:, 0].copy()
        for row in range(1, self.ROWS):
            keys = keys * _MIX + columns[:, row]
        count = len(keys)
        # Ties broken by a per-band scramble of the position, so chained big buckets link
        # different neighbours in each band.
        scramble = (np.arange(count, dtype=np.uint64) + np.uint64(band + 1)) * _MIX
        order = np.lexsort((scramble, keys))
        sorted_keys = keys[order]
        run = np.cumsum(np.r_[0, sorted_keys[1:] != sorted_keys[:-1]])
        run_length = np.bincount(run)[run]
        pairs = []
        for distance in range(1, min(int(run_length.max()), self.BUCKET_ALL_PAIRS)):
            same_run = run[:-distance] == run[distance:]
            if distance > 1:
                same_run &= run_length[:-distance] <= self.BUCKET_ALL_PAIRS
            first, second = order[:-distance][same_run], order[distance:][same_run]
            pairs.append(np.minimum(first, second) * count + np.maximum(first, second))
        return np.concatenate(pairs) if pairs else np.empty(0, dtype=np.int64)

    @staticmethod
    def _group(messages: Sequence[Message], edges: list[tuple[float, int, int]]) -> list[DuplicateGroup]:
        union = _UnionFind(len(messages))
        weakest: dict[int, float] = {}
        # Strongest first (ties by position, for a stable result): the edge that joins two
        # components is then the weakest link on the best path between them.
        for score, i, j in sorted(edges, key=lambda edge: (-edge[0], edge[1], edge[2])):
            root_i, root_j = union.find(i), union.find(j)
            if union.union(i, j):
                root = union.find(i)
                weakest[root] = min(score, weakest.pop(root_i, 1.0), weakest.pop(root_j, 1.0))
        members: dict[int, list[int]] = {}
        for index in range(len(messages)):
            root = union.find(index)
            if root in weakest:
                members.setdefault(root, []).append(index)
        return [
            DuplicateGroup(ids=tuple(messages[i].id for i in indexes), score=weakest[root])
            for root, indexes in sorted(members.items(), key=lambda item: item[1][0])
        ]

"""Hot spots (热点发现): emerging clusters of petitions about one matter in one place. Pure; no Django.

A hot spot is a group of messages that raise the same matter about the same place, ranked by
how hot it is now. The finder works in five steps, none of which compares every message with
every other:

1. Time. Times are read in the forms the message boards export ("2019/2/25 9:14:41",
   "2019-02-25 09:14:41", "2019年2月25日"); a message whose time cannot be read is left out.
   `now` is the newest message's time unless given (a date alone: the end of that day). The
   *recent window* is the `window_days` up to `now`; the *baseline* is the BASELINE_WINDOWS
   windows of the same length before it. Only messages in these windows are analysed.
2. Place. `text.place_names` finds the places a message names: estates (小区, 花园, 苑 …),
   villages (村), roads (路, 街 …), subdistricts (街道, 社区, 镇), districts and cities, real
   or anonymised (A市, A1区). The title is cut whole; in the text only windows of a few
   characters around a place ending (data/place_suffixes.txt) are cut, an eighth of the
   characters, and the anonymised codes are found by pattern and set apart before cutting
   (the segmenter cuts A7县星沙镇 as a7 县星 沙镇). Three repairs where the segmenter cuts
   a name apart: the estate, or the town and village, right after a code are read by
   pattern (A2区丽发新城小区, A7县黄花镇回龙村); the words before an estate or road ending
   are joined (魅力 之 城 小区 → 魅力之城小区, 解放 西路 → 解放西路); and a name cut
   short in one message (新城小区) becomes the longest name of the batch that ends with it
   and stands in that message (丽发新城小区). Each message goes into one *block*: its most
   specific place (an estate, village or road before a subdistrict, before a district,
   before a city; among equals the title's, then the first), with a trailing 小区 dropped
   so 富雅坪 and 富雅坪小区 meet. Messages naming no place form one block.
3. Content. Each message's title (twice) and first MAX_TEXT_CHARS characters of text, folded as
   `text.fold` folds (traditional → simplified, full-width → half-width, lower case; one table
   over the whole batch), with its block's place and any city or district removed (shared by
   the messages compared, they would make different matters at one estate look alike), become
   a vector of character bigrams, hashed: weight (1 + ln tf) × ln((1 + n + IDF_PRIOR) / (1 + df))
   over the n analysed messages, the TERMS_PER_DOC heaviest kept, L2-normalised. Bigrams need
   no segmentation, which is what makes 100,000 messages affordable.
4. Clusters, per block: average linkage on cosine distance, cut at LINK, so a cluster is a
   group whose members are on average that similar to each other, not a chain of pairwise
   likenesses. A block of more than DIRECT_MAX messages is first cut into the connected
   components of its pairs with cosine ≥ LINK (found by a chunked sparse product), which
   average linkage at that threshold cannot join anyway; a component too large for the exact
   linkage (EXACT_MAX) is split on its own pairs at a raised threshold.
5. Heat and warning, per cluster with at least MIN_COUNT messages in the recent window. With
   n its messages in the recent window, p their distinct writers (a message without a user
   counts as its own writer), L their likes (0 where the channel has none) and b the cluster's
   own baseline (its messages in the baseline windows the data cover, per window):

       growth = (n + 1) / (b + 1) − 1                                   (add-one smoothed)
       heat   = (n + 2·p + 2·ln(1 + L)) × clip(√((n + 1) / (b + 1)), 0.5, 3)

   A writer weighs twice a message (one person writing ten times is not ten people), likes
   weigh logarithmically (300 likes about as much as six writers), and growth multiplies,
   bounded, so a steady large matter still outranks a tiny new one. A baseline window counts
   only if the data reach back to its start; with none, growth is unknown and the factor 1.

   Early warning (预警) when the baseline is known, p ≥ WARN_MIN_PERSONS and
   n > b + WARN_SIGMAS·√(b + 1) (WARN_SIGMAS = 3): the recent count is more than three
   (Poisson-like, smoothed) standard deviations above the cluster's own baseline. A new
   matter (b = 0) thus needs 4 messages from 2 writers; one that ran at 5 a window needs 13.

Each hot spot is explained: its place (city, district and the block's place, in the form most
of its recent messages use), the period of its recent messages, its top terms (words of its
recent messages, weighed by how much more often they occur there than in a sample of the
analysed messages), its representative messages (the most central: closest to the cluster's
mean vector) and one Chinese sentence. Hot spots describe matters and places; they never
score a person.
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components

from xinfang.analysis.backends.folding import fold_fast
from xinfang.analysis.interfaces import Hotspot, Message
from xinfang.analysis.text import content_words, place_names, segment, segmenter

WINDOW_DAYS = 30
BASELINE_WINDOWS = 3
MAX_TEXT_CHARS = 400
MAX_TITLE_CHARS = 200
FEATURE_BITS = 22
TERMS_PER_DOC = 40
# idf is counted as if IDF_PRIOR more messages, none with the bigram, had been read: a small
# batch (a few dozen messages, all about one matter) keeps its shared words' weight.
IDF_PRIOR = 1000
LINK = 0.15
DIRECT_MAX = 400
EXACT_MAX = 1500
MIN_COUNT = 2
WARN_MIN_PERSONS = 2
WARN_SIGMAS = 3.0
TOP_TERMS = 5
REPRESENTATIVES = 3
# Words of at most this many recent messages per hot spot are read for its top terms, and of
# this many analysed messages for how common a word is at large (every k-th message).
TERM_MEMBERS = 120
TERM_SAMPLE = 800
# Characters of text on either side of a place ending that are cut to find the name.
_BEFORE, _AFTER = 10, 2
_DAY = 86400
_MIX = np.uint64(0x9E3779B97F4A7C15)
_CHUNK = 5000  # texts vectorised at a time

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

# --- time ----------------------------------------------------------------------------------

_TIME = re.compile(
    r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
_EPOCH = date(1970, 1, 1).toordinal()


def parse_time(value: str) -> float | None:
    """Seconds since 1970-01-01 of a board's time ("2019/2/25 9:14:41", "2019-02-25"); None if unreadable.

    Times are taken as written (local time, no zone): only differences between them matter."""
    match = _TIME.match(value or "")
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) if part else 0 for part in match.groups())
    try:
        day_number = date(year, month, day).toordinal() - _EPOCH
    except ValueError:
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    return float(day_number * _DAY + hour * 3600 + minute * 60 + second)


def format_day(seconds: float) -> str:
    return (datetime(1970, 1, 1) + timedelta(seconds=seconds)).strftime("%Y-%m-%d")


# --- folding, for a whole batch at once -----------------------------------------------------


@cache
def _fold_table() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """Per BMP code point: its folded character (fold_fast, where that is one character) and
    whether it is a word character (a letter, digit or ideograph) once folded."""
    table = np.arange(0x10000, dtype=np.uint32)
    word = np.zeros(0x10000, dtype=np.bool_)
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        folded = fold_fast(char)
        if len(folded) == 1:
            table[code] = ord(folded)
        elif not folded:
            table[code] = 0x20  # spaces and controls
        word[code] = len(folded) == 1 and folded.isalnum()
    return table, word


def _codes(texts: Sequence[str], *, fold: bool = True) -> npt.NDArray[np.uint32]:
    """The texts joined by NUL (not a word character), as (folded) code points."""
    joined = "\0".join(texts).encode("utf-32-le", "replace")
    codes = np.frombuffer(joined, dtype=np.uint32)
    if not fold:
        return codes
    table, _ = _fold_table()
    small = codes < 0x10000
    return np.where(small, table[codes & 0xFFFF], codes).astype(np.uint32)


def fold_batch(texts: Sequence[str]) -> list[str]:
    """`text.fold` of each text, character by character (a character whose fold is several
    characters is kept as it is), in one pass over the whole batch."""
    if not texts:
        return []
    whole = _codes(texts).tobytes().decode("utf-32-le")
    out, start = [], 0
    for text in texts:
        out.append(whole[start : start + len(text)])
        start += len(text) + 1
    return out


# --- places --------------------------------------------------------------------------------

_CODE = re.compile(r"(?<![a-z0-9])[a-z]\d{0,3}[省市区县]")
_CODE_WHOLE = re.compile(r"^[a-z]\d{0,3}[省市区县]$")
# A code and what it names next, where the segmenter is least reliable: an estate (A2区丽发新城
# 小区: 丽发 is cut as a verb) or a town and village (A7县黄花镇回龙村; 樟木乡九渡村 is missed).
_NAME_CHAR = r"[^\W\d_a-z的了在是和与及对向把被从到等个]"
_CODED = re.compile(
    r"(?<![a-z0-9])([a-z]\d{0,3}[省市区县]) ?"
    rf"(?:({_NAME_CHAR}{{2,6}}?(?:小区|花园|家园|公寓|大厦|新村|新城|广场|苑))"
    rf"|({_NAME_CHAR}{{2,3}}?[镇乡])({_NAME_CHAR}{{1,3}}?村))?"
)
_ADMIN_LEVEL = re.compile("[省市区县]")
_LEVEL_2 = ("街道", "社区", "镇", "乡", "村委会", "居委会")
_ESTATE = "小区"


@cache
def _suffix_pattern() -> re.Pattern[str]:
    suffixes = sorted(segmenter().place_suffixes, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, suffixes)))


@cache
def _suffixes() -> tuple[str, ...]:
    return tuple(sorted(segmenter().place_suffixes, key=len, reverse=True))


def clean_place(name: str) -> str:
    """A name the segmenter joined with the level before it (区福满新城 from A2区福满新城): the
    level is dropped when a name of two characters or more is left before the ending."""
    if len(name) > 3 and name[0] in "省市区县" and not _CODE_WHOLE.match(name):
        rest = name[1:]
        for suffix in _suffixes():
            if rest.endswith(suffix):
                if len(rest) - len(suffix) >= 2:
                    return rest
                break
    return name


@lru_cache(maxsize=65536)
def place_level(name: str) -> int:
    """3 an estate, village or road; 2 a subdistrict, community or town; 1 a district or
    county; 0 a city or province."""
    if name.endswith(_LEVEL_2):
        return 2
    if name[-1] in "省市":
        return 0
    if name[-1] == "县" or (name[-1] == "区" and not name.endswith(_suffixes())):
        return 1
    return 3


@lru_cache(maxsize=65536)
def block_key(name: str) -> str:
    if name.endswith(_ESTATE) and len(name) - len(_ESTATE) >= 2:
        return name[: -len(_ESTATE)]
    return name


def display_place(name: str) -> str:
    """Anonymised codes in capitals again: a5区 → A5区."""
    return _CODE.sub(lambda match: match.group().upper(), name)


# Estate and road endings, and what may stand before one in a name where `text.place_names`
# (which joins at most two name words of two characters or more) misses it or cuts it short:
# 魅力之城小区 is cut 魅力 之 城 小区, 丽发新城小区 gives 丽发新城, 解放西路 is 解放 (a verb) 西路.
# Before an estate ending: up to four nouns (and 之), six characters in all. Before a road
# ending: the same, or one word of any kind (解放西路, 劳动路, 五一大道). Never a pronoun or one
# of the words below, which stand before 小区 or 路 without naming one.
_ESTATE_ENDINGS = frozenset(("小区", "花园", "家园", "公寓", "大厦", "新村", "新城", "广场", "苑"))
_ROAD_ENDINGS = frozenset(("路", "大道", "东路", "西路", "南路", "北路", "中路", "街", "大街", "巷"))
_REPAIR_HINT = re.compile("|".join(sorted(_ESTATE_ENDINGS | _ROAD_ENDINGS, key=len, reverse=True)))
_ESTATE_NAME_TAGS = frozenset({"n", "nr", "ns", "nz", "nt", "nrt", "nrfg", "j", "ng"})
_NOT_NAMES = frozenset(
    "我们 你们 他们 咱们 本 该 这 那 这个 那个 此 整个 附近 周边 所在 全 各 每个 同一 其他 其它 "
    "农村 城市 城区 业主 居民 村民 住户 政府 物业 开发商 老旧 新建 安置 商品房 部分 一些 多个 "
    "这条 那条 一条 该条 此条 整条 道路 公路 马路 上班 回家 出门 走 修 沿".split()
)


def repaired_names(folded: str) -> list[str]:
    """Estates and roads named before an ending, as words the segmenter keeps apart."""
    tagged = segmenter().tagged(folded)
    found: dict[str, None] = {}
    for index, (word, tag) in enumerate(tagged):
        road = word in _ROAD_ENDINGS or (tag == "ns" and len(word) == 2 and word[-1] in "路街")
        if not road and word not in _ESTATE_ENDINGS:
            continue
        start, length = index, 0
        while start > 0 and index - start < 4:
            previous, previous_tag = tagged[start - 1]
            name_like = previous == "之" or (previous_tag in _ESTATE_NAME_TAGS and previous not in _NOT_NAMES)
            if not name_like or length + len(previous) > 6 or not _all_han(previous):
                break
            start, length = start - 1, length + len(previous)
        while start < index and tagged[start][0] == "之":
            start, length = start + 1, length - 1
        if road and length == 0 and start > 0:
            previous = tagged[start - 1][0]
            if 2 <= len(previous) <= 3 and _all_han(previous) and previous not in _NOT_NAMES:
                start, length = start - 1, len(previous)
        if length >= 2:
            found.setdefault(clean_place("".join(w for w, _ in tagged[start : index + 1])), None)
    return list(found)


def _all_han(word: str) -> bool:
    return all("\u4e00" <= char <= "\u9fff" for char in word)


class _PlaceReader:
    """Place names of titles and of the windows of text around place endings, memoised for one run."""

    def __init__(self) -> None:
        self.memo: dict[str, list[str]] = {}

    def names(self, text: str) -> list[str]:
        if text not in self.memo:
            # Codes set apart for the segmenter, which cuts A7县星沙镇 as a7 县星 沙镇 and
            # A2区福满新城 as a2 区福满 新城 (the codes themselves are found by pattern).
            apart = _CODE.sub(r"\g<0> ", text)
            # A place the segmenter joins ends in a place ending or an administrative level:
            # without either there is none to find, and the cut is skipped.
            found = (
                [clean_place(name) for name in place_names(apart)]
                if _suffix_pattern().search(apart) or _ADMIN_LEVEL.search(apart)
                else []
            )
            if _REPAIR_HINT.search(apart):
                found += [name for name in repaired_names(apart) if name not in found]
            self.memo[text] = found
        return self.memo[text]

    def of_text(self, folded: str) -> list[str]:
        spans: list[list[int]] = []
        for match in _suffix_pattern().finditer(folded):
            start, end = max(0, match.start() - _BEFORE), match.end() + _AFTER
            if spans and start <= spans[-1][1]:
                spans[-1][1] = end
            else:
                spans.append([start, end])
        # One call for all the windows: the segmenter never joins a name across the commas.
        found = dict.fromkeys(self.codes(folded))
        for name in self.names("，".join(folded[start:end] for start, end in spans)) if spans else ():
            found.setdefault(name, None)
        return list(found)

    @staticmethod
    def codes(folded: str) -> list[str]:
        """The anonymised codes, and the estate or town and village named right after one."""
        found: dict[str, None] = {}
        for code, estate, town, village in _CODED.findall(folded):
            found.setdefault(code, None)
            if estate:
                found.setdefault(estate, None)
            elif town:
                found.setdefault(town, None)
                found.setdefault(town + village, None)
        return list(found)


class _Extender:
    """A name cut short in one message (新城小区, where the segmenter tagged 丽发 a verb) is
    made the longest name found in any message of the batch that ends with it and stands in
    this message too (丽发新城小区): the segmenter does not cut a name alike in every context."""

    def __init__(self, names: Iterable[str]) -> None:
        self.longer: dict[str, list[str]] = defaultdict(list)
        for name in set(names):
            if place_level(name) == 3:
                for cut in range(1, len(name) - 1):
                    self.longer[name[cut:]].append(name)

    def __call__(self, names: list[str], doc: str) -> list[str]:
        out = []
        for name in names:
            extended = name
            for form in dict.fromkeys((name, block_key(name))):  # 新城小区, then 新城
                candidates = [longer for longer in self.longer.get(form, ()) if longer in doc]
                if candidates:
                    extended = max(candidates, key=lambda longer: (len(longer), longer))
                    break
            out.append(extended)
        return list(dict.fromkeys(out))


_Found = list[tuple[list[str], list[str]]]


def read_places(titles: Sequence[str], texts: Sequence[str]) -> _Found:
    """The places each (folded) title names, and those its text names."""
    reader = _PlaceReader()
    found: _Found = []
    for title, text in zip(titles, texts, strict=True):
        title_places = list(dict.fromkeys([*reader.codes(title), *reader.names(title)])) if title else []
        # The title's estate, village or road is the block whatever the text names: its
        # codes (A市, A1区) are enough there, and cost nothing to find.
        if any(place_level(name) == 3 for name in title_places):
            text_places = reader.codes(text)
        else:
            text_places = reader.of_text(text)
        found.append((title_places, text_places))
    return found


@dataclass(frozen=True)
class _Placed:
    key: str  # the block: the most specific place, 小区 dropped ("" where none is named)
    place: str  # the block's place in the fullest form the message uses
    city: str  # the city it names, if the place is below a city
    district: str  # the district or county it names, if the place is below one
    names: tuple[str, ...]  # every place named


def _place_of(title_places: list[str], text_places: list[str], doc: str = "") -> _Placed:
    ordered = list(dict.fromkeys([*title_places, *text_places]))
    if not ordered:
        return _Placed("", "", "", "", ())
    # The most specific; among equals the first (the title's come first).
    best = max(ordered, key=lambda name: (place_level(name), -ordered.index(name)))
    level = place_level(best)
    key = block_key(best)
    best = max((name for name in ordered if block_key(name) == key), key=len)  # its fullest form
    if level == 3 and not best.endswith(_ESTATE) and key + _ESTATE in doc:
        best = key + _ESTATE  # 丽发新城 read by pattern, 丽发新城小区 written
    city = next((n for n in ordered if place_level(n) == 0 and n.endswith("市")), "") if level > 0 else ""
    district = next((n for n in ordered if place_level(n) == 1), "") if level > 1 else ""
    return _Placed(key, best, city, district, tuple(ordered))


def place_label(places: Sequence[_Placed]) -> str:
    """A cluster's place: its most used form, under the city and the district at least half its
    messages name (an anonymised district under a city of its own letter: d8县 not under a市)."""

    def most_used(values: Iterable[str], *, least: float = 0.0) -> str:
        counts = Counter(value for value in values if value)
        if not counts:
            return ""
        best = max(counts, key=lambda value: (counts[value], len(value), value))
        return best if counts[best] >= least else ""

    place = most_used(p.place for p in places)
    city = most_used((p.city for p in places), least=len(places) / 2)
    district = most_used((p.district for p in places), least=len(places) / 2)
    below = district or place
    if city and _CODE_WHOLE.match(city) and _CODE_WHOLE.match(below) and city[0] != below[0]:
        city = ""
    return display_place("".join(dict.fromkeys(part for part in (city, district, place) if part)))


# --- vectors -------------------------------------------------------------------------------


def bigram_vectors(
    docs: Sequence[str], *, terms_per_doc: int = TERMS_PER_DOC, folded: bool = False
) -> sparse.csr_matrix:
    """Hashed character-bigram TF-IDF rows (sublinear tf), the heaviest `terms_per_doc` kept, L2-normalised.

    Vectorised over the whole batch (a few thousand texts at a time): bigrams of word
    characters only (none across punctuation or between texts), hashed with a fixed
    multiplier into 2**FEATURE_BITS columns, counted by one sort per chunk."""
    count = len(docs)
    width = 1 << FEATURE_BITS
    if not count:
        return sparse.csr_matrix((0, width), dtype=np.float32)
    _, word = _fold_table()
    rows_parts, column_parts, tf_parts = [], [], []
    for first in range(0, count, _CHUNK):
        batch = docs[first : first + _CHUNK]
        codes = _codes(batch, fold=not folded)
        is_word = np.where(codes < 0x10000, word[codes & 0xFFFF], False)
        lengths = np.fromiter((len(d) + 1 for d in batch), dtype=np.int64, count=len(batch))
        owner = np.repeat(np.arange(first, first + len(batch), dtype=np.int64), lengths)[: len(codes)]
        valid = np.flatnonzero(is_word[:-1] & is_word[1:])
        pairs = (codes[valid].astype(np.uint64) << np.uint64(21)) | codes[valid + 1].astype(np.uint64)
        columns = ((pairs * _MIX) >> np.uint64(64 - FEATURE_BITS)).astype(np.int64)
        keys = (owner[valid] << FEATURE_BITS) | columns
        keys.sort()
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, np.int64)
        unique = keys[starts]
        rows_parts.append(unique >> FEATURE_BITS)
        column_parts.append(unique & (width - 1))
        tf_parts.append(np.diff(np.r_[starts, len(keys)]).astype(np.float32))
    rows, columns, tf = np.concatenate(rows_parts), np.concatenate(column_parts), np.concatenate(tf_parts)
    df = np.bincount(columns, minlength=width)
    idf = np.log((1.0 + count + IDF_PRIOR) / (1.0 + df)).astype(np.float32)
    weights = (1.0 + np.log(tf)) * idf[columns]
    keep = _heaviest(rows, weights, count, terms_per_doc)
    rows, columns, weights = rows[keep], columns[keep], weights[keep]
    norms = np.sqrt(np.bincount(rows, weights=weights.astype(np.float64) ** 2, minlength=count))
    weights = (weights / norms[rows]).astype(np.float32)
    indptr = np.searchsorted(rows, np.arange(count + 1)).astype(np.int64)
    return sparse.csr_matrix((weights, columns.astype(np.int32), indptr), shape=(count, width))


def _heaviest(rows: I64, weights: F32, count: int, keep: int) -> npt.NDArray[np.bool_]:
    """Which entries are among their row's `keep` heaviest (ties at the cut all kept) and not 0.

    Rows are padded into a dense block a few thousand at a time and partitioned together."""
    lengths = np.bincount(rows, minlength=count)
    indptr = np.r_[0, np.cumsum(lengths)]
    threshold = np.zeros(count, dtype=np.float32)
    for first in range(0, count, _CHUNK):
        last = min(count, first + _CHUNK)
        longest = int(lengths[first:last].max(initial=0))
        if longest <= keep:
            continue
        lo, hi = indptr[first], indptr[last]
        padded = np.zeros((last - first, longest), dtype=np.float32)
        local_rows = rows[lo:hi] - first
        padded[local_rows, np.arange(lo, hi) - indptr[rows[lo:hi]]] = weights[lo:hi]
        kth = np.partition(padded, longest - keep, axis=1)[:, longest - keep]
        threshold[first:last] = np.where(lengths[first:last] > keep, kth, 0.0)
    return (weights >= threshold[rows]) & (weights > 0)


def _rows(vectors: sparse.csr_matrix, members: I64) -> sparse.csr_matrix:
    """These rows over only the columns they use (products then skip the 4M-wide index)."""
    indptr = vectors.indptr
    lengths = indptr[members + 1] - indptr[members]
    new_indptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    positions = np.repeat(indptr[members] - new_indptr[:-1], lengths) + np.arange(new_indptr[-1])
    columns, inverse = np.unique(vectors.indices[positions], return_inverse=True)
    return sparse.csr_matrix(
        (vectors.data[positions], inverse.astype(np.int32), new_indptr), shape=(len(members), len(columns))
    )


# --- clusters ------------------------------------------------------------------------------


def _pairs(vectors: sparse.csr_matrix, threshold: float) -> tuple[I64, I64, F32]:
    """Pairs (i < j) with cosine ≥ threshold, by a chunked sparse product."""
    rows, columns, scores = [], [], []
    transposed = vectors.T.tocsr()
    count = vectors.shape[0]
    chunk = max(1, min(count, 4_000_000 // max(count, 1)))
    for first in range(0, count, chunk):
        product = (vectors[first : first + chunk] @ transposed).tocoo()
        keep = (product.data >= threshold) & (product.col > product.row + first)
        rows.append(product.row[keep].astype(np.int64) + first)
        columns.append(product.col[keep].astype(np.int64))
        scores.append(product.data[keep].astype(np.float32))
    return np.concatenate(rows), np.concatenate(columns), np.concatenate(scores)


def _linkage_groups(similarity: npt.NDArray[np.floating], threshold: float) -> list[I64]:
    """Average linkage on cosine distance, cut at 1 − threshold: the groups of two or more."""
    count = len(similarity)
    if count < 2:
        return []
    if count == 2:
        return [np.arange(2, dtype=np.int64)] if similarity[0, 1] >= threshold else []
    condensed = np.clip(1.0 - similarity[np.triu_indices(count, k=1)], 0.0, 2.0).astype(np.float64)
    labels = fcluster(linkage(condensed, method="average"), t=1.0 - threshold + 1e-9, criterion="distance")
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(labels[order]) != 0, True])
    return [
        order[bounds[k] : bounds[k + 1]].astype(np.int64)
        for k in range(len(bounds) - 1)
        if bounds[k + 1] - bounds[k] >= 2
    ]


def cluster_block(vectors: sparse.csr_matrix, threshold: float = LINK) -> list[list[int]]:
    """Groups (row numbers) of at least two similar rows of one block.

    A block of up to DIRECT_MAX rows is linked whole; a larger one is first cut into the
    connected components of its pairs with cosine ≥ threshold (average linkage at that
    threshold never joins two of them: a group's average similarity is at most its best pair's)."""
    count = vectors.shape[0]
    if count < 2:
        return []
    if count <= DIRECT_MAX:
        similarity = (vectors @ vectors.T).toarray()
        return [group.tolist() for group in _linkage_groups(similarity, threshold)]
    first, second, scores = _pairs(vectors, threshold)
    return _split(vectors, np.arange(count, dtype=np.int64), first, second, scores, threshold)


def _split(
    vectors: sparse.csr_matrix,
    members: I64,
    first: I64,
    second: I64,
    scores: F32,
    threshold: float,
) -> list[list[int]]:
    count = len(members)
    graph = sparse.coo_matrix((np.ones(len(first)), (first, second)), shape=(count, count))
    components, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels, minlength=components)
    order = np.argsort(labels, kind="stable")
    bounds = np.r_[0, np.cumsum(sizes)]
    groups: list[list[int]] = []
    for component in np.flatnonzero(sizes >= 2):
        local = order[bounds[component] : bounds[component + 1]]
        if len(local) <= EXACT_MAX:
            part = vectors[members[local]]
            for group in _linkage_groups((part @ part.T).toarray(), threshold):
                groups.append(members[local[group]].tolist())
        elif threshold >= 0.9:
            groups.append(members[local].tolist())
        else:
            # Too large for the exact linkage: split on its own, stronger, pairs.
            position = np.full(count, -1, dtype=np.int64)
            position[local] = np.arange(len(local))
            inside = (position[first] >= 0) & (scores >= threshold + 0.1)
            groups.extend(
                _split(
                    vectors,
                    members[local],
                    position[first[inside]],
                    position[second[inside]],
                    scores[inside],
                    threshold + 0.1,
                )
            )
    return groups


# --- the finder ----------------------------------------------------------------------------


@dataclass
class _Window:
    now: float
    length: float
    covered: int  # baseline windows the data reach back to

    def index(self, seconds: float) -> int:
        """0 the recent window, k the k-th baseline window before it, -1 outside."""
        if seconds > self.now:
            return -1
        k = int((self.now - seconds) // self.length)
        return k if k <= BASELINE_WINDOWS else -1


class ClusterHotspotFinder:
    """Place blocks, character-bigram TF-IDF, average-linkage clusters, heat against own baseline."""

    def hotspots(
        self,
        messages: Sequence[Message],
        *,
        now: str = "",
        window_days: int = WINDOW_DAYS,
        top: int = 10,
        history_from: str = "",
    ) -> list[Hotspot]:
        times = [parse_time(m.time) for m in messages]
        known = [t for t in times if t is not None]
        if not known:
            return []
        newest = parse_time(now) if now else max(known)
        if newest is None:
            raise ValueError(f"unreadable time: {now!r}")
        if now and not re.search(r"\d{1,2}\s*[:：时]", now):
            newest += _DAY - 1  # a date alone means the whole day
        length = float(window_days * _DAY)
        # How far back the data reach: as the caller says (it read everything since then, days
        # without messages included), or else the earliest message.
        declared = parse_time(history_from) if history_from else None
        earliest = declared if declared is not None else min(known)
        covered = sum(1 for k in range(1, BASELINE_WINDOWS + 1) if earliest <= newest - (k + 1) * length)
        window = _Window(now=newest, length=length, covered=covered)
        chosen = [(i, window.index(t)) for i, t in enumerate(times) if t is not None and window.index(t) >= 0]
        if not chosen:
            return []
        analysed = [messages[i] for i, _ in chosen]
        slot = np.array([k for _, k in chosen], dtype=np.int64)
        seconds = np.array([times[i] for i, _ in chosen], dtype=np.float64)
        return _Analysis(analysed, slot, seconds, window).hotspots(top)


class _Analysis:
    def __init__(
        self, messages: list[Message], slot: I64, seconds: npt.NDArray[np.float64], window: _Window
    ) -> None:
        self.messages = messages
        self.slot = slot
        self.seconds = seconds
        self.window = window
        folded = fold_batch(
            [m.title[:MAX_TITLE_CHARS] for m in messages] + [m.text[:MAX_TEXT_CHARS] for m in messages]
        )
        titles, texts = folded[: len(messages)], folded[len(messages) :]
        found = read_places(titles, texts)
        extend = _Extender(name for pair in found for names in pair for name in names)
        self.places: list[_Placed] = []
        docs = []
        for (title_places, text_places), title, text in zip(found, titles, texts, strict=True):
            doc = f"{title}。{title}。{text}"
            placed = _place_of(extend(title_places, doc), extend(text_places, doc), doc)
            self.places.append(placed)
            # The block's own place is shared by every message compared here, and a city or
            # district by most: kept, they would make different matters at one estate look alike.
            for name in placed.names:
                if block_key(name) == placed.key or place_level(name) <= 1:
                    doc = doc.replace(name, "，")
            docs.append(doc)
        self.titles, self.texts = titles, texts
        self.vectors = bigram_vectors(docs, folded=True)

    def clusters(self) -> list[list[int]]:
        blocks: dict[str, list[int]] = defaultdict(list)
        for index, placed in enumerate(self.places):
            blocks[placed.key].append(index)
        found: list[list[int]] = []
        for rows in blocks.values():
            if len(rows) < 2:
                continue
            members = np.array(rows, dtype=np.int64)
            if not np.any(self.slot[members] == 0):
                continue  # nothing recent: cannot be a hot spot now
            for group in cluster_block(_rows(self.vectors, members)):
                found.append(members[group].tolist())
        return found

    def hotspots(self, top: int) -> list[Hotspot]:
        scored = []
        for members in self.clusters():
            recent = [i for i in members if self.slot[i] == 0]
            if len(recent) < MIN_COUNT:
                continue
            scored.append((self._heat(members, recent), members, recent))
        scored.sort(key=lambda item: (-item[0][0], -len(item[2]), min(self.messages[i].id for i in item[2])))
        chosen = scored[: max(top, 0)]
        if not chosen:
            return []
        common = self._word_frequency()
        return [
            self._explain(rank, heat, members, recent, common)
            for rank, (heat, members, recent) in enumerate(chosen, start=1)
        ]

    def _persons(self, recent: list[int]) -> int:
        return len({self.messages[i].user.strip() or f"\0{self.messages[i].id}" for i in recent})

    def _heat(self, members: list[int], recent: list[int]) -> tuple[float, float | None, float | None]:
        """(heat, baseline per window or None, growth or None)."""
        n = len(recent)
        persons = self._persons(recent)
        likes = sum(max(self.messages[i].likes, 0) for i in recent)
        baseline: float | None = None
        growth: float | None = None
        factor = 1.0
        if self.window.covered:
            earlier = sum(1 for i in members if 1 <= self.slot[i] <= self.window.covered)
            baseline = earlier / self.window.covered
            ratio = (n + 1) / (baseline + 1)
            growth = ratio - 1
            factor = min(max(math.sqrt(ratio), 0.5), 3.0)
        heat = (n + 2 * persons + 2 * math.log1p(likes)) * factor
        return heat, baseline, growth

    def _word_frequency(self) -> tuple[int, Counter[str]]:
        step = max(1, len(self.messages) // TERM_SAMPLE)
        sample = range(0, len(self.messages), step)
        frequency: Counter[str] = Counter()
        for i in sample:
            frequency.update(set(self._words(i)))
        return len(sample), frequency

    def _words(self, index: int, text: str | None = None) -> list[str]:
        """Content words of a message (or of its `text`), without its place names or pieces of them."""
        places = {*self.places[index].names, self.places[index].key} - {""}
        if text is None:
            text = f"{self.titles[index]}。{self.texts[index]}"
        return [
            word
            for word in content_words(segment(_CODE.sub(r"\g<0> ", text)))
            if len(word) >= 2
            and any("\u4e00" <= char <= "\u9fff" for char in word)
            and not any(word in place or place in word for place in places)
        ]

    def _explain(
        self,
        rank: int,
        scored: tuple[float, float | None, float | None],
        members: list[int],
        recent: list[int],
        common: tuple[int, Counter[str]],
    ) -> Hotspot:
        heat, baseline, growth = scored
        recent = sorted(recent, key=lambda i: (self.seconds[i], self.messages[i].id))
        vectors = self.vectors[recent]
        centre = np.asarray(vectors.mean(axis=0)).ravel()
        closeness = vectors @ centre
        central = [recent[i] for i in np.argsort(-closeness, kind="stable")]
        representatives = tuple(self.messages[i].id for i in central[:REPRESENTATIVES])
        terms = self._terms(central[:TERM_MEMBERS], common)
        place = place_label([self.places[i] for i in recent])
        start, end = format_day(self.seconds[recent[0]]), format_day(self.seconds[recent[-1]])
        n = len(recent)
        persons = self._persons(recent)
        likes = sum(max(self.messages[i].likes, 0) for i in recent)
        warning, reason = self._warning(n, persons, baseline)
        summary = _summary(
            place, start, end, n, persons, likes, baseline, growth, terms, reason if warning else ""
        )
        return Hotspot(
            rank=rank,
            place=place,
            period=f"{start}至{end}",
            heat=round(heat, 2),
            ids=tuple(self.messages[i].id for i in recent),
            summary=summary,
            terms=terms,
            count=n,
            persons=persons,
            likes=likes,
            baseline=None if baseline is None else round(baseline, 2),
            growth=None if growth is None else round(growth, 3),
            early_warning=warning,
            warning_reason=reason,
            representative_ids=representatives,
        )

    def _terms(self, members: list[int], common: tuple[int, Counter[str]]) -> tuple[str, ...]:
        """Words in at least two of the members, by the share of members using them (a title's
        words count twice: a title states the matter) × their idf in the sample."""
        sample_size, frequency = common
        inside: Counter[str] = Counter()
        weight: Counter[str] = Counter()
        for i in members:
            words = set(self._words(i))
            inside.update(words)
            weight.update(words)
            weight.update(words & set(self._words(i, self.titles[i])))
        least = 2 if len(members) >= 2 else 1
        scores = {
            word: (weight[word] / len(members)) * math.log((1 + sample_size) / (1 + frequency[word]))
            for word, count in inside.items()
            if count >= least
        }
        ranked = sorted(scores, key=lambda word: (-scores[word], word))
        return tuple(ranked[:TOP_TERMS])

    def _warning(self, n: int, persons: int, baseline: float | None) -> tuple[bool, str]:
        days = int(self.window.length // _DAY)
        if baseline is None:
            return False, f"无前期数据作基线，近{days}天{n}件，不作增长预警"
        limit = baseline + WARN_SIGMAS * math.sqrt(baseline + 1)
        basis = f"前{self.window.covered}个{days}天平均每期{baseline:.1f}件"
        if n <= limit:
            return False, f"近{days}天{n}件，未超过预警线{limit:.1f}件（{basis}）"
        if persons < WARN_MIN_PERSONS:
            return False, f"近{days}天{n}件，超过预警线{limit:.1f}件，但只有{persons}人反映，不作热点预警"
        return True, f"近{days}天{n}件、{persons}人，超过基线（{basis}）的预警线{limit:.1f}件"


def _summary(
    place: str,
    start: str,
    end: str,
    count: int,
    persons: int,
    likes: int,
    baseline: float | None,
    growth: float | None,
    terms: Iterable[str],
    warning: str,
) -> str:
    parts = [f"{place or '未提及具体地点'}：{start}至{end}共{count}件、{persons}人"]
    if likes:
        parts.append(f"点赞{likes}次")
    if growth is None:
        parts.append("无前期基线")
    elif baseline == 0:
        parts.append("前期无同类留言")
    elif growth >= 0:
        parts.append(f"较前期基线增长{round(growth * 100)}%")
    else:
        parts.append(f"较前期基线下降{round(-growth * 100)}%")
    words = list(terms)
    if words:
        parts.append("关键词：" + "、".join(words))
    sentence = "，".join(parts)
    return f"{sentence}。预警：{warning}。" if warning else f"{sentence}。"

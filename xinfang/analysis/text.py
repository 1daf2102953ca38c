"""Chinese text normalisation and segmentation. Pure; no Django.

Two segmenters, on purpose:

- The full-text index (`index_tokens`, `query_tokens`) uses rjieba's default
  dictionary and `normalise` only. Its tokens are stored in the database, so they
  must not change when the domain dictionary or the organisation tree changes: a
  query cut with a newer dictionary would miss cases indexed with the older one.
  Indexing uses the search mode (words and their sub-words), queries the precise
  mode, so a query word is always among the indexed tokens.
- The analysis pipeline (`segment`, `fold`, `place_names`, `content_words`) used by
  suggestions, duplicates, risk signals and reply checks: traditional characters
  folded to simplified (OpenCC t2s), full-width forms to half-width (NFKC), Latin
  letters to lower case, whitespace collapsed; then a separate rjieba instance
  loaded with the domain dictionary (data/words.txt) and the organisation tree's
  names (`add_dictionary_words`, fed by the Django side), so 拖欠农民工工资 or
  西湖区信访局 stay one word; finally place names are joined (data/place_suffixes.txt:
  杜鹃 文苑 小区 -> 杜鹃文苑小区, and the anonymised A3 区 -> a3区).
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from threading import Lock

import opencc
import rjieba
from opencc import OpenCC

DATA_DIR = Path(__file__).resolve().parent / "data"

_TOKEN = re.compile(r"[\w]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()


# Longer runs (a pasted URL, a base64 block) are not words anyone searches for,
# and PostgreSQL refuses lexemes of 2 KB or more.
MAX_TOKEN_CHARS = 64


def _keep(token: str) -> bool:
    return bool(token.strip()) and len(token) <= MAX_TOKEN_CHARS and bool(_TOKEN.search(token))


def index_tokens(*texts: str) -> list[str]:
    """Distinct tokens of the texts for the full-text index, in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        if text:
            for token in rjieba.cut_for_search(normalise(text)):
                if _keep(token):
                    seen.setdefault(token.strip(), None)
    return list(seen)


def query_tokens(query: str) -> list[str]:
    seen: dict[str, None] = {}
    for token in rjieba.cut(normalise(query)):
        if _keep(token):
            seen.setdefault(token.strip(), None)
    return list(seen)


# --- the analysis pipeline -------------------------------------------------------------------


def read_word_list(name: str) -> list[str]:
    """A data file of entries separated by spaces or lines; "#" starts a comment."""
    words = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        words.extend(line.split("#", 1)[0].split())
    return words


class _Simplifier:
    """OpenCC t2s, skipped for text it would not change.

    The pure-Python converter walks its phrase tree over the whole text (a few ms for a long
    petition), and almost every petition is already simplified. OpenCC changes a text only
    where it holds a traditional character (one its character table maps to something else)
    or one of the few phrases made of characters valid in simplified text too (答覆 → 答复,
    瞭解 → 了解); a text with neither is returned as it is, which is what OpenCC would return.
    """

    def __init__(self) -> None:
        self.converter = OpenCC("t2s")
        dictionary = Path(opencc.__file__).parent / "dictionary"
        traditional: set[str] = set()
        with open(dictionary / "TSCharacters.txt", encoding="utf-8") as handle:
            for line in handle:
                source, _, targets = line.rstrip("\n").partition("\t")
                if source != targets.split(" ")[0]:
                    traditional.add(source)
        phrases: list[str] = []
        with open(dictionary / "TSPhrases.txt", encoding="utf-8") as handle:
            for line in handle:
                source, _, targets = line.rstrip("\n").partition("\t")
                if source != targets.split(" ")[0] and traditional.isdisjoint(source):
                    phrases.append(source)
        self.traditional = frozenset(traditional)
        self.phrases = tuple(phrases)

    def changes(self, text: str) -> bool:
        return not self.traditional.isdisjoint(text) or any(phrase in text for phrase in self.phrases)

    def __call__(self, text: str) -> str:
        return str(self.converter.convert(text)) if self.changes(text) else text


@cache
def _simplifier() -> _Simplifier:
    return _Simplifier()


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s); other text unchanged."""
    return _simplifier()(text)


def fold(text: str) -> str:
    """The analysis form of a text: half-width, simplified, lower-case, single spaces.

    NFKC first: it maps compatibility ideographs (U+F900…) to the characters OpenCC knows."""
    return to_simplified(normalise(text))


# A letter code of an anonymised or abbreviated place (A, A3, B12) before its level: A3区, A市.
_PLACE_CODE = re.compile(r"^[a-z]\d{0,3}$")
_ADMIN_LEVELS = frozenset("省市区县")
# Words that end a place name's run: they can stand before 小区/村/路 without naming one.
_NOT_A_NAME = frozenset(
    "我们 你们 他们 咱们 我 你 他 该 本 这 那 这个 那个 此 整个 附近 周边 所在 全 各 每个 同一 "
    "农村 城市 城区 业主 居民 村民 政府 物业 老 新 小 大 一个 一条 这条 那条 同 旁边 对面 门口".split()
)
_NAME_TAGS = frozenset({"n", "nr", "ns", "nz", "nt", "j", "nrt", "nrfg", "x", ""})
_WHOLE_NAME_TAGS = frozenset({"nr", "ns", "nz", "nt", "nrt", "nrfg", ""})
# Words that describe (verbs, adjectives, set phrases) but name a road before a direction: 解放西路.
_DESCRIBING_TAGS = frozenset({"v", "vn", "a", "ad", "an", "l"})
_DIRECTED_ROADS = frozenset({"东路", "西路", "南路", "北路", "中路"})
_MOVING = frozenset(
    (
        "路过 经过 途经 到达 来到 走到 开到 行至 驶入 驶向 驶出 "
        "进入 前往 通过 穿过 沿着 绕过 绕行 拐进 转入 回到"
    ).split()
)
# Kinds of place, not places.
_GENERIC_PLACES = frozenset(
    {
        "城中村",
        "自然村",
        "行政村",
        "贫困村",
        "示范村",
        "中心村",
        "空心村",
        "小城镇",
        "自治县",
        "自治区",
        "高新区",
    }
)
_ADMIN_NAME_TAGS = frozenset({"ns", "nr", ""})


class Segmenter:
    """An rjieba instance with the domain dictionary, and place names joined after cutting."""

    def __init__(self, words: Iterable[str] = (), place_suffixes: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        self._lock = Lock()  # the Rust object refuses a cut while a word is being added
        self.place_suffixes = frozenset(fold(suffix) for suffix in place_suffixes)
        self.add_words(words)

    def add_words(self, words: Iterable[str]) -> int:
        """Keep these words whole from now on; returns how many were new."""
        added = 0
        with self._lock:
            for word in words:
                word = fold(word).replace(" ", "")
                if len(word) >= 2 and not self._jieba.has_word(word):
                    self._jieba.add_word(word, None, None)
                    added += 1
        return added

    def has_word(self, word: str) -> bool:
        return bool(self._jieba.has_word(fold(word)))

    def tagged(self, folded: str) -> list[tuple[str, str]]:
        with self._lock:
            return [(word, tag) for word, tag in self._jieba.tag(folded)]

    def cut(self, text: str, *, places: bool = True) -> list[str]:
        """Words of the text (folded), without punctuation or spaces."""
        tagged = self.tagged(fold(text))
        if places:
            tagged = self._join_places(tagged)
        return [word for word, _ in tagged if _keep(word)]

    def cut_plain(self, text: str) -> list[str]:
        """Words of the text (folded), without part-of-speech tags or place joining: about three
        times faster than `cut`, for indexing a million cases (similar-case search)."""
        folded = fold(text)
        with self._lock:
            words = self._jieba.cut(folded, False)
        return [word for word in words if _keep(word)]

    def place_names(self, text: str) -> list[str]:
        """The place names the text mentions (joined as `cut` joins them), in first-seen order."""
        seen: dict[str, None] = {}
        for word, tag in self._join_places(self.tagged(fold(text))):
            if tag == "place":
                seen.setdefault(word, None)
        return list(seen)

    def _is_name(self, word: str, tag: str) -> bool:
        return (
            tag in _NAME_TAGS
            and len(word) >= 2
            and word not in _NOT_A_NAME
            and word not in self.place_suffixes
            and all("\u4e00" <= char <= "\u9fff" for char in word)
        )

    def _join_places(self, tagged: list[tuple[str, str]]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for word, tag in tagged:
            if out and word in _ADMIN_LEVELS and _PLACE_CODE.match(out[-1][0]):
                out[-1] = (out[-1][0] + word, "place")
            elif word in self.place_suffixes:
                start = self._name_start(out, word)
                if start < len(out):
                    name = "".join(w for w, _ in out[start:]) + word
                    del out[start:]
                    out.append((name, "place"))
                else:
                    out.append((word, tag))
            elif self._is_whole_place(word, tag):
                out.append((word, "place"))
            else:
                out.append((word, tag))
        return out

    def _name_start(self, out: list[tuple[str, str]], suffix: str) -> int:
        """Where the name before a place ending starts in `out` (len(out): no name)."""
        if len(out) >= 3 and out[-2][0] == "之" and _is_chinese(out[-1][0]) and self._is_name(*out[-3]):
            return len(out) - 3  # 魅力 之 城 小区: a literary name around 之
        if out and _is_chinese(out[-1][0]) and len(out[-1][0]) >= 2 and out[-1][0] not in _NOT_A_NAME:
            word, tag = out[-1]
            # A verb or adjective names a road before a direction (解放 西路), unless it says how
            # one got there (路过 北路); before 小区 it describes one (安置小区, 老旧小区).
            if tag in _DESCRIBING_TAGS and suffix in _DIRECTED_ROADS and word not in _MOVING:
                return len(out) - 1
        # Otherwise at most the two name words right before the ending.
        start = len(out)
        while start > 0 and len(out) - start < 2 and self._is_name(*out[start - 1]):
            start -= 1
        return start

    def _is_whole_place(self, word: str, tag: str) -> bool:
        # A proper name the dictionary keeps whole (东风村 as a person-like name, 东方花园 as a
        # place, a name added by add_words, which carries no tag) is a place if it has a place
        # ending; common nouns that happen to (步行街, 高速路) are tagged n and stay words.
        return (
            tag in _WHOLE_NAME_TAGS
            and len(word) >= 3
            and word not in _GENERIC_PLACES
            and all("\u4e00" <= char <= "\u9fff" for char in word)
            and (
                any(word.endswith(suffix) and len(word) > len(suffix) for suffix in self.place_suffixes)
                # 长沙市, 岳麓区, 宁乡县; not 开发区 or 地级市 (tagged n).
                or (word[-1] in _ADMIN_LEVELS and tag in _ADMIN_NAME_TAGS)
            )
        )


def _is_chinese(word: str) -> bool:
    return bool(word) and all("\u4e00" <= char <= "\u9fff" for char in word)


@cache
def segmenter() -> Segmenter:
    """The process's analysis segmenter, loaded with the domain dictionary."""
    return Segmenter(read_word_list("words.txt"), read_word_list("place_suffixes.txt"))


def segment(text: str) -> list[str]:
    """Words of a petition text for analysis: folded, domain words whole, places joined."""
    return segmenter().cut(text)


def place_names(text: str) -> list[str]:
    return segmenter().place_names(text)


def similarity_words(text: str) -> list[str]:
    """Content words for the similar-case index (and its queries: both sides must cut alike)."""
    return content_words(segmenter().cut_plain(text))


def add_dictionary_words(words: Iterable[str]) -> int:
    """Make names (the organisation tree's, say) whole words of the analysis segmenter."""
    return segmenter().add_words(words)


@cache
def stop_words() -> frozenset[str]:
    return frozenset(read_word_list("stopwords.txt"))


def content_words(tokens: Iterable[str]) -> list[str]:
    """Tokens without function words (data/stopwords.txt) or numbers ("12", "(3)": no letter)."""
    stop = stop_words()
    return [token for token in tokens if token not in stop and any(char.isalpha() for char in token)]

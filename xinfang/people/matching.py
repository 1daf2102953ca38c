"""Is this the same person as before? Keys and scores for names and addresses. Pure; no Django.

An ID number or a phone number matches exactly (blind indexes, people.models). Without them a
registrar types a name and an address, and both come with errors: a homophone (张/章, 林/凌),
a slip of one character, a 0 for 〇, an address written shorter or longer. So:

- `name_keys`: the name's pinyin with the confusions of southern speech folded (zh/z, ch/c,
  sh/s, n/l, -ng/-n; tones dropped), whole, and, for names of three syllables or more, with
  each syllable in turn replaced by a wildcard, so one wrong character still shares a key.
  Two-syllable names get the whole key only: "张*" would match every 张 in the county.
- `address_words`: the address's distinctive words (estates, villages, roads).
- `match_keys`: each name key paired with each address word: the stored lookup keys.
- `person_similarity`: scores a candidate on name and address and says why, in Chinese.

Keys are digested by the caller (keyed HMAC) before they are stored: an address key in
clear would be an address in clear.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

_FOLD_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_NUMBERED = re.compile(r"\d+[号栋幢楼单元室组队排弄巷]|\d+-\d+")
_ADDRESS_WORD = re.compile(
    r"[\u4e00-\u9fff]{2,}?(?:省|市|区|县|镇|乡|街道|村|社区|小区|花园|苑|路|街|巷|大道|组)"
)
_ADMIN_CUT = re.compile(r"(?<=[省市县])|(?<=[^小]区)")
_PUNCTUATION = re.compile(r"[\s,，.。;；:：、()（）\-—#]+")
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")

NAME_EXACT = 1.0
NAME_HOMOPHONE = 0.92
NAME_NEAR_HOMOPHONE = 0.88  # equal once zh/z, n/l, -ng/-n are folded
MATCH_THRESHOLD = 0.8  # combined score from which a candidate is shown as maybe the same person


def normalise_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).replace("·", "").replace(".", "")


def fuzzy_syllable(syllable: str) -> str:
    syllable = syllable.lower()
    for long, short in _FOLD_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    if syllable.startswith("l"):
        syllable = "n" + syllable[1:]
    if syllable.endswith("ng"):
        syllable = syllable[:-1]
    return syllable


@lru_cache(maxsize=65_536)  # names repeat: a county has many 王芳
def _syllables(name: str) -> tuple[str, ...]:
    return tuple(
        fuzzy_syllable(s) for s in lazy_pinyin(normalise_name(name), style=Style.NORMAL) if s.strip()
    )


@lru_cache(maxsize=65_536)
def _plain_pinyin(name: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(name))


def name_syllables(name: str) -> list[str]:
    return list(_syllables(name))


def name_keys(name: str) -> set[str]:
    """The name's pinyin key, and for three syllables or more one key per wildcarded syllable."""
    syllables = name_syllables(name)
    if not syllables:
        return set()
    keys = {" ".join(syllables)}
    if len(syllables) >= 3:
        for position in range(len(syllables)):
            keys.add(" ".join([*syllables[:position], "*", *syllables[position + 1 :]]))
    return keys


def normalise_address(address: str) -> str:
    text = unicodedata.normalize("NFKC", address).translate(_CHINESE_DIGITS)
    return _PUNCTUATION.sub("", text).lower()


_NOT_DISTRICTS = ("小区", "社区", "园区", "街区", "景区", "校区", "厂区", "矿区", "片区")


def _is_administrative(word: str) -> bool:
    """西湖区 or 长沙县 (too wide to tell people apart), not 魅力之城小区 or 宝石社区."""
    return word.endswith(("省", "市", "县")) or (word.endswith("区") and not word.endswith(_NOT_DISTRICTS))


def address_words(address: str) -> set[str]:
    """The address's distinctive words: estates, villages, roads, streets (not 市/区/县 alone), or
    the whole normalised address when it has none."""
    text = normalise_address(address)
    # Cut after each administrative level first, so 区 of "a5区" does not start the next word.
    words = {word for piece in _ADMIN_CUT.split(text) for word in _ADDRESS_WORD.findall(piece)}
    specific = {word for word in words if not _is_administrative(word)}
    return specific or ({text} if text else set())


def match_keys(name: str, address: str) -> set[str]:
    """Keys shared by two records that may be one person: a name key paired with an address word.

    Pairs, not names and addresses apart: 王芳 alone or 魅力之城小区 alone each match thousands of
    records in a county, a sound-alike 王芳 in 魅力之城小区 a handful, so a lookup stays small."""
    return {f"v2|{n}|{w}" for n in name_keys(name) for w in address_words(address)}


@dataclass(frozen=True)
class PersonMatch:
    score: float  # 0..1
    reasons: tuple[str, ...]  # Chinese, for the registrar

    @property
    def is_match(self) -> bool:
        return self.score >= MATCH_THRESHOLD


def name_similarity(a: str, b: str) -> tuple[float, str]:
    a, b = normalise_name(a), normalise_name(b)
    if not a or not b:
        return 0.0, ""
    if a == b:
        return NAME_EXACT, "姓名相同"
    if _plain_pinyin(a) == _plain_pinyin(b):
        return NAME_HOMOPHONE, "姓名同音"
    syllables_a, syllables_b = name_syllables(a), name_syllables(b)
    if syllables_a == syllables_b:
        return NAME_NEAR_HOMOPHONE, "姓名近音"
    if len(syllables_a) == len(syllables_b):
        differing = sum(x != y for x, y in zip(syllables_a, syllables_b, strict=True))
        if differing == 1 and len(syllables_a) >= 3:
            return 0.85, "姓名仅一字不同"
        if differing == 1:
            return 0.7, "姓名仅一字不同"
    return fuzz.ratio(" ".join(syllables_a), " ".join(syllables_b)) / 100 * 0.8, ""


def address_similarity(a: str, b: str) -> float:
    a, b = normalise_address(a), normalise_address(b)
    if not a or not b:
        return 0.0
    # partial: "魅力之城小区3栋" against "A市A5区魅力之城小区3栋201" is the same place.
    return max(fuzz.ratio(a, b), fuzz.partial_ratio(a, b) if min(len(a), len(b)) >= 6 else 0.0) / 100


PLACE_KEY_SCORE = 0.8  # how near a place that only a matching key vouches for counts


def person_similarity(
    name: str, address: str, other_name: str, other_address: str, *, same_place_on_record: bool = False
) -> PersonMatch:
    """How surely two records without a shared ID number or phone are one person.

    `same_place_on_record`: the other person was once registered at this address's place (a
    matching key says so) though their recorded address is another one: they moved."""
    name_score, name_reason = name_similarity(name, other_name)
    if name_score < 0.6:
        return PersonMatch(0.0, ())
    address_score = address_similarity(address, other_address)
    reasons = [name_reason] if name_reason else []
    if address_score >= 0.9:
        reasons.append("住址相同")
    elif address_score >= 0.7:
        reasons.append("住址相近")
    elif same_place_on_record and name_score >= 0.85:
        reasons.append("曾在同一地点登记")
        address_score = PLACE_KEY_SCORE
    else:
        # A name alone is not a person: many people share one.
        return PersonMatch(round(name_score * 0.5, 3), tuple(reasons))
    return PersonMatch(round(0.55 * name_score + 0.45 * address_score, 3), tuple(reasons))

"""Is this the same person as before? Keys and scores for names and addresses. Pure; no Django.

An ID number or a phone number matches exactly (blind indexes, people.models). Without them a
registrar types a name and an address, and both come with errors: a homophone (张/章, 林/凌),
a slip of one character, a 0 for 〇, an address written shorter or longer. So:

- `name_keys`: the name's pinyin with the confusions of southern speech folded (zh/z, ch/c,
  sh/s, n/l, -ng/-n; tones dropped), whole, and, for names of three syllables or more, with
  each syllable in turn replaced by a wildcard, so one wrong character still shares a key.
  Two-syllable names get the whole key only: "张*" would match every 张 in the county.
- `address_keys`: the address's distinctive words (place names, roads, estates, numbers with
  their unit: 12栋, 3单元), so candidates can also be found by where they live.
- `person_similarity`: scores a candidate on name and address and says why, in Chinese.

Keys are digested by the caller (keyed HMAC) before they are stored: an address key in
clear would be an address in clear.
"""

import re
import unicodedata
from dataclasses import dataclass

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


def name_syllables(name: str) -> list[str]:
    return [fuzzy_syllable(s) for s in lazy_pinyin(normalise_name(name), style=Style.NORMAL) if s.strip()]


def name_keys(name: str) -> set[str]:
    syllables = name_syllables(name)
    if not syllables:
        return set()
    keys = {"name:" + " ".join(syllables)}
    if len(syllables) >= 3:
        for position in range(len(syllables)):
            wildcard = [*syllables[:position], "*", *syllables[position + 1 :]]
            keys.add("name:" + " ".join(wildcard))
    return keys


def normalise_address(address: str) -> str:
    text = unicodedata.normalize("NFKC", address).translate(_CHINESE_DIGITS)
    return _PUNCTUATION.sub("", text).lower()


def _is_administrative(word: str) -> bool:
    return word.endswith(("省", "市", "县")) or (word.endswith("区") and not word.endswith("小区"))


def address_keys(address: str) -> set[str]:
    text = normalise_address(address)
    # Cut after each administrative level first, so 区 of "a5区" does not start the next word.
    words = {word for piece in _ADMIN_CUT.split(text) for word in _ADDRESS_WORD.findall(piece)}
    # The most specific part (an estate, a village, a road) with its number is what tells two
    # neighbours apart; administrative words alone (xx市, xx区) are too common to be keys.
    specific = {w for w in words if not _is_administrative(w)}
    numbered = set(_NUMBERED.findall(text))
    keys = {"addr:" + word for word in specific}
    keys |= {"addr:" + word + "|" + number for word in specific for number in numbered}
    return keys


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
    if lazy_pinyin(a) == lazy_pinyin(b):
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


def person_similarity(name: str, address: str, other_name: str, other_address: str) -> PersonMatch:
    """How surely two records without a shared ID number or phone are one person."""
    name_score, name_reason = name_similarity(name, other_name)
    if name_score < 0.6:
        return PersonMatch(0.0, ())
    address_score = address_similarity(address, other_address)
    reasons = [name_reason] if name_reason else []
    if address_score >= 0.9:
        reasons.append("住址相同")
    elif address_score >= 0.7:
        reasons.append("住址相近")
    else:
        # A name alone is not a person: many people share one.
        return PersonMatch(round(name_score * 0.5, 3), tuple(reasons))
    return PersonMatch(round(0.55 * name_score + 0.45 * address_score, 3), tuple(reasons))

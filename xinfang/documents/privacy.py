"""What a document may not carry: ID numbers and phone numbers (never), and for an
accusation sent to another body the accuser's name (条例 Art.30). Pure; no Django.

Text typed for the document is refused, so the person issuing it sees why; text
taken from the case (title, request), which cannot be corrected on the spot,
has such numbers and names replaced.
"""

import re

from xinfang.people.identity import id_check_char

CONFIDENTIAL_NAMES = "（检举人信息依规保密）"
ACCUSER = "检举人"
REMOVED = "［已隐去］"

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17})([\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?!\d)")
# Shorter names would match inside ordinary words.
_MIN_NAME_LENGTH = 2


def _is_id_number(match: re.Match[str]) -> bool:
    return id_check_char(match.group(1)) == match.group(2).upper()


def has_personal_numbers(text: str) -> bool:
    return _PHONE.search(text) is not None or any(_is_id_number(m) for m in _ID_NUMBER.finditer(text))


def remove_personal_numbers(text: str) -> str:
    text = _PHONE.sub(REMOVED, text)
    return _ID_NUMBER.sub(lambda m: REMOVED if _is_id_number(m) else m.group(0), text)


def names_in(text: str, names: list[str]) -> bool:
    return any(name in text for name in names if len(name) >= _MIN_NAME_LENGTH)


def remove_names(text: str, names: list[str], replacement: str = ACCUSER) -> str:
    for name in sorted(names, key=len, reverse=True):  # 张三丰 before 张三
        if len(name) >= _MIN_NAME_LENGTH:
            text = text.replace(name, replacement)
    return text

"""Identity numbers and phone numbers: validation and masking. Pure; no Django.

ID numbers follow GB 11643-1999: 6-digit region, 8-digit birth date,
3-digit sequence, and an ISO 7064 MOD 11-2 check character.
"""

import re
from datetime import date

from xinfang.core.errors import ErrorCode, XinfangError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
# A deliverable address, not RFC 5322 in full: one @, a dotted domain, no spaces or quotes.
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise_id_number(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def check_id_number(raw: str, *, today: date | None = None) -> str:
    """Return the normalised number, or raise XinfangError saying what is wrong."""
    number = normalise_id_number(raw)
    if not _ID_PATTERN.match(number):
        raise XinfangError(ErrorCode.ID_NUMBER_FORMAT)
    birth = birth_date_of(number)
    if birth is None or birth > (today or date.today()) or birth.year < 1900:
        raise XinfangError(ErrorCode.ID_NUMBER_BIRTH_DATE)
    if id_check_char(number[:17]) != number[17]:
        raise XinfangError(ErrorCode.ID_NUMBER_CHECKSUM)
    return number


def birth_date_of(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def birth_year_of(number: str) -> int | None:
    birth = birth_date_of(number)
    return birth.year if birth else None


def gender_of(number: str) -> str:
    """'M' or 'F' from the sequence digit's parity."""
    return "M" if int(number[16]) % 2 == 1 else "F"


def normalise_phone(raw: str) -> str:
    phone = re.sub(r"[\s()（）]", "", raw.strip())
    if phone.startswith("+86"):
        phone = phone[3:]
    return phone


def check_phone(raw: str) -> str:
    phone = normalise_phone(raw)
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        raise XinfangError(ErrorCode.PHONE_FORMAT, raw.strip()[:20])
    return phone


def check_email(raw: str) -> str:
    """Return the address trimmed, or raise XinfangError. The field is optional: callers pass
    only what was typed."""
    email = raw.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise XinfangError(ErrorCode.EMAIL_FORMAT)
    return email


def mask_id_number(number: str) -> str:
    """110101********1234: region and last four kept, birth date and sequence hidden."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****1234 for a mobile, 0571-****4321 for a landline."""
    if _MOBILE.match(phone):
        return phone[:3] + "****" + phone[-4:]
    if len(phone) <= 4:
        return "*" * len(phone)
    head, _, _ = phone.partition("-")
    if head and head != phone:
        return f"{head}-****{phone[-4:]}"
    return "*" * (len(phone) - 4) + phone[-4:]


def mask_address(address: str) -> str:
    """Keep the first six characters (district, street), hide the house number."""
    if not address:
        return ""
    keep = min(6, max(1, len(address) // 2))
    return address[:keep] + "****"


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_email(email: str) -> str:
    """zh***@example.com: the first two characters of the mailbox and the domain (cut to fit the
    60 characters a mask is stored in, here and on a notification)."""
    if not email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:2]}***@{domain}"[:60]

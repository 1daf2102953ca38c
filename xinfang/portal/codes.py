"""Query codes (查询码): 100 random bits written as 20 characters of Crockford's base32 in groups
of four (no I, L, O or U, so a code read aloud or copied by hand survives), and their keyed
digest, the only form in which the database keeps them."""

import hmac
import secrets

from xinfang.core import crypto

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20  # characters: 100 bits
BITS = LENGTH * 5
GROUP = 4
# What people type for what they read (Crockford): O is 0, I and L are 1.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def format_code(number: int) -> str:
    characters = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[index])
    text = "".join(reversed(characters))
    return "-".join(text[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def random_code() -> str:
    return format_code(secrets.randbits(BITS))


def code_from_token(token: str) -> str:
    """The code of an online submission, derived from its form's random token under the server's
    key: a double click sends the form twice and both answers must show the same code, yet no
    copy of the code may be kept to show it again (the token itself is not stored either)."""
    digest = bytes.fromhex(crypto.keyed_digest(token, purpose="portal-query-code-from-token"))
    return format_code(int.from_bytes(digest, "big") >> (len(digest) * 8 - BITS))


def normalise(text: str) -> str:
    """The code's characters, upper case, without spaces or dashes; "" if it cannot be a code."""
    compact = "".join(ch for ch in text.upper() if ch not in " -\t").translate(_READ_AS)
    if len(compact) != LENGTH or any(ch not in ALPHABET for ch in compact):
        return ""
    return compact


def code_digest(text: str) -> str:
    """The keyed digest stored for a code (and looked up for a typed one)."""
    return crypto.keyed_digest(normalise(text), purpose="portal-query-code")


def digests_match(stored: str, computed: str) -> bool:
    return hmac.compare_digest(stored.encode(), computed.encode())

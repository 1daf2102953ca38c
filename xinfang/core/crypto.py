"""Encryption of personal data at rest, and blind indexes for exact lookups.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under
settings.FIELD_ENCRYPTION_KEY. A blind index is an HMAC of the normalised
value under a key derived from the same secret, so "same ID number" is an
indexed equality query without storing the number in clear. A keyed
digest (`keyed_digest`) is the same kind of HMAC, under a key derived for
its own purpose, for fingerprints of personal data that must not be
guessable by whoever holds the database (a plain hash of an ID number can
be brute-forced).
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


@lru_cache(maxsize=4)
def _index_key(key: str) -> bytes:
    return hmac.new(key.encode(), b"xinfang-blind-index-v1", hashlib.sha256).digest()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()


def phone_index(phone: str) -> str:
    """Blind index of a phone number by its digits, so 0571-87654321 and 057187654321 match."""
    return blind_index("".join(ch for ch in phone if ch.isdigit()))


def blind_index(value: str) -> str:
    if not value:
        return ""
    key = _index_key(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=16)
def _digest_key(key: str, purpose: str) -> bytes:
    return hmac.new(key.encode(), b"xinfang-keyed-digest-v1:" + purpose.encode(), hashlib.sha256).digest()


def keyed_digest(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 (hex) of `value` as given, under a key derived from the secret and `purpose`."""
    key = _digest_key(settings.FIELD_ENCRYPTION_KEY, purpose)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

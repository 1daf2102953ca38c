"""Encryption of personal data at rest, and blind indexes for exact lookups.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under
settings.FIELD_ENCRYPTION_KEY. A blind index is an HMAC of the normalised
value under a key derived from the same secret, so "same ID number" is an
indexed equality query without storing the number in clear.
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


def blind_index(value: str) -> str:
    if not value:
        return ""
    key = _index_key(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()

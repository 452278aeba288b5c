"""Encryption at rest of personal-data columns (`*_enc`: ID and phone numbers; ADR 0026).

AES-256-GCM (`cryptography`'s AESGCM) with a random 96-bit nonce per value and the column's
name as associated data (a value copied into another column does not decrypt). Keys come from
`settings.FIELD_ENCRYPTION_KEYS` — a list of urlsafe-base64 32-byte keys (the format
`Fernet.generate_key()` prints), kept apart from SECRET_KEY and PII_HASH_KEY: the first key
encrypts, every key decrypts, so a key is rotated by putting a new one first and running
`gridgov reencrypt` (then the old one can go). A stored value is

    <4-character key id><urlsafe base64 of nonce + ciphertext + tag>

(68 characters for an 18-character ID). The empty string stays empty. Plain text is never
written; `decrypt` of a value that is not a token of a known key raises `DecryptionError`.
"""

import base64
import hashlib
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

KEY_ID_LENGTH = 4


class DecryptionError(ValueError):
    """A stored value no configured key opens (wrong or removed key, or tampered data)."""


def key_id(key):
    return base64.urlsafe_b64encode(hashlib.sha256(key).digest()[:3]).decode()


def _decode_key(text):
    raw = base64.urlsafe_b64decode(text.strip().encode())
    if len(raw) != 32:
        raise ValueError("FIELD_ENCRYPTION_KEYS: each key must be 32 bytes, urlsafe base64 (Fernet.generate_key())")
    return raw


@lru_cache(maxsize=8)
def _cipher(keys):
    return FieldCipher(keys)


def cipher():
    """The cipher for the configured keys (cached per key list)."""
    keys = settings.FIELD_ENCRYPTION_KEYS
    return _cipher(tuple(keys) if not isinstance(keys, str) else tuple(k for k in keys.split(",") if k.strip()))


class FieldCipher:
    def __init__(self, keys):
        if not keys:
            raise ValueError("FIELD_ENCRYPTION_KEYS is empty")
        raw = [_decode_key(k) for k in keys]
        self.current_id = key_id(raw[0])
        self._current = AESGCM(raw[0])
        self._by_id = {key_id(k): AESGCM(k) for k in raw}

    def encrypt(self, value, column):
        """The stored form of `value` (str) for `column` (e.g. "registry.person.id_number_enc")."""
        if not value:
            return ""
        nonce = os.urandom(12)
        body = self._current.encrypt(nonce, value.encode(), column.encode())
        return self.current_id + base64.urlsafe_b64encode(nonce + body).decode()

    def decrypt(self, token, column):
        if not token:
            return ""
        aes = self._by_id.get(token[:KEY_ID_LENGTH])
        if aes is None:
            raise DecryptionError("没有可解密该字段的密钥")
        try:
            raw = base64.urlsafe_b64decode(token[KEY_ID_LENGTH:].encode())
            return aes.decrypt(raw[:12], raw[12:], column.encode()).decode()
        except Exception as exc:  # InvalidTag, bad base64: the same answer
            raise DecryptionError("字段解密失败") from exc

    def is_current(self, token):
        return not token or token[:KEY_ID_LENGTH] == self.current_id


def encrypt(value, column):
    return cipher().encrypt(value, column)


def decrypt(token, column):
    return cipher().decrypt(token, column)


def generate_key():
    return base64.urlsafe_b64encode(os.urandom(32)).decode()

"""Encrypted drafts: the answers saved so far, readable only with the respondent's link.

A draft is stored as a random 96-bit nonce followed by the AES-GCM ciphertext of its JSON. The
key is derived with HKDF-SHA256 from the secret the respondent's browser presents: the personal
link's token (the server stores only its SHA-256 hash) or, on the shared-link path, a random
secret held in that browser's cookie (stored only as a hash too).

The draft row names no invitation: it is found by its `locator`, the SHA-256 of a second,
domain-separated HKDF output of the same key, so only a browser presenting the secret can find it
(and the locator does not give the key away). The associated data binds the ciphertext to its
locator, so a ciphertext copied under another locator does not open. Whoever holds the database
or a backup therefore can neither read a draft nor tell whose it is; a missing or wrong key means
"no draft", never an error.
"""

import hashlib
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_INFO = b"budaya survey draft key v1"
LOCATOR_INFO = b"budaya survey draft locator v1"
NONCE_BYTES = 12


def draft_key(secret: str) -> bytes:
    """Return the 256-bit draft key derived from a link token or shared-link browser secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(
        secret.encode("utf-8")
    )


def draft_locator(key: bytes) -> str:
    """Return the 64-hex locator of the draft encrypted with `key`: SHA-256 of an HKDF output of
    the key with its own label (one-way: the locator gives neither the key nor the secret)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=LOCATOR_INFO).derive(key)
    return hashlib.sha256(derived).hexdigest()


def associated_data(locator: str) -> bytes:
    """Return the associated data that binds a draft's ciphertext to its locator."""
    return f"budaya-draft:locator:{locator}".encode()


def encrypt_draft(data: dict, key: bytes, locator: str) -> bytes:
    """Return nonce + AES-GCM ciphertext of the draft `data` (a fresh random nonce per save)."""
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return nonce + AESGCM(key).encrypt(nonce, plain, associated_data(locator))


def decrypt_draft(blob: bytes | memoryview | None, key: bytes, locator: str) -> dict | None:
    """Return the draft data of `blob`, or None when it is absent or does not open with `key`."""
    if not blob:
        return None
    blob = bytes(blob)
    if len(blob) <= NONCE_BYTES:
        return None
    try:
        plain = AESGCM(key).decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated_data(locator)
        )
        data = json.loads(plain.decode("utf-8"))
    except (InvalidTag, ValueError):
        return None
    return data if isinstance(data, dict) else None

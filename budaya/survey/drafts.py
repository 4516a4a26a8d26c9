"""Encrypted drafts: the answers saved so far, readable only with the respondent's link.

A draft is stored as a random 96-bit nonce followed by the AES-GCM ciphertext of its JSON. The
key is derived with HKDF-SHA256 from the secret the respondent's browser presents: the personal
link's token (the server stores only its SHA-256 hash) or, on the shared-link path, a random
secret held in that browser's cookie (stored only as a hash too). The associated data binds the
ciphertext to its invitation row, so a ciphertext copied under another invitation does not open.
Whoever holds the database or a backup therefore cannot read a draft; a missing or wrong key
means "no draft", never an error.
"""

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_INFO = b"budaya survey draft key v1"
NONCE_BYTES = 12


def draft_key(secret: str) -> bytes:
    """Return the 256-bit draft key derived from a link token or shared-link browser secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(
        secret.encode("utf-8")
    )


def associated_data(invitation_pk: int) -> bytes:
    """Return the associated data that binds a draft's ciphertext to its invitation row."""
    return f"budaya-draft:invitation:{int(invitation_pk)}".encode()


def encrypt_draft(data: dict, key: bytes, invitation_pk: int) -> bytes:
    """Return nonce + AES-GCM ciphertext of the draft `data` (a fresh random nonce per save)."""
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return nonce + AESGCM(key).encrypt(nonce, plain, associated_data(invitation_pk))


def decrypt_draft(blob: bytes | memoryview | None, key: bytes, invitation_pk: int) -> dict | None:
    """Return the draft data of `blob`, or None when it is absent or does not open with `key`."""
    if not blob:
        return None
    blob = bytes(blob)
    if len(blob) <= NONCE_BYTES:
        return None
    try:
        plain = AESGCM(key).decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated_data(invitation_pk)
        )
        data = json.loads(plain.decode("utf-8"))
    except (InvalidTag, ValueError):
        return None
    return data if isinstance(data, dict) else None

"""Bytes kept encrypted at rest under a key derived from the deployment's SECRET_KEY.

One mechanism for what the product must store for a while but nobody holding only the database,
the storage bucket or a backup may read: invitation links and letters (budaya.survey.batches),
uploaded rosters (budaya.roster.uploads). Each use has its own HKDF `info` label, so its key is
its own; the associated data binds a blob to where it belongs (a batch, a job, a storage name),
so a blob copied elsewhere does not open. A blob is a fresh 96-bit random nonce followed by the
AES-GCM ciphertext.
"""

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

NONCE_BYTES = 12


def derived_key(info: bytes, secret_key: str | None = None) -> bytes:
    """Return the 256-bit key of the use `info`, derived from SECRET_KEY (or `secret_key`)."""
    secret = settings.SECRET_KEY if secret_key is None else secret_key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        secret.encode("utf-8")
    )


def seal(plain: bytes, aad: bytes, info: bytes) -> bytes:
    """Return nonce + AES-GCM ciphertext of `plain` under the key of `info`, bound to `aad`."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(derived_key(info)).encrypt(nonce, plain, aad)


def unseal(blob: bytes, aad: bytes, info: bytes) -> bytes:
    """Return the plain bytes `seal` encrypted; raise InvalidTag (or ValueError) when the key
    (SECRET_KEY, `info`), the associated data or the bytes differ."""
    blob = bytes(blob)
    return AESGCM(derived_key(info)).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)

"""TOTP codes (RFC 6238 over RFC 4226 HOTP) with hmac, hashlib and base64 only."""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

DIGITS = 6
STEP_SECONDS = 30
# Codes of the previous and next 30-second step are accepted too (clock drift of phones).
DRIFT_STEPS = 1


def new_secret() -> str:
    """Return a fresh random secret: 20 bytes (160 bits, as RFC 4226 recommends) in base32."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(secret: str, counter: int, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """Return the RFC 4226 HOTP code of `counter` (dynamic truncation, zero-padded)."""
    mac = hmac.new(_key(secret), struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def time_step(at: float | None = None) -> int:
    """Return the RFC 6238 time step (30-second count since the Unix epoch) of `at` or now."""
    return int((time.time() if at is None else at) // STEP_SECONDS)


def totp(secret: str, at: float | None = None, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """Return the TOTP code of `secret` at time `at` (seconds since the epoch; now by default)."""
    return hotp(secret, time_step(at), digits, digest)


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """Return the time step whose code equals `code` (within the drift window), else None."""
    code = "".join(ch for ch in (code or "") if not ch.isspace())
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = time_step(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str = "Budaya") -> str:
    """Return the otpauth:// URI an authenticator app reads (also typeable by hand)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"

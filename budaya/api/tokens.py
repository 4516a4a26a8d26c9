"""Create, find and revoke API tokens (`budaya token`, the token page, the bearer check)."""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from budaya.api.models import ApiToken
from budaya.audit.services import log_action

TOKEN_PREFIX = "bdy_"
MAX_DAYS = 3650


class TokenError(Exception):
    """A token could not be created or revoked; the message says why."""


def digest_of(token: str) -> str:
    """Return the stored form of a token: its SHA-256 in hexadecimal."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user, name: str = "", days: int | None = None, actor=None) -> tuple[ApiToken, str]:
    """Create a token for `user`; return (stored token, the token text, shown only now)."""
    if not user.is_active:
        raise TokenError(
            f"pengguna {user.username} tidak aktif / user {user.username} is not active"
        )
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise TokenError(
            f"--days harus antara 1 dan {MAX_DAYS} / --days must be between 1 and {MAX_DAYS}"
        )
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or "token",
        prefix=text[: len(TOKEN_PREFIX) + 6],
        digest=digest_of(text),
        expires=expires,
    )
    log_action(actor, "api.token_create", target=f"{token.prefix}… ({user.username})")
    return token, text


def find_active(text: str) -> ApiToken | None:
    """Return the active token `text` names, with its user, or None."""
    if not text or not text.startswith(TOKEN_PREFIX) or len(text) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest_of(text)).first()
    if token is None or not token.active or not token.user.is_active:
        return None
    today = timezone.localdate()
    if token.last_used_on != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
    return token


def revoke(token: ApiToken, actor=None) -> ApiToken:
    """Revoke a token (idempotent)."""
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        log_action(actor, "api.token_revoke", target=f"{token.prefix}… ({token.user.username})")
    return token

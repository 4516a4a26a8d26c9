"""Public survey links, abuse resistance without outside services, and storing answers.

Abuse resistance (each tuned so a campus behind one address is not shut out):
- at most BUDAYA_BRANDING_RATE_PER_MINUTE responses (default 30) per address per minute,
  counted under a keyed hash of (minute, address) in `RateBucket`, rows purged once their
  minute has passed;
- a honeypot field that people do not see; a filled one is answered with the thanks page and
  nothing is stored;
- at least BUDAYA_BRANDING_MIN_SECONDS (default 15) between opening the form and sending it,
  measured with a signed timestamp in the form;
- one response per browser, remembered in a signed cookie;
- each form's signed start token is good for one stored response: its random nonce is kept in
  `SpentStartToken` (with only the hour it expires) until the token would have expired.
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F

from budaya.public.models import BrandingLink, BrandingResponse, RateBucket, SpentStartToken
from budaya.security.middleware import client_address as address_of

SALT = "budaya.public.branding"
FORM_MAX_AGE = 6 * 60 * 60  # a form opened more than six hours ago must be reloaded
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def rate_limit() -> int:
    return int(getattr(settings, "BUDAYA_BRANDING_RATE_PER_MINUTE", 30))


def min_seconds() -> int:
    return int(getattr(settings, "BUDAYA_BRANDING_MIN_SECONDS", 15))


def link_for(period, institution=None) -> BrandingLink:
    """Return the period's public link (the institution's own, or the national one), creating it."""
    link = BrandingLink.objects.filter(period=period, institution=institution).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return BrandingLink.objects.create(
                period=period, institution=institution, slug=secrets.token_urlsafe(12)
            )
    except IntegrityError:  # created concurrently
        return BrandingLink.objects.get(period=period, institution=institution)


def link_url(link: BrandingLink) -> str:
    """Return the full public address of a link."""
    return f"{settings.BASE_URL}/eb/{link.slug}/"


def client_address(request) -> str:
    """Return the client's address as the site's rate limits see it (trusted proxy header)."""
    return address_of(request)


def _bucket_key(address: str, minute: int) -> str:
    message = f"branding-rate:{minute}:{address}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def take_rate_slot(address: str, now: float | None = None) -> bool:
    """Count one response from `address` this minute; return False when the limit is reached."""
    minute = int((time.time() if now is None else now) // 60)
    key = _bucket_key(address, minute)
    with transaction.atomic():
        RateBucket.objects.filter(minute__lt=minute).delete()
        try:
            with transaction.atomic():
                RateBucket.objects.get_or_create(key=key, defaults={"minute": minute})
        except IntegrityError:  # another request created it first
            pass
        updated = RateBucket.objects.filter(key=key, count__lt=rate_limit()).update(
            count=F("count") + 1
        )
    return updated == 1


def start_token(slug: str, now: float | None = None) -> str:
    """Return the signed "form opened at" value put in the form, with a single-use nonce."""
    return signing.dumps(
        {"l": slug, "t": time.time() if now is None else now, "n": secrets.token_urlsafe(12)},
        salt=SALT,
    )


def token_nonce(token: str) -> str | None:
    """Return the nonce of a valid start token, None for a forged, old or nonce-less one."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:
        return None
    nonce = data.get("n") if isinstance(data, dict) else None
    return nonce if isinstance(nonce, str) and 0 < len(nonce) <= 32 else None


def spend_start_token(token: str, now: float | None = None) -> bool:
    """Mark a start token used; return False when it was used before (or is not valid).

    Call inside the transaction that stores the response, so a failed store spends nothing.
    """
    nonce = token_nonce(token)
    if nonce is None:
        return False
    now = time.time() if now is None else now
    SpentStartToken.objects.filter(expires_hour__lt=int(now // 3600)).delete()
    try:
        with transaction.atomic():
            SpentStartToken.objects.create(
                nonce=nonce, expires_hour=int((now + FORM_MAX_AGE) // 3600) + 1
            )
    except IntegrityError:
        return False
    return True


def seconds_since_start(token: str, slug: str, now: float | None = None) -> float | None:
    """Return the seconds since the form was opened, None for a forged, foreign or old token."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("l") != slug or not data.get("n"):
        return None
    return (time.time() if now is None else now) - float(data.get("t", 0))


def cookie_name(link: BrandingLink) -> str:
    return f"budaya_eb_{link.slug}"


def already_answered(request, link: BrandingLink) -> bool:
    """Return True when this browser carries the signed "answered" cookie of the link."""
    value = request.get_signed_cookie(cookie_name(link), default=None, salt=SALT)
    return value == "1"


def remember_answer(response, link: BrandingLink) -> None:
    """Set the signed cookie that marks this browser as having answered the link."""
    response.set_signed_cookie(
        cookie_name(link),
        "1",
        salt=SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        path=f"/eb/{link.slug}/",
    )


def store_response(link: BrandingLink, cleaned: dict, instrument, today) -> BrandingResponse:
    """Store one anonymous public response from a valid form's data."""
    answers = "".join(str(cleaned.get(item.code) or 0) for item in instrument.branding_items)
    segments = {
        question.code: cleaned[f"seg_{question.code}"]
        for question in instrument.branding_segments
        if cleaned.get(f"seg_{question.code}")
    }
    return BrandingResponse.objects.create(
        period=link.period,
        institution=link.institution,
        answers=answers,
        segments=segments,
        reasons_join=";".join(cleaned.get("reasons_join") or []),
        reasons_not_join=";".join(cleaned.get("reasons_not_join") or []),
        submitted_on=today,
    )

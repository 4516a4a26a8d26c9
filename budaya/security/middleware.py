"""Security headers on every response and address-based rate limits on public survey pages."""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
# Which URL names share which limit (see BUDAYA_RATE_LIMITS in settings): the respondent's token
# pages, and the NIP form of shared links (POST only, where eligibility is checked).
RATE_BUCKETS = {
    "survey:landing": ("respondent", None),
    "survey:step": ("respondent", None),
    "survey:saved": ("respondent", None),
    "survey:shared": ("shared", "POST"),
}


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy (no unsafe-inline), Permissions-Policy and friends."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = getattr(settings, "BUDAYA_CSP", DEFAULT_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        # Django's own admin pages still carry a few inline styles; they are not relaxed here.
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def client_address(request) -> str:
    """Return the client's address: a trusted proxy header when configured, else REMOTE_ADDR."""
    header = getattr(settings, "BUDAYA_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        if value:
            return value.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def address_key(address: str) -> str:
    """Return a keyed hash of an address (the address itself is never stored in the cache)."""
    key = hashlib.sha256(("budaya-rate-limit" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def hit(bucket: str, address: str, limit: int, window: int, now: float | None = None) -> bool:
    """Count one request of `address` in `bucket`; return False once over `limit` per window."""
    now = time.time() if now is None else now
    slot = int(now // window)
    key = f"budaya-rl:{bucket}:{slot}:{address_key(address)}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit


class RateLimitMiddleware:
    """Refuse (429) public survey requests past a generous limit per address and window."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in RATE_BUCKETS:
            return None
        bucket, method = RATE_BUCKETS[match.view_name]
        if method is not None and request.method != method:
            return None
        limit, window = settings.BUDAYA_RATE_LIMITS[bucket]
        if hit(bucket, client_address(request), limit, window):
            return None
        response = render(
            request, "security/rate_limited.html", {"minutes": max(1, window // 60)}, status=429
        )
        response["Retry-After"] = str(window)
        return response

"""Security headers on every response and rate limits on public survey pages.

A whole office often shares one public address and answers in the same hour, so valid survey
links are limited per link, never per address; per-address limits apply only to failures
(unknown tokens, a shared-link browser without a valid secret, wrong codes). A failing request
past its address's limit is refused with 429; a valid link from the same address still works.
"""

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
# Which URL names are limited per link (see BUDAYA_RATE_LIMITS["respondent"] in settings), and
# the URL argument or cookie that names the link: the respondent's token pages (the token), and
# the shared-link survey pages (the browser's own secret). Failures of any public survey page are
# limited per address by BUDAYA_RATE_LIMITS["failures"].
PER_LINK = {
    "survey:landing": ("token", None),
    "survey:step": ("token", None),
    "survey:saved": ("token", None),
    "survey:shared_landing": (None, "budaya_shared"),
    "survey:shared_step": (None, "budaya_shared"),
    "survey:shared_saved": (None, "budaya_shared"),
}
FAILURE_ATTRIBUTE = "budaya_rate_failure"


def clock() -> float:
    """Return the current time in seconds (a seam for tests that move the clock)."""
    return time.time()


def count_as_failure(response):
    """Mark `response` as a failure (unknown token, wrong code) for the per-address limit."""
    setattr(response, FAILURE_ATTRIBUTE, True)
    return response


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


def hit(bucket: str, subject: str, limit: int, window: int, now: float | None = None) -> bool:
    """Count one request of `subject` (an address or a link) in `bucket`; return False once over
    `limit` per window. Only a keyed hash of `subject` is used in the cache key."""
    now = clock() if now is None else now
    slot = int(now // window)
    key = f"budaya-rl:{bucket}:{slot}:{address_key(subject)}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit


def refused(request, window: int):
    """Return the 429 page with its Retry-After header."""
    response = render(
        request, "security/rate_limited.html", {"minutes": max(1, window // 60)}, status=429
    )
    response["Retry-After"] = str(window)
    return response


class RateLimitMiddleware:
    """Refuse (429) requests past the per-link limit, and failures past the per-address limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(response, FAILURE_ATTRIBUTE, False):
            return response
        limit, window = settings.BUDAYA_RATE_LIMITS["failures"]
        if hit("failures", client_address(request), limit, window):
            return response
        return refused(request, window)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in PER_LINK:
            return None
        argument, cookie = PER_LINK[match.view_name]
        link = view_kwargs.get(argument, "") if argument else request.COOKIES.get(cookie, "")
        if not link:
            return None  # no link to count: the view answers with a failure, limited per address
        limit, window = settings.BUDAYA_RATE_LIMITS["respondent"]
        if hit("link", f"{'shared' if cookie else 'token'}:{link}", limit, window):
            return None
        return refused(request, window)

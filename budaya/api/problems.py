"""Errors as RFC 9457 problem details (`application/problem+json`)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

PROBLEM_TYPE = "about:blank"
CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def problem(request, status: int, detail: str, **extra) -> JsonResponse:
    """Return a problem-details response. `title` is the HTTP status phrase (RFC 9457 §4.2.1:
    with type about:blank the title is the status phrase); `detail` explains this occurrence
    in the request's language."""
    body = {
        "type": PROBLEM_TYPE,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": str(detail),
        "instance": request.path,
        **extra,
    }
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="budaya"'
    return response


def not_found_detail() -> str:
    return _("Tidak ditemukan.")

"""Typed readers of the environment: the only place Budaya reads os.environ for settings.

Each helper returns the default when the variable is unset or empty, and otherwise either the
parsed value or ImproperlyConfigured naming the variable, the expected form and the value given,
e.g. "BUDAYA_REQUIRE_TOTP must be true or false, got 'yes please'".
"""

import os
from typing import NoReturn
from urllib.parse import urlparse

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _fail(message: str) -> NoReturn:
    """Raise Django's ImproperlyConfigured (imported here: commands without Django stay so)."""
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(message) from None


def _raw(name: str) -> str | None:
    """Return the stripped value of `name`, or None when it is unset or blank."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "") -> str:
    """Return the text in `name` (surrounding spaces removed), or `default`."""
    raw = _raw(name)
    return default if raw is None else raw


def env_bool(name: str, default: bool) -> bool:
    """Return true/false (also 1/0, yes/no, on/off, any case) in `name`, or `default`."""
    raw = _raw(name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    _fail(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Return the whole number in `name`, or `default`; below `minimum` is an error."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        _fail(f"{name} must be a whole number, got {raw!r}")
    if minimum is not None and value < minimum:
        _fail(f"{name} must be a whole number of at least {minimum}, got {raw!r}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    """Return the number (e.g. 2.5) in `name`, or `default`; below `minimum` is an error."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        _fail(f"{name} must be a number such as 2.5, got {raw!r}")
    if value != value or (minimum is not None and value < minimum):
        _fail(f"{name} must be a number of at least {minimum}, got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return the comma-separated items in `name` (blanks dropped), or `default`."""
    raw = _raw(name)
    if raw is None:
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_url(name: str, default: str, *, schemes: tuple[str, ...] = ("http", "https")) -> str:
    """Return the absolute URL in `name` (without a trailing slash), or `default`.

    The URL must have one of `schemes` and a host (for database URLs, a path is enough).
    """
    raw = _raw(name)
    if raw is None:
        return default
    value = raw
    parsed = urlparse(value)
    needs_host = parsed.scheme in ("http", "https", "redis", "rediss")
    if parsed.scheme not in schemes or (needs_host and not parsed.netloc):
        forms = " or ".join(f"{scheme}://…" for scheme in schemes)
        _fail(f"{name} must be an address like {forms}, got {value!r}")
    return value.rstrip("/") if parsed.scheme in ("http", "https") else value


def env_rate(name: str, default: str) -> tuple[int, int]:
    """Return (requests, seconds) from `name` written as REQUESTS/SECONDS, e.g. 300/600."""
    raw = _raw(name) or default
    try:
        count, seconds = (int(part) for part in raw.split("/"))
    except ValueError:
        _fail(f"{name} must look like 300/600, got {raw!r}")
    if count < 1 or seconds < 1:
        _fail(f"{name}: both numbers must be positive, got {raw!r}")
    return count, seconds


def env_is_set(name: str) -> bool:
    """Return True when `name` has a non-blank value."""
    return _raw(name) is not None


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Return the value of `name` (case-insensitive) when it is one of `choices`, or `default`."""
    raw = _raw(name)
    if raw is None:
        return default
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    _fail(f"{name} must be one of {', '.join(choices)}, got {raw!r}")

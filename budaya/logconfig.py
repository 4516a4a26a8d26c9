"""Logging helpers: the filter that keeps survey tokens out of every log line.

A respondent's personal link is /s/<token>/… and an institution's shared link /i/<slug>/…;
either in a log line, next to its time, could be joined with a response (DESIGN.md). The filter
rewrites the message, its arguments and the traceback text of each record it sees, so both
Django's loggers (django.request, django.server, configured in budaya/settings.py LOGGING) and
gunicorn's error and access logs (GunicornLogger, used by `budaya serve`) print
/s/[token]/… instead.
"""

import logging
import re
import sys

# The path segment after /s/, /i/ or /eb/ (employer-branding link), wherever it appears: a bare
# path, a full URL, or a quoted request line of an access log.
TOKEN_PATH = re.compile(r"(/(?:s|i|eb)/)[^/\s\"'?#]+")
MASK = r"\1[token]"


def scrub(text: str) -> str:
    """Return `text` with the token of every survey path replaced by [token]."""
    return TOKEN_PATH.sub(MASK, text)


class ScrubTokensFilter(logging.Filter):
    """Rewrite a record so that no survey token remains in its message or traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep Django's behaviour, just scrub the template
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class StderrHandler(logging.StreamHandler):
    """A stream handler that writes to whatever sys.stderr is at the time of each record."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):  # StreamHandler.__init__ assigns it; the property always wins
        pass


def _gunicorn_logger_class():
    from gunicorn.glogging import Logger

    class GunicornLogger(Logger):
        """gunicorn's logger with the token filter on its error and access logs."""

        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                if not any(isinstance(f, ScrubTokensFilter) for f in log.filters):
                    log.addFilter(ScrubTokensFilter())

    return GunicornLogger


def __getattr__(name):
    # gunicorn is imported only when its logger class is asked for (`--logger-class`).
    if name == "GunicornLogger":
        return _gunicorn_logger_class()
    raise AttributeError(name)

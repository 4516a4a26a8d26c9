"""Language choice: Indonesian unless the person picked English with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a phone set to English
would get English pages; the product is Indonesian first, and English only on request (the
language switch stores the choice in the language cookie).

`Message` is the one way a service error reaches both the command line and a page: gettext
with the Indonesian text as msgid; the command line prints "Indonesian / English" as before,
a page shows `localized(error)` in the reader's language.
"""

import functools
import gettext as gettext_module
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class Message(str):
    """A user-facing message of a service error, translated by gettext.

    `msgid` is the Indonesian text with `{name}` fields; its English is the msgstr of the
    catalogue (budaya/locale/en/LC_MESSAGES/django.po). The string itself is
    "Indonesian / English", what the command line prints and logs (its texts stay as they
    always were); `localized(...)` gives the active language's text alone, for pages.
    `tail` is untranslated text (a quoted error of a library) that follows both languages.
    A field may itself be a Message (or an exception carrying one): it is rendered in the
    same language, and in full ("id / en") on the Indonesian side of the bilingual string.
    `msgctxt` tells apart one Indonesian text that has two English texts (pgettext).
    """

    msgid: str
    fields: dict

    def __new__(cls, msgid: str, *, tail: str = "", msgctxt: str = "", **fields):
        indonesian = _render(msgid, fields, None, nested=str)
        english = _render(msgid, fields, "en", nested=lambda v: localized(v, "en"), msgctxt=msgctxt)
        text = indonesian if english == indonesian else f"{indonesian} / {english}"
        self = super().__new__(cls, text + tail)
        self.msgid, self.fields, self.tail, self.msgctxt = msgid, fields, tail, msgctxt
        return self

    def localized(self, language: str | None = None) -> str:
        """Return the message in `language` (default: the active language) alone."""
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        if not language.lower().startswith("en"):
            text = _render(self.msgid, self.fields, None, nested=lambda v: localized(v, "id"))
        else:
            text = _render(
                self.msgid, self.fields, "en", lambda v: localized(v, "en"), self.msgctxt
            )
        return text + self.tail

    def as_data(self) -> dict:
        """Return the message as JSON-ready data (msgid, fields, tail, msgctxt) that
        `Message.from_data` turns back into the same Message; a field that is a Message (or an
        exception carrying one) is kept as such, any other value that JSON cannot hold as str."""
        data = {"msgid": self.msgid, "fields": {k: _field_data(v) for k, v in self.fields.items()}}
        if self.tail:
            data["tail"] = self.tail
        if self.msgctxt:
            data["msgctxt"] = self.msgctxt
        return data

    @classmethod
    def from_data(cls, data: dict) -> "Message":
        """Return the Message that `as_data` described."""
        fields = {key: _field_value(value) for key, value in (data.get("fields") or {}).items()}
        return cls(
            data["msgid"], tail=data.get("tail", ""), msgctxt=data.get("msgctxt", ""), **fields
        )


def _field_data(value):
    if isinstance(value, BaseException) and value.args and isinstance(value.args[0], Message):
        value = value.args[0]
    if isinstance(value, Message):
        return {"message": value.as_data()}
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _field_value(value):
    if isinstance(value, dict) and "message" in value:
        return Message.from_data(value["message"])
    return value


def _render(msgid: str, fields: dict, language: str | None, nested, msgctxt: str = "") -> str:
    """Return `msgid` translated into `language` (None: the Indonesian msgid itself) with its
    fields filled in; Message fields and exceptions carrying one go through `nested`."""
    if language is None:
        text = msgid
    elif not settings.configured:
        # The file readers also run without Django (budaya score, library use): read the
        # compiled catalogue directly.
        catalogue = _catalogue(language)
        text = catalogue.pgettext(msgctxt, msgid) if msgctxt else catalogue.gettext(msgid)
    else:
        with translation.override(language):
            text = translation.pgettext(msgctxt, msgid) if msgctxt else translation.gettext(msgid)
    values = {
        key: nested(value) if isinstance(value, Message | BaseException) else value
        for key, value in fields.items()
    }
    return text.format(**values)


@functools.cache
def _catalogue(language: str) -> gettext_module.NullTranslations:
    locale = Path(__file__).resolve().parent / "locale"
    return gettext_module.translation("django", locale, languages=[language], fallback=True)


def localized(value, language: str | None = None) -> str:
    """Return a Message, or an exception whose first argument is one, in the active language
    (or `language`); any other value as str()."""
    if isinstance(value, BaseException):
        value = value.args[0] if value.args else str(value)
    if isinstance(value, Message):
        return value.localized(language)
    return str(value)


class ReaderText(str):
    """Text written for the person who reached a 404 page (already in their language); the
    404 template shows an exception message only when it is one of these, never Django's own
    English 'No … matches the given query.'"""

    for_reader = True


def not_found(text: str) -> Http404:
    """Return an Http404 whose message (translated by the caller) the 404 page shows."""
    return Http404(ReaderText(text))

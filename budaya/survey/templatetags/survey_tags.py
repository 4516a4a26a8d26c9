"""Template helpers of the respondent pages: language links that work without JavaScript."""

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def lang_url(context, lang: str) -> str:
    """Return the current page's address with `?lang=<lang>` (other parameters kept)."""
    request = context["request"]
    rest = request.GET.copy()
    rest.pop("lang", None)
    rest["lang"] = lang
    return f"{request.path}?{urlencode(rest)}"

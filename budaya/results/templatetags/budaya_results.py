"""Template filters that print stored numbers exactly as the results document holds them."""

from django import template

from budaya.interchange import glossary
from budaya.interchange.summary import eligibility_sentence as _eligibility_sentence
from budaya.scoring.rounding import CATEGORY_NAMES, format_number

register = template.Library()


@register.filter
def shown(score):
    """Return a SCORE's stored shown value in Indonesian notation, or '–' when absent."""
    if not isinstance(score, dict) or score.get("shown") is None:
        return "–"
    return format_number(float(score["shown"]))


@register.filter
def category_name(letter):
    """Return the name of a category letter (A..D), or ''."""
    return CATEGORY_NAMES.get(letter, "") if letter else ""


@register.filter
def count(value):
    """Return a count with a thousands dot, or '–' when absent."""
    if value is None or value == "":
        return "–"
    return format_number(int(value))


@register.filter
def percent(value):
    """Return a percentage (0..100) as 'xx,x %', or '–' when absent."""
    if value is None or value == "":
        return "–"
    return f"{format_number(float(value))} %"


@register.filter
def get(mapping, key):
    """Return mapping[key], or None."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def rate(value):
    """Return a stored response rate (a fraction 0..1) as 'xx,x %', or '–' when absent."""
    if value is None or value == "":
        return "–"
    return f"{format_number(float(value) * 100)} %"


@register.filter
def num(value):
    """Return a stored number in Indonesian notation (one decimal), '–' when absent."""
    if value is None or value == "":
        return "–"
    return format_number(float(value))


@register.simple_tag
def eligibility_sentence(pulse=False):
    """Return the one sentence that explains eligibility (shared with the PDF and workbooks); of
    a pulse round with `pulse`."""
    return _eligibility_sentence(bool(pulse))


@register.inclusion_tag("results/_explain.html")
def explain_terms(*keys, summary=""):
    """Render a closed <details> with the one-sentence explanations of `keys` (the glossary's
    words, budaya.interchange.glossary) and a link to the glossary page: no JavaScript."""
    return {
        "terms": [
            {"key": key, "title": glossary.title(key), "text": glossary.explain(key)}
            for key in keys
        ],
        "summary": summary,
    }


@register.simple_tag
def explain(key):
    """Return one term's explanation in the active language."""
    return glossary.explain(key)

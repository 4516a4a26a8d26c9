"""Return the parts of a stored results document that a page or export shows (no arithmetic)."""

from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES

HEADLINE_KEYS = (
    ("indeks_berakhlak", "Indeks BerAKHLAK"),
    ("implementasi", "Indeks Implementasi"),
    ("evaluasi", "Evaluasi Budaya Kerja"),
    ("engagement", "Engagement"),
    ("energi_positif", "Energi Positif"),
)


def find_group(document: dict, level: str, code: str, parent: str | None = None) -> dict | None:
    """Return the document's group with that level and code (and parent, for units)."""
    for group in document.get("groups", []):
        if group.get("level") != level or group.get("code") != code:
            continue
        if parent is not None and group.get("parent") != parent:
            continue
        return group
    return None


def institution_view(document: dict, institution_code: str, threshold: int) -> dict:
    """Return the template context of an institution's results: group, headline, values, units.

    Every number is the stored one; a suppressed group carries no scores, only its flag.
    """
    group = find_group(document, "institution", institution_code)
    nation = find_group(document, "nation", "ID")
    if group is None:
        return {"group": None, "threshold": threshold}
    units = [
        unit
        for unit in document.get("groups", [])
        if unit.get("level") == "unit" and unit.get("parent") == institution_code
    ]
    headline = []
    values = []
    if not group.get("suppressed"):
        headline = [(label, group.get(key)) for key, label in HEADLINE_KEYS]
        group_values = group.get("values") or {}
        values = [
            (code, VALUE_NAMES[code], group_values.get(code))
            for code in VALUE_CODES
            if code in group_values
        ]
    return {
        "group": group,
        "nation": nation,
        "headline": headline,
        "values": values,
        "units": units,
        "threshold": threshold,
    }


def institution_document(document: dict, institution_code: str) -> dict:
    """Return the document with only the nation, that institution and its units as groups."""
    groups = [
        group
        for group in document.get("groups", [])
        if group.get("level") == "nation"
        or (group.get("level") == "institution" and group.get("code") == institution_code)
        or (group.get("level") == "unit" and group.get("parent") == institution_code)
    ]
    return {**document, "groups": groups}

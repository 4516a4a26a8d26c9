"""Find groups in a stored results document and cut it to one institution (no arithmetic)."""


def find_group(document: dict, level: str, code: str, parent: str | None = None) -> dict | None:
    """Return the document's group with that level and code (and parent, for units)."""
    for group in document.get("groups", []):
        if group.get("level") != level or group.get("code") != code:
            continue
        if parent is not None and group.get("parent") != parent:
            continue
        return group
    return None


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

"""Read a previous period's results document (METHOD.md §11) for the change figures."""

import json
from pathlib import Path

from budaya.interchange.errors import Problems


def read_previous(path: Path, problems: Problems | None = None) -> dict | None:
    """Return the previous results document, checked to have `method_version` and `groups`.

    Returns None after recording the problem when the file is missing, not JSON (with its
    line and column) or not a results document; raises InputError when no collector is given.
    """
    own = problems is None
    problems = Problems() if own else problems
    result = _read(Path(path), problems)
    if own:
        problems.raise_if_any()
    return result


def _read(path: Path, problems: Problems) -> dict | None:
    if not path.is_file():
        problems.add(path, None, None, "berkas tidak ditemukan", "file not found")
        return None
    try:
        with path.open(encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except UnicodeDecodeError:
        problems.add(path, None, None, "bukan teks UTF-8", "not UTF-8 text")
        return None
    except json.JSONDecodeError as error:
        problems.add(
            path,
            error.lineno,
            None,
            f"bukan JSON yang sah: {error.msg} (kolom {error.colno})",
            f"not valid JSON: {error.msg} (column {error.colno})",
        )
        return None
    if not isinstance(document, dict):
        problems.add(
            path,
            None,
            None,
            "bukan dokumen hasil (harus objek JSON)",
            "not a results document (expected a JSON object)",
        )
        return None
    ok = True
    if "method_version" not in document:
        problems.add(
            path,
            None,
            "method_version",
            "tidak ada; bukan dokumen hasil budaya score",
            "missing; not a results document written by budaya score",
        )
        ok = False
    groups = document.get("groups")
    if not isinstance(groups, list):
        problems.add(
            path,
            None,
            "groups",
            "tidak ada atau bukan daftar",
            "missing or not a list",
        )
        ok = False
    elif not all(isinstance(group, dict) and "code" in group for group in groups):
        problems.add(
            path,
            None,
            "groups",
            "setiap kelompok harus objek dengan 'code'",
            "every group must be an object with a 'code'",
        )
        ok = False
    return document if ok else None

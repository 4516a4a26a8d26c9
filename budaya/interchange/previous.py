"""Read a previous period's results document (METHOD.md §11) for the change figures."""

import json
from pathlib import Path

from budaya.interchange.errors import Problems
from budaya.language import Message


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
        problems.add(path, None, None, Message("berkas tidak ditemukan"))
        return None
    try:
        with path.open(encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except UnicodeDecodeError:
        problems.add(path, None, None, Message("bukan teks UTF-8"))
        return None
    except json.JSONDecodeError as error:
        problems.add(
            path,
            error.lineno,
            None,
            Message(
                "bukan JSON yang sah: {msg} (kolom {colno})",
                msg=str(error.msg),
                colno=str(error.colno),
            ),
        )
        return None
    if not isinstance(document, dict):
        problems.add(
            path,
            None,
            None,
            Message("bukan dokumen hasil (harus objek JSON)"),
        )
        return None
    ok = True
    if "method_version" not in document:
        problems.add(
            path,
            None,
            "method_version",
            Message("tidak ada; bukan dokumen hasil budaya score"),
        )
        ok = False
    groups = document.get("groups")
    if not isinstance(groups, list):
        problems.add(
            path,
            None,
            "groups",
            Message("tidak ada atau bukan daftar"),
        )
        ok = False
    elif not all(isinstance(group, dict) and "code" in group for group in groups):
        problems.add(
            path,
            None,
            "groups",
            Message("setiap kelompok harus objek dengan 'code'"),
        )
        ok = False
    return document if ok else None

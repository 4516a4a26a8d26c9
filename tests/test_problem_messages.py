"""Input-file problems are gettext messages: every place that records one (Problems.add, a
reader's local `add`, RowProblem, the roster checker's `problem`, NipError, PickError) passes a
`Message` built from an Indonesian msgid, never hard-coded text; the English lives in django.po.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent / "budaya"
# name of the call: index of the message argument (counted from the end)
RECORDERS = {"add": -1, "problem": -1, "RowProblem": -1, "NipError": -1, "PickError": -1}
SCOPE = ("interchange", "institutions/importing.py", "evaluation/importing.py", "roster")


def recorded_texts():
    """Yield (file, line, argument) for each message argument of a recorder in scope."""
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(SCOPE):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = getattr(func, "attr", None) or getattr(func, "id", None)
            if name in RECORDERS:
                yield relative, node.lineno, node.args[RECORDERS[name]]


def test_every_input_problem_is_recorded_as_a_message():
    hard_coded = []
    for relative, line, argument in recorded_texts():
        is_text = isinstance(argument, ast.JoinedStr) or (
            isinstance(argument, ast.Constant) and isinstance(argument.value, str)
        )
        if is_text and " " in ast.unparse(argument):
            hard_coded.append(f"{relative}:{line}: {ast.unparse(argument)[:60]}")
    # PickError for one respondent of the Python API (pick_matrix) names it in English only.
    hard_coded = [entry for entry in hard_coded if "respondent" not in entry]
    assert not hard_coded, "\n".join(hard_coded)


def test_every_message_of_the_readers_has_its_english_in_the_catalogue():
    msgids = []
    for _relative, _line, argument in recorded_texts():
        if isinstance(argument, ast.Call) and getattr(argument.func, "id", None) == "Message":
            first = argument.args[0]
            context = {k.arg: k.value.value for k in argument.keywords if k.arg == "msgctxt"}
            if isinstance(first, ast.Constant):
                msgids.append((context.get("msgctxt", ""), first.value))
    assert len(msgids) > 60
    with translation.override("en"):
        for context, msgid in msgids:
            if context:
                english = translation.pgettext(context, msgid)
            else:
                english = translation.gettext(msgid)
            assert english != msgid, f"no English for {msgid!r}"


def test_the_readers_speak_both_languages_without_django_settings(tmp_path):
    """`budaya score` and library use read files without configuring Django: the English of
    a problem still comes from the compiled catalogue."""
    roster = tmp_path / "r.csv"
    roster.write_text("nip,nama\n1,A\n", encoding="utf-8")
    code = (
        "from budaya.interchange import InputError, read_roster\n"
        "try:\n"
        f"    read_roster({str(roster)!r})\n"
        "except InputError as error:\n"
        "    print(error.problems[0])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT.parent)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"{roster}: baris 1, kolom nama: kolom tidak dikenal; maksudnya name? / "
        "row 1, column nama: unknown column; did you mean name?"
    )

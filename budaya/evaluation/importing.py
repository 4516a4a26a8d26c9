"""Import evaluator judgements from an evaluation CSV (METHOD.md §11 plus a `note` column).

Columns `institution, unit, criterion, level, note` (unit empty for the institution's own
evaluation; note optional). Every row is checked first; problems name the row and column, and
nothing is written unless the whole file is clean. Each evaluation in the file must give every
rubric criterion once. Imported evaluations are finalised, one audit entry each.
"""

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from budaya.audit.services import log_action
from budaya.evaluation.models import CriterionEntry, Evaluation
from budaya.evaluation.services import rubric_of, score_of
from budaya.institutions.models import Institution, Unit
from budaya.interchange.errors import Problems
from budaya.interchange.evaluation import evaluation_rows, repeated_criterion
from budaya.language import Message

REQUIRED = ("institution", "unit", "criterion", "level")
OPTIONAL = ("note",)

Key = tuple[str, str | None]


def read_judgements(path: Path, period, problems: Problems) -> dict[Key, dict[str, tuple]]:
    """Return {(institution, unit or None): {criterion: (level, note, row)}} of a clean file;
    problems are recorded in `problems`. Rows are read by the one evaluation reader,
    `budaya.interchange.evaluation.evaluation_rows`."""
    path = Path(path)
    rubric = {c.code: c for c in rubric_of(period)}
    found: dict[Key, dict[str, tuple]] = {}
    first_row: dict[Key, int] = {}
    broken: set[Key] = set()
    institutions = {i.code: i for i in Institution.objects.all()}
    units = {(u.institution.code, u.code) for u in Unit.objects.select_related("institution")}
    final = set(
        Evaluation.objects.filter(period=period, state=Evaluation.State.FINALISED).values_list(
            "institution__code", "unit__code"
        )
    )

    def add(row, column, message):
        problems.add(path, row, column, message)

    def in_scope(number, institution, unit, add) -> bool:
        if institution not in institutions:
            add(
                number,
                "institution",
                Message("instansi '{institution}' tidak dikenal", institution=institution),
            )
            return False
        if unit is not None and (institution, unit) not in units:
            add(
                number,
                "unit",
                Message(
                    "unit '{unit}' tidak ada di instansi {institution}",
                    unit=unit,
                    institution=institution,
                ),
            )
            return False
        if (institution, unit) in final:
            add(
                number,
                "institution",
                Message(
                    "evaluasi {institution}/{unit} sudah final; administrator nasional "
                    "harus membukanya kembali dulu",
                    institution=institution,
                    unit=unit or "-",
                ),
            )
            return False
        return True

    rows = evaluation_rows(
        path,
        rubric,
        problems,
        optional=OPTIONAL,
        in_scope=in_scope,
        rubric_name=period.instrument,
    )
    for row in rows:
        if isinstance(row, int):
            continue
        key = (row.institution, row.unit)
        if row.level is None:
            broken.add(key)
            continue
        first_row.setdefault(key, row.number)
        given = found.setdefault(key, {})
        if row.criterion in given:
            repeated_criterion(
                add, row.number, row.institution, row.unit, row.criterion, given[row.criterion][2]
            )
            continue
        given[row.criterion] = (row.level, row.note, row.number)
    for key, given in found.items():
        missing = [code for code in rubric if code not in given]
        if missing and key not in broken:
            add(
                first_row[key],
                "criterion",
                Message(
                    "evaluasi {institution}/{unit} tidak lengkap; kriteria yang belum ada: "
                    "{missing}",
                    institution=key[0],
                    unit=key[1] or "-",
                    missing=", ".join(missing),
                ),
            )
    return found


def import_judgements(path: Path, period, actor=None) -> list[Evaluation]:
    """Validate the whole file, then write and finalise every evaluation in one transaction.

    Raises InputError listing the problems (nothing written) when the file is not clean.
    """
    problems = Problems()
    found = read_judgements(path, period, problems)
    problems.raise_if_any()
    today = timezone.localdate()
    rubric = rubric_of(period)
    stored = []
    with transaction.atomic():
        for (institution_code, unit_code), given in sorted(
            found.items(), key=lambda item: (item[0][0], item[0][1] or "")
        ):
            institution = Institution.objects.get(code=institution_code)
            unit = (
                None
                if unit_code is None
                else Unit.objects.get(institution=institution, code=unit_code)
            )
            evaluation, _created = Evaluation.objects.select_for_update().get_or_create(
                period=period, institution=institution, unit=unit
            )
            if evaluation.state == Evaluation.State.FINALISED:  # finalised since validation
                raise RuntimeError(f"evaluation {evaluation} became final during the import")
            for criterion in rubric:
                level, note, _row = given[criterion.code]
                entry, _new = CriterionEntry.objects.get_or_create(
                    evaluation=evaluation, criterion=criterion.code
                )
                entry.final_level = level
                entry.evaluator_note = note
                entry.decision = (
                    CriterionEntry.Decision.CHANGED
                    if entry.self_level is not None and entry.self_level != level
                    else CriterionEntry.Decision.ACCEPTED
                )
                entry.save()
            evaluation.state = Evaluation.State.FINALISED
            evaluation.imported = True
            evaluation.finalised_on = today
            evaluation.finalised_by = actor if getattr(actor, "pk", None) else None
            evaluation.save()
            levels = {code: value[0] for code, value in given.items()}
            log_action(
                actor,
                "evaluation.import",
                institution=institution,
                target=str(evaluation),
                detail={
                    "file": Path(path).name,
                    "levels": levels,
                    "score": score_of(rubric, levels),
                },
            )
            stored.append(evaluation)
    return stored

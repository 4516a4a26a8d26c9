"""What part of a period's results an API caller may read: exactly what their pages show.

- a national administrator: everything (or one institution, when asked for);
- an institution administrator or evaluator: the nation's shown figures, their institution and
  its units (the same groups as `budaya results PERIOD --institution CODE`);
- a unit liaison: their unit(s).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from budaya.institutions.access import INSTITUTION_WIDE_ROLES, is_national_admin, roles_of
from budaya.institutions.models import Role


class ScopeError(Exception):
    """The caller's scope is ambiguous or outside their roles; `status` is the HTTP status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ResultScope:
    institution: str | None  # None: the whole document
    units: frozenset[str] | None = None  # unit codes of `institution` only, for a liaison

    def keep(self, group: dict) -> bool:
        """Return True for a group inside this scope (after the institution filter)."""
        if self.units is None:
            return True
        return group.get("level") == "unit" and group.get("code") in self.units


def results_scope(user, institution_code: str | None) -> ResultScope:
    """Return the caller's scope, narrowed to `institution_code` when given."""
    if is_national_admin(user):
        return ResultScope(institution_code or None)
    wide: set[str] = set()
    liaison: dict[str, set[str]] = {}
    for role in roles_of(user):
        if role.role in INSTITUTION_WIDE_ROLES and role.institution_id:
            wide.add(role.institution.code)
        elif role.role == Role.Name.UNIT_LIAISON and role.unit_id:
            liaison.setdefault(role.unit.institution.code, set()).add(role.unit.code)
    reachable = wide | set(liaison)
    if institution_code:
        if institution_code not in reachable:
            raise ScopeError(
                _("Anda tidak berhak melihat instansi %(code)s.") % {"code": institution_code},
                403,
            )
        chosen = institution_code
    elif len(reachable) == 1:
        chosen = next(iter(reachable))
    elif not reachable:
        raise ScopeError(_("Tidak ada peran Anda yang memberi akses ke hasil."), 403)
    else:
        raise ScopeError(
            _("Anda punya peran di beberapa instansi: sebutkan satu dengan ?institution=KODE."),
            400,
        )
    if chosen in wide:
        return ResultScope(chosen)
    return ResultScope(chosen, frozenset(liaison[chosen]))

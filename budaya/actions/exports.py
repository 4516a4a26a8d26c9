"""The institution's plans, actions and internalisation log as tables (XLSX through the one
exporter base, budaya.interchange.exporters). No score and no change-agent register here."""

from django.utils.translation import gettext as _

from budaya.actions.models import Action, Activity, Plan
from budaya.interchange.exporters import DATE, INTEGER, Exporter, Table, columns
from budaya.scoring.spec import VALUE_NAMES


class PlansExporter(Exporter):
    def __init__(self, institution, today):
        self.institution = institution
        self.today = today
        self.stem = f"rencana-aksi-{institution.code}"

    def tables(self) -> list[Table]:
        plans = (
            Plan.objects.filter(institution=self.institution)
            .select_related("period", "unit")
            .prefetch_related("actions")
        )
        plan_rows = []
        for plan in plans:
            actions = list(plan.actions.all())
            plan_rows.append(
                [
                    plan.period.code,
                    plan.unit.code if plan.unit_id else "",
                    plan.focus,
                    VALUE_NAMES.get(plan.value, plan.value),
                    plan.title,
                    len(actions),
                    sum(1 for a in actions if a.status == Action.Status.DONE),
                    sum(1 for a in actions if a.is_overdue(self.today)),
                ]
            )
        action_rows = [
            [
                a.plan.period.code,
                a.plan.unit.code if a.plan.unit_id else "",
                a.plan.title,
                a.title,
                a.owner_name,
                a.starts_on,
                a.due_on,
                a.get_status_display(),
                a.completed_on,
                _("ya") if a.is_overdue(self.today) else _("tidak"),
            ]
            for a in Action.objects.filter(plan__institution=self.institution).select_related(
                "plan__period", "plan__unit", "owner_user", "owner_agent"
            )
        ]
        activity_rows = [
            [
                a.held_on,
                a.unit.code if a.unit_id else "",
                a.get_kind_display(),
                VALUE_NAMES.get(a.focus, a.focus),
                a.participants,
                a.title,
            ]
            for a in Activity.objects.filter(institution=self.institution).select_related("unit")
        ]
        return [
            Table(
                _("Rencana aksi"),
                columns(
                    _("Periode"),
                    _("Unit"),
                    _("Fokus"),
                    _("Nilai"),
                    _("Judul"),
                    (_("Tindakan"), INTEGER),
                    (_("Selesai"), INTEGER),
                    (_("Lewat tenggat"), INTEGER),
                ),  # fmt: skip
                plan_rows,
            ),
            Table(
                _("Tindakan"),
                columns(
                    _("Periode"),
                    _("Unit"),
                    _("Rencana aksi"),
                    _("Tindakan"),
                    _("Penanggung jawab"),
                    (_("Mulai"), DATE),
                    (_("Tenggat"), DATE),
                    _("Status"),
                    (_("Selesai pada"), DATE),
                    _("Lewat tenggat"),
                ),  # fmt: skip
                action_rows,
            ),
            Table(
                _("Internalisasi"),
                columns(
                    (_("Tanggal"), DATE),
                    _("Unit"),
                    _("Jenis kegiatan"),
                    _("Fokus nilai"),
                    (_("Jumlah peserta"), INTEGER),
                    _("Judul"),
                ),  # fmt: skip
                activity_rows,
            ),
        ]

"""Django admin of evaluations: the deadline per period, and a read view of evaluations.

Evaluations change only through the workflow (budaya.evaluation.services), which audits every
step, so the admin shows them read-only.
"""

from django.contrib import admin

from budaya.evaluation.models import CriterionEntry, Evaluation, EvaluationSchedule


@admin.register(EvaluationSchedule)
class EvaluationScheduleAdmin(admin.ModelAdmin):
    list_display = ("period", "deadline")


class CriterionEntryInline(admin.TabularInline):
    model = CriterionEntry
    extra = 0
    can_delete = False
    fields = ("criterion", "self_level", "decision", "final_level", "evaluator_note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("period", "institution", "unit", "state", "finalised_on", "imported")
    list_filter = ("period", "state", "imported")
    search_fields = ("institution__code", "unit__code")
    inlines = [CriterionEntryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

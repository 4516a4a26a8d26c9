"""Django admin of stored result sets (read-only: a result set is never edited)."""

from django.contrib import admin

from budaya.results.models import ResultSet


@admin.register(ResultSet)
class ResultSetAdmin(admin.ModelAdmin):
    list_display = ("period", "version", "computed_on", "trigger")
    list_filter = ("period", "trigger")
    readonly_fields = ("period", "version", "computed_on", "trigger", "head")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""Django admin of roster entries (read mostly; imports go through the roster service)."""

from django.contrib import admin

from budaya.roster.models import RosterEntry


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = ("nip", "name", "institution", "unit", "gender", "employment_type", "period")
    list_filter = ("period", "institution", "employment_type", "gender")
    search_fields = ("nip", "name")
    raw_id_fields = ("unit",)

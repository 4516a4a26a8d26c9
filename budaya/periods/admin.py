"""Django admin of periods; method settings become read-only once a period has opened."""

from django.contrib import admin

from budaya.periods.models import METHOD_FIELDS, Period


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("code", "instrument", "opens_on", "closes_on", "threshold", "state")
    list_filter = ("state", "instrument")
    search_fields = ("code",)

    def get_readonly_fields(self, request, obj=None):
        """Return the method fields as read-only once the period is no longer a draft."""
        if obj is not None and obj.state != Period.State.DRAFT:
            return (*METHOD_FIELDS, "state")
        return ("state",)

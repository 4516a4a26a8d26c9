"""Django admin of institutions, units and roles (for the national administrator)."""

from django.contrib import admin

from budaya.institutions.models import Institution, Role, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    fk_name = "institution"
    fields = ("code", "name", "parent")
    extra = 0
    show_change_link = True


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region")
    list_filter = ("kind", "region")
    search_fields = ("code", "name")
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "institution", "parent")
    list_filter = ("institution",)
    search_fields = ("code", "name")
    autocomplete_fields = ("institution", "parent")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "institution", "unit")
    list_filter = ("role", "institution")
    search_fields = ("user__username",)
    autocomplete_fields = ("user", "institution", "unit")

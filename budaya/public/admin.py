"""Django admin of public survey links (answers are anonymous and not listed one by one)."""

from django.contrib import admin

from budaya.public.models import BrandingLink


@admin.register(BrandingLink)
class BrandingLinkAdmin(admin.ModelAdmin):
    list_display = ("period", "institution", "slug")
    list_filter = ("period",)
    readonly_fields = ("slug",)

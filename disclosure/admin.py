"""Django admin for the disclosure app: read-only views of the data.

Factors are added on the portal's factor page (a new version, never an edit in place);
activity data and disclosures change only through their services, which check the rules.
"""
from django.contrib import admin

from .models import ActivityRecord, ActivityYear, Disclosure, EmissionFactor


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmissionFactor)
class EmissionFactorAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "region", "data_year", "version", "value", "unit",
                    "confirmed", "entered_by")
    list_filter = ("kind", "region", "data_year", "confirmed")
    search_fields = ("code", "name", "source")
    list_select_related = ("entered_by",)


class ActivityRecordInline(admin.TabularInline):
    model = ActivityRecord
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ActivityYear)
class ActivityYearAdmin(ReadOnlyAdmin):
    list_display = ("project", "year", "updated_at")
    list_filter = ("year",)
    search_fields = ("project__name", "project__code")
    list_select_related = ("project",)
    inlines = [ActivityRecordInline]


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    list_display = ("project", "year", "version", "state", "published_at")
    list_filter = ("state", "year")
    search_fields = ("project__name", "project__code")
    list_select_related = ("project",)

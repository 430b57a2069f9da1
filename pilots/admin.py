"""Admin for reference data, organisations, people, batches; projects are read-only here."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AuditEntry,
    Batch,
    Body,
    Category,
    County,
    Department,
    Indicator,
    Organisation,
    PlanVersion,
    Project,
    RoleGrant,
    User,
)
from .selectors import projects_visible_to


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_ecology", "order"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "county"]
    list_filter = ["body", "county"]
    list_select_related = ["body", "county"]
    search_fields = ["name"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_open", "order"]
    list_filter = ["is_open", "lead_bodies"]
    filter_horizontal = ["lead_bodies"]
    inlines = [IndicatorInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_type", "county", "credit_code", "contact_name", "contact_phone"]
    list_filter = ["org_type", "county"]
    list_select_related = ["county"]
    search_fields = ["name", "credit_code"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("单位与部门"), {"fields": ["organisation", "department", "phone"]}),
    ]
    list_display = ["username", "__str__", "organisation", "department", "is_active"]
    list_filter = ["role_grants__role", "department__county", "department__body", "is_active"]
    list_select_related = ["organisation", "department"]
    autocomplete_fields = ["organisation", "department"]
    inlines = [RoleGrantInline]


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "opens_on", "closes_on"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuditEntryInline(ReadOnlyInline):
    model = AuditEntry
    fields = ["created_at", "transition", "source", "target", "actor", "reason", "ip_address"]
    readonly_fields = fields


class PlanVersionInline(ReadOnlyInline):
    model = PlanVersion
    fields = ["number", "created_at", "created_by"]
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Projects change state only through the lifecycle services, never here."""

    list_display = ["code", "name", "category", "county", "applicant", "batch", "state"]
    list_filter = ["state", "category", "county", "batch"]
    list_select_related = ["category", "county", "applicant", "batch"]
    search_fields = ["code", "name", "applicant__name"]
    readonly_fields = ["code", "state", "created_by", "created_at", "updated_at"]
    fields = ["code", "name", "batch", "category", "county", "applicant", "state", "created_by",
              "created_at", "updated_at"]
    inlines = [PlanVersionInline, AuditEntryInline]

    def get_queryset(self, request):
        return projects_visible_to(request.user)

    def has_add_permission(self, request):
        return False  # applicants start projects in the portal (services.create_project)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # The lifecycle decides who belongs to a project once it exists.
        return [*self.readonly_fields, "batch", "category", "county", "applicant"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail can be searched here but never written."""

    list_display = ["created_at", "project", "transition", "source", "target", "actor",
                    "ip_address"]
    list_filter = ["transition", "target"]
    list_select_related = ["project", "actor"]
    search_fields = ["project__code", "project__name", "actor__username"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(project__in=projects_visible_to(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

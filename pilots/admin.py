"""Admin for reference data, organisations, people, batches; projects are read-only here."""
from functools import partial

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    AuditEntry,
    Batch,
    Body,
    Category,
    County,
    Department,
    EligibilityCondition,
    Indicator,
    KeyPark,
    Notification,
    Organisation,
    PlanVersion,
    Project,
    RoleGrant,
    User,
)
from .outbox import resend
from .selectors import projects_visible_to
from .tasks import enqueue_delivery


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "order"]
    search_fields = ["name", "name_en", "code"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "is_ecology", "order"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "body", "county"]
    list_filter = ["body", "county"]
    list_select_related = ["body", "county"]
    search_fields = ["name", "name_en"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["code", "name", "name_en", "kind", "unit", "unit_en", "denominator",
              "alternative_group", "order"]


class EligibilityConditionInline(admin.TabularInline):
    model = EligibilityCondition
    extra = 0
    can_delete = False
    fields = ["code", "text", "text_en", "required", "is_active", "order"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "is_open", "recheck_interval_days", "order"]
    list_filter = ["is_open", "lead_bodies"]
    filter_horizontal = ["lead_bodies"]
    inlines = [IndicatorInline, EligibilityConditionInline]


@admin.register(KeyPark)
class KeyParkAdmin(admin.ModelAdmin):
    """The key industrial park list; a park leaves it by being taken off, never deleted."""

    list_display = ["name", "name_en", "level", "county", "is_listed", "order"]
    list_filter = ["is_listed", "level", "county"]
    list_select_related = ["county"]
    search_fields = ["name", "name_en"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EligibilityCondition)
class EligibilityConditionAdmin(admin.ModelAdmin):
    """Selection conditions; one no longer asked for is deactivated, never deleted."""

    list_display = ["text", "category", "required", "is_active", "order"]
    list_filter = ["category", "required", "is_active"]
    list_select_related = ["category"]
    search_fields = ["text", "text_en"]

    def has_delete_permission(self, request, obj=None):
        return False


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
    list_display = ["name", "year", "opens_on", "closes_on", "publicity_days",
                    "expert_panel_min_size"]


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

    list_display = ["created_at", "project", "kind", "transition", "source", "target", "actor",
                    "ip_address"]
    list_filter = ["kind", "transition", "target"]
    ordering = ["-created_at", "-pk"]  # the newest first
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


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox as an administrator sees it: which emails went out, which wait, which
    failed (and why); failed ones can be sent again once the cause is fixed."""

    list_display = ["created_at", "recipient", "title", "email_status", "email_attempts",
                    "email_next_try_at", "emailed_at"]
    list_filter = ["email_status"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__username", "recipient__email"]
    readonly_fields = ["recipient", "project", "title", "body", "created_at", "read_at",
                       "email_status", "email_attempts", "email_next_try_at",
                       "email_claimed_at", "emailed_at", "email_error"]
    actions = ["resend_email"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(Q(project__in=projects_visible_to(request.user))
                               | Q(recipient=request.user))

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("重新发送"), permissions=["change"])
    def resend_email(self, request, queryset):
        ids = resend(queryset)
        transaction.on_commit(partial(enqueue_delivery, ids))
        self.message_user(request, gettext("已将 %(count)d 封发送失败的邮件重新排入发送队列。")
                          % {"count": len(ids)})

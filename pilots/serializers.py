"""API representations of projects and their audit trail."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import lifecycle
from .models import AuditEntry, Project
from .rules import may_see_client_ips


class ProjectSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    applicant = serializers.StringRelatedField()
    batch = serializers.SlugRelatedField(slug_field="year", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "category", "county", "applicant", "batch", "state",
                  "state_label"]
        read_only_fields = fields


class ProjectDetailSerializer(ProjectSerializer):
    available_transitions = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "available_transitions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, project):
        return lifecycle.available(project, self.context["request"].user)


class TransitionRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                   help_text="理由或意见(退回、不予入选等操作必填)")


class AuditEntrySerializer(serializers.ModelSerializer):
    """An audit entry; the client IP only for officials (it is null for everyone else)."""

    actor = serializers.SerializerMethodField()
    ip_address = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = ["id", "transition", "source", "target", "actor", "reason", "ip_address",
                  "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, entry):
        return entry.actor.username if entry.actor_id else None

    @extend_schema_field(serializers.IPAddressField(allow_null=True))
    def get_ip_address(self, entry):
        request = self.context.get("request")
        return entry.ip_address if request and may_see_client_ips(request.user) else None

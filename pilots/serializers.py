"""API representations of projects and their audit trail."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import lifecycle
from .models import AuditEntry, Project


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
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = ["id", "transition", "source", "target", "actor", "reason", "ip_address",
                  "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, entry):
        return entry.actor.username if entry.actor_id else None

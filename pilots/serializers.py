"""API representations of projects and their audit trail."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import lifecycle
from .models import AuditEntry, Project
from .rules import may_see_client_ips
from .services import REASON_MAX_LENGTH


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
    # The service checks it too (check_reason); the API answers both with the same body.
    reason = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=REASON_MAX_LENGTH,
        error_messages={"max_length": _("理由或意见最多2000字。")},
        help_text=f"理由或意见(退回、不予入选等操作必填)，最多{REASON_MAX_LENGTH}字")
    data = serializers.JSONField(required=False, help_text=(
        "该操作携带的数据，如 start_expert_review 的 {\"scoring_deadline\": \"2026-12-31\"}；"
        "不携带数据的操作须省略或为空对象"))


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="说明原因的中文消息")


class FilterErrorSerializer(ErrorSerializer):
    state = serializers.ListField(child=serializers.CharField(), required=False)


class TransitionErrorSerializer(ErrorSerializer):
    reason = serializers.ListField(child=serializers.CharField(), required=False)
    data = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                 required=False, help_text="每个有误的数据字段及其消息")


class AuditEntrySerializer(serializers.ModelSerializer):
    """An entry of the trail: a transition (``kind`` = "transition") or an event (``kind`` =
    its name, ``transition`` empty); the client IP only for officials (null for others)."""

    actor = serializers.SerializerMethodField()
    ip_address = serializers.SerializerMethodField()
    label = serializers.CharField(read_only=True)
    data_text = serializers.ListField(source="data_lines", child=serializers.CharField(),
                                      read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "kind", "transition", "label", "source", "target", "actor", "reason",
                  "data", "data_text", "ip_address", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, entry):
        return entry.actor.username if entry.actor_id else None

    @extend_schema_field(serializers.IPAddressField(allow_null=True))
    def get_ip_address(self, entry):
        request = self.context.get("request")
        return entry.ip_address if request and may_see_client_ips(request.user) else None

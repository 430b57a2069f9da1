"""JSON API of the expert's assignments and its declaration on each (issue 7, item 9)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pilots.errors import ServiceError
from pilots.grants import granted_project_ids
from pilots.net import client_ip
from pilots.serializers import ErrorSerializer

from . import declarations
from .choices import ConflictType, ReviewKind
from .models import ExpertAssignment


class AssignmentProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class AssignmentSerializer(serializers.ModelSerializer):
    """One assignment of the caller. ``declared``: it declared no conflict; ``conflict``: it
    declared one (only in the answer to that declaration: the assignment is then gone)."""

    panel = serializers.IntegerField(source="panel_id", read_only=True,
                                     help_text="专家组编号")
    kind = serializers.ChoiceField(source="panel.kind", choices=ReviewKind.choices,
                                   read_only=True, help_text="专家组的评审类型")
    project = AssignmentProjectSerializer(read_only=True)
    declared = serializers.SerializerMethodField()
    conflict = serializers.SerializerMethodField()
    submitted = serializers.SerializerMethodField(help_text="评分表是否已提交")
    deadline = serializers.DateField(source="panel.scoring_deadline", read_only=True,
                                     allow_null=True, help_text="专家组的评分截止日期")

    class Meta:
        model = ExpertAssignment
        fields = ["id", "panel", "kind", "project", "declared", "conflict", "submitted",
                  "deadline"]
        read_only_fields = fields

    def get_declared(self, assignment) -> bool:
        return assignment.declared or getattr(assignment, "conflict_declared", False)

    def get_conflict(self, assignment) -> bool:
        return getattr(assignment, "conflict_declared", False)

    def get_submitted(self, assignment) -> bool:
        sheet = getattr(assignment, "sheet", None)
        return bool(sheet is not None and sheet.submitted)


class DeclarationSerializer(serializers.Serializer):
    """Checked by the service (the page posts the same), so only described here."""

    conflict = serializers.BooleanField(help_text="是否存在利益冲突")
    type = serializers.ChoiceField(choices=ConflictType.choices, required=False,
                                   help_text="冲突类型，存在冲突时必填")
    statement = serializers.CharField(required=False, max_length=declarations.STATEMENT_MAX_LENGTH,
                                      help_text="冲突说明，存在冲突时必填，最多1000字")


class DeclarationErrorSerializer(ErrorSerializer):
    conflict = serializers.ListField(child=serializers.CharField(), required=False)
    type = serializers.ListField(child=serializers.CharField(), required=False)
    statement = serializers.ListField(child=serializers.CharField(), required=False)


NOT_FOUND = OpenApiResponse(ErrorSerializer, description="没有这项指派，或它不属于调用者",
                            examples=[OpenApiExample("404", value={"detail": "未找到。"})])


class AssignmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own assignments as an expert; another's is not found (404)."""

    serializer_class = AssignmentSerializer
    pagination_class = None

    def get_queryset(self):
        # Only the assignments whose project the expert still reads: once expert review
        # ended (select or not_select) the grant is gone, and so is the row.
        if getattr(self, "swagger_fake_view", False):  # the schema, read without a caller
            return ExpertAssignment.objects.none()
        user = self.request.user
        return (ExpertAssignment.objects.filter(expert_id=user.pk,
                                                project_id__in=granted_project_ids(user))
                .select_related("project", "sheet", "panel").order_by("assigned_at", "pk"))

    @extend_schema(responses={200: AssignmentSerializer(many=True),
                              401: OpenApiResponse(ErrorSerializer, description="未登录或令牌无效")})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=DeclarationSerializer,
        examples=[OpenApiExample("无利益冲突", value={"conflict": False}, request_only=True),
                  OpenApiExample("存在利益冲突", request_only=True, value={
                      "conflict": True, "type": "collaborator",
                      "statement": "近三年曾为申报单位提供节能咨询。"})],
        responses={
            200: AssignmentSerializer,
            400: OpenApiResponse(DeclarationErrorSerializer, description="声明内容有误，逐项说明", examples=[
                OpenApiExample("缺少说明", value={"detail": "请说明利益冲突的情况。",
                                              "statement": ["请说明利益冲突的情况。"]})]),
            401: OpenApiResponse(ErrorSerializer, description="未登录或令牌无效"),
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="已声明过，或项目不在评审阶段", examples=[
                OpenApiExample("重复声明", value={"detail": "您已声明过，不能重复声明。"})]),
        },
    )
    @action(detail=True, methods=["post"])
    def declaration(self, request, pk=None):
        """Declare no conflict (the plan opens) or a conflict (the expert leaves the panel)."""
        assignment = self.get_object()
        body = request.data if isinstance(request.data, dict) else {}
        if not isinstance(request.data, dict):
            message = _("请求格式无效：应为对象(键值对)。")
            return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)
        unknown = sorted(set(body) - {"conflict", "type", "statement"})
        if unknown:
            message = _("声明不接受此项数据。")
            return Response({"detail": message, **{key: [message] for key in unknown}},
                            status=status.HTTP_400_BAD_REQUEST)
        try:
            assignment = declarations.declare(
                assignment, request.user, conflict=body.get("conflict"),
                type=body.get("type", ""), statement=body.get("statement", ""),
                ip_address=client_ip(request))
        except ServiceError as error:
            return Response({"detail": error.message, **(getattr(error, "fields", {}) or {})},
                            status=error.status)
        return Response(self.get_serializer(assignment).data)

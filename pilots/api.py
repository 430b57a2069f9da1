"""JSON API over projects: lists and details through the selector, transitions through services."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from . import lifecycle, registry, services
from .choices import State
from .net import client_ip
from .selectors import projects_visible_to, with_related
from .serializers import (
    AuditEntrySerializer,
    ErrorSerializer,
    FilterErrorSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    TransitionErrorSerializer,
    TransitionRequestSerializer,
)

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="项目不存在，或调用者无权查看")
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="未登录或令牌无效")
PLAN_REFUSED = OpenApiResponse(
    ErrorSerializer, description="调用者能看到项目但尚不能查看其内容，如尚未声明利益冲突的评审专家",
    examples=[OpenApiExample("尚未声明利益冲突", value={"detail": "请先声明与本项目无利益冲突。"})])


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=State.values,
                             description="状态代码；未知的状态代码返回 400"),
            OpenApiParameter("category", str, description="类别代码，如 campus"),
            OpenApiParameter("county", str, description="县(区)代码，如 yizhou"),
        ],
        responses={200: ProjectSerializer(many=True),
                   400: OpenApiResponse(FilterErrorSerializer, description="筛选条件无效"),
                   401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(responses={200: ProjectDetailSerializer, 401: UNAUTHENTICATED,
                                      403: PLAN_REFUSED, 404: NOT_FOUND}),
)
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        projects = with_related(projects_visible_to(self.request.user))
        if self.action != "list":
            return projects.order_by("pk")
        params = self.request.query_params
        state = params.get("state")
        if state:
            if state not in State.values:
                message = _("未知的状态：%(state)s") % {"state": state}
                raise ValidationError({"detail": message, "state": [message]})
            projects = projects.filter(state=state)
        if params.get("category"):
            projects = projects.filter(category__code=params["category"])
        if params.get("county"):
            projects = projects.filter(county__code=params["county"])
        return projects.order_by("pk")

    def get_object(self):
        """One project, unless a rule keeps its content from the caller (403 with why)."""
        project = super().get_object()
        refusal = registry.plan_access_refusal(project, self.request.user)
        if refusal is not None and self.action in {"retrieve", "history"}:
            raise PermissionDenied(refusal)
        return project

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ProjectDetailSerializer
        return super().get_serializer_class()

    @extend_schema(
        request=TransitionRequestSerializer,
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH,
                                     enum=list(lifecycle.TRANSITION_NAMES),
                                     description="转换名称，如 submit、county_forward")],
        responses={
            200: ProjectDetailSerializer,
            400: OpenApiResponse(TransitionErrorSerializer,
                                 description="理由缺失或过长、数据无效；reason 与 data 下列出每个有误的字段"),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="调用者的角色不能执行该操作"),
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="当前状态或条件不允许该操作"),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request, pk=None, name=None):
        """Fire a transition with its reason and, where it takes any, its data."""
        project = self.get_object()
        payload = TransitionRequestSerializer(data=request.data)
        if not payload.is_valid():
            return Response(_request_error_body(payload.errors), status=status.HTTP_400_BAD_REQUEST)
        try:
            project = services.fire(project, name, request.user,
                                    reason=payload.validated_data.get("reason", ""),
                                    data=payload.validated_data.get("data") or {},
                                    ip_address=client_ip(request))
        except services.ServiceError as error:
            return Response(_error_body(error), status=error.status)
        project = get_object_or_404(with_related(projects_visible_to(request.user)), pk=project.pk)
        return Response(ProjectDetailSerializer(project, context={"request": request}).data,
                        status=status.HTTP_200_OK)

    @extend_schema(responses={200: AuditEntrySerializer(many=True), 401: UNAUTHENTICATED,
                              403: PLAN_REFUSED, 404: NOT_FOUND})
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """The whole trail of the project, transitions and events, oldest first (not paginated)."""
        project = self.get_object()
        entries = project.audit_entries.select_related("actor").order_by("created_at", "pk")
        return Response(AuditEntrySerializer(entries, many=True,
                                             context={"request": request}).data)


def _request_error_body(errors) -> dict:
    """A request that is not even an object with a text reason: the same body as the
    service's refusals (``detail``, and ``reason`` when that field is the problem)."""
    body = {}
    if "reason" in errors:
        body["reason"] = [str(m) for m in errors["reason"]]
    messages = [str(m) for key in errors for m in (errors[key] if isinstance(errors[key], list)
                                                   else [errors[key]])]
    return {"detail": messages[0] if messages else _("请求格式无效。"), **body}


def _error_body(error) -> dict:
    """``detail``, and for bad input each field: ``reason`` at the top, data fields under ``data``."""
    body = {"detail": error.message}
    fields = getattr(error, "fields", {}) or {}
    if "reason" in fields:
        body["reason"] = fields["reason"]
    data = {key: messages for key, messages in fields.items() if key != "reason"}
    if data:
        body["data"] = data
    return body

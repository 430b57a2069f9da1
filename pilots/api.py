"""JSON API over projects: lists and details through the selector, transitions through services."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import services
from .choices import State
from .net import client_ip
from .selectors import projects_visible_to, with_related
from .serializers import (
    AuditEntrySerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    TransitionRequestSerializer,
)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("state", str, enum=State.values),
    OpenApiParameter("category", str, description="类别代码，如 campus"),
    OpenApiParameter("county", str, description="县(区)代码，如 yizhou"),
]))
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        projects = with_related(projects_visible_to(self.request.user))
        params = self.request.query_params
        if params.get("state"):
            projects = projects.filter(state=params["state"])
        if params.get("category"):
            projects = projects.filter(category__code=params["category"])
        if params.get("county"):
            projects = projects.filter(county__code=params["county"])
        return projects.order_by("pk")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ProjectDetailSerializer
        return super().get_serializer_class()

    @extend_schema(request=TransitionRequestSerializer, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transitions(self, request, pk=None, name=None):
        project = self.get_object()
        payload = TransitionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            project = services.fire(project, name, request.user,
                                    reason=payload.validated_data.get("reason", ""),
                                    ip_address=client_ip(request))
        except services.ServiceError as error:
            return Response({"detail": error.message}, status=error.status)
        project = get_object_or_404(with_related(projects_visible_to(request.user)), pk=project.pk)
        return Response(ProjectDetailSerializer(project, context={"request": request}).data,
                        status=status.HTTP_200_OK)

    @extend_schema(responses=AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        project = self.get_object()
        entries = project.audit_entries.select_related("actor").order_by("created_at", "pk")
        return Response(AuditEntrySerializer(entries, many=True,
                                             context={"request": request}).data)

"""JSON API of an expert's score sheet: read, save the draft, submit. Only the caller's own
assignments are found (another's is a 404); what the sheet shows of the panel's other
sheets comes from ``sheets.sheets_visible_to``."""
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pilots.errors import ServiceError
from pilots.net import client_ip
from pilots.serializers import ErrorSerializer

from . import sheets
from .models import ExpertAssignment
from .results import plain, points

# --- Schema ---------------------------------------------------------------------------------


class OpinionSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True, help_text="序号，从1起")
    text = serializers.CharField(help_text="意见，1至2000字")
    plan_path = serializers.CharField(required=False, allow_blank=True,
                                      help_text="指向的方案位置(最新方案版本中一行的路径，如 tasks.t3.measure)，可为空")


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.CharField(help_text="该项满分")


class OtherSheetSerializer(serializers.Serializer):
    expert = serializers.CharField()
    scores = serializers.DictField(child=serializers.CharField())
    total = serializers.CharField(allow_null=True)
    opinions = OpinionSerializer(many=True)


class SheetSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    project = serializers.DictField(help_text='{"id", "code", "name"}')
    status = serializers.ChoiceField(choices=["draft", "submitted"])
    submitted_at = serializers.DateTimeField(allow_null=True)
    editable = serializers.BooleanField(help_text="当前能否保存或提交")
    criteria = CriterionSerializer(many=True)
    scores = serializers.DictField(child=serializers.CharField(),
                                   help_text="评分项代码: 得分(字符串，精确到0.01)")
    total = serializers.CharField(allow_null=True, help_text="各项均已打分时的合计")
    opinions = OpinionSerializer(many=True)
    others = OtherSheetSerializer(
        many=True, help_text="专家组其他成员已提交的评分表：提交自己的评分表之前始终为空列表")


class SheetInputSerializer(serializers.Serializer):
    scores = serializers.DictField(help_text="评分项代码: 数字(0至该项满分，最多两位小数)；未打分的项可省略")
    opinions = OpinionSerializer(many=True)


class SheetErrorSerializer(ErrorSerializer):
    """``detail`` and ``fields`` (a field named ``fields`` cannot be declared as an attribute:
    it would hide the serializer's own ``fields``)."""

    def get_fields(self):
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False,
            help_text='每个有误的字段及其消息，如 {"scores.distinctive": [...], "opinions.2.text": [...]}')
        return fields


NOT_FOUND = OpenApiResponse(ErrorSerializer, description="不是调用者本人的专家指派")
REFUSED = {
    400: OpenApiResponse(SheetErrorSerializer, description="评分或意见有误；fields 列出每个有误的字段"),
    403: OpenApiResponse(ErrorSerializer, description="尚未声明无利益冲突"),
    404: NOT_FOUND,
    409: OpenApiResponse(ErrorSerializer, description="评分表已提交，或项目不在专家评审阶段"),
}


# --- Views ----------------------------------------------------------------------------------

def _error(error):
    body = {"detail": error.message}
    fields = getattr(error, "fields", None)
    if fields:
        body["fields"] = fields
    return Response(body, status=error.status)


def _sheet_body(sheet, user):
    assignment = sheet.assignment
    project = assignment.project
    criteria = list(sheet.rubric.criteria.all())
    total = sheets.total_of(sheet, criteria)
    others = []
    if sheet.submitted:
        for other in (sheets.sheets_visible_to(user, project).exclude(pk=sheet.pk)
                      .select_related("assignment__expert").prefetch_related("opinions")
                      .order_by("submitted_at", "pk")):
            other_total = sheets.total_of(other, criteria)
            others.append({
                "expert": str(other.assignment.expert),
                "scores": {c.code: plain(points(other.scores[c.code])) for c in criteria
                           if points(other.scores.get(c.code)) is not None},
                "total": None if other_total is None else plain(other_total),
                "opinions": [{"number": o.number, "text": o.text, "plan_path": o.plan_path}
                             for o in other.opinions.all()],
            })
    return {
        "assignment": assignment.pk,
        "project": {"id": project.pk, "code": project.code, "name": project.name},
        "status": sheet.status,
        "submitted_at": sheet.submitted_at,
        "editable": not sheet.submitted and sheets.may_score(assignment),
        "criteria": [{"code": c.code, "name": c.label, "weight": plain(c.weight)}
                     for c in criteria],
        "scores": dict(sheet.scores),
        "total": None if total is None else plain(total),
        "opinions": [{"number": o.number, "text": o.text, "plan_path": o.plan_path}
                     for o in sheet.opinions.all()],
        "others": others,
    }


class _OwnSheet(APIView):
    def own_sheet(self, request, pk):
        assignment = (ExpertAssignment.objects
                      .select_related("project__batch", "project__category", "expert")
                      .filter(pk=pk, expert=request.user).first())
        if assignment is None:
            raise Http404(_("没有该专家指派。"))
        return sheets.sheet_for(assignment)


class SheetView(_OwnSheet):
    """The caller's score sheet for one of its assignments (created as a draft on first use)."""

    @extend_schema(responses={200: SheetSerializer, **REFUSED})
    def get(self, request, pk):
        try:
            sheet = self.own_sheet(request, pk)
        except ServiceError as error:
            return _error(error)
        return Response(SheetSerializer(_sheet_body(sheet, request.user)).data)

    @extend_schema(request=SheetInputSerializer, responses={200: SheetSerializer, **REFUSED})
    def put(self, request, pk):
        """Save the draft: all scores and all opinions at once (opinions renumbered 1..n)."""
        try:
            sheet = self.own_sheet(request, pk)
            body = request.data if isinstance(request.data, dict) else None
            if body is None:
                message = _("请求格式无效：应为对象(scores, opinions)。")
                return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)
            sheet = sheets.save_draft(sheet, request.user, scores=body.get("scores", {}),
                                      opinions=body.get("opinions", []))
        except ServiceError as error:
            return _error(error)
        return Response(SheetSerializer(_sheet_body(sheet, request.user)).data)


class SheetSubmitView(_OwnSheet):
    """Submit the caller's sheet: final unless the ecology admin reopens it."""

    @extend_schema(request=None, responses={200: SheetSerializer, **REFUSED})
    def post(self, request, pk):
        try:
            sheet = sheets.submit(self.own_sheet(request, pk), request.user,
                                  ip_address=client_ip(request))
        except ServiceError as error:
            return _error(error)
        sheet.refresh_from_db()
        return Response(SheetSerializer(_sheet_body(sheet, request.user)).data)

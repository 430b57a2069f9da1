"""JSON API of a panel's results and of closing its scoring (issue 7 items 6 and 9).

Figures are the exact results rounded to two places, half up, as strings ("80.83",
"86.25", "90.00"), as the results page and the score sheet show them; null where no
sheet was submitted."""
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pilots.errors import ServiceError
from pilots.inputs import parse_id
from pilots.net import client_ip
from pilots.serializers import ErrorSerializer

from . import closing
from .models import Panel
from .panel_results import may_see_panel_results, panel_results
from .results import for_display

# --- Schema ---------------------------------------------------------------------------------


class PanelProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class PanelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["selection", "acceptance"],
                                   help_text="selection 遴选评审；acceptance 验收评审")
    batch = serializers.IntegerField(help_text="申报批次年度")
    category = serializers.CharField(help_text="试点类别代码，如 campus")
    project = PanelProjectSerializer(allow_null=True, help_text="验收评审专家组的项目；遴选评审为 null")
    scoring_deadline = serializers.DateField(allow_null=True, help_text="评分截止日期")
    closed = serializers.BooleanField(help_text="专家组评分是否已结束")


class PanelResultSerializer(serializers.Serializer):
    project = PanelProjectSerializer()
    sheets = serializers.IntegerField(help_text="已提交的评分表份数")
    mean = serializers.CharField(allow_null=True, help_text="各评分表合计的平均分，保留两位小数")
    trimmed_mean = serializers.CharField(
        allow_null=True, help_text="去掉最高分和最低分后的平均分(5份评分表及以上)，否则为 null")
    score = serializers.CharField(allow_null=True,
                                  help_text="专家组得分：有去掉最高最低分的平均分时取之，否则取平均分")
    passed = serializers.BooleanField(allow_null=True, help_text="得分是否达到评分标准的通过线")
    spread_flag = serializers.BooleanField(help_text="最高与最低合计之差是否超过规定分差(默认20分)")
    rank = serializers.IntegerField(allow_null=True,
                                    help_text="在本专家组中的名次，同分同名次；没有评分表时为 null")


class PanelResultsSerializer(serializers.Serializer):
    panel = PanelSerializer()
    results = PanelResultSerializer(many=True, help_text="按名次排列，没有评分表的项目在最后")


class CloseRequestSerializer(serializers.Serializer):
    """Checked by the view and the service, so only described here."""

    removals = serializers.DictField(
        child=serializers.CharField(), required=False,
        help_text="尚未提交评分表的专家编号: 移出专家组的理由(最多2000字)；"
                  "该专家从本专家组其尚未提交评分表的每个项目中移出")


RESULTS_EXAMPLE = {
    "panel": {"id": 7, "kind": "selection", "batch": 2026, "category": "campus",
              "project": None, "scoring_deadline": "2026-12-11", "closed": False},
    "results": [
        {"project": {"id": 41, "code": "HC-2026-CAMPUS-003", "name": "宜州区实验中学近零碳排放校园"},
         "sheets": 3, "mean": "80.83", "trimmed_mean": None, "score": "80.83", "passed": True,
         "spread_flag": False, "rank": 1},
        {"project": {"id": 42, "code": None, "name": "宜州区第二小学近零碳排放校园"},
         "sheets": 0, "mean": None, "trimmed_mean": None, "score": None, "passed": None,
         "spread_flag": False, "rank": None},
    ],
}
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="未登录或令牌无效")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="没有这个专家组",
                            examples=[OpenApiExample("404", value={"detail": "未找到。"})])
RESULTS_REFUSED = OpenApiResponse(
    ErrorSerializer, description="只有市生态环境局和组建该专家组的部门可以查看",
    examples=[OpenApiExample("无权查看", value={"detail": "只有组织评审的部门可以查看专家组的评分结果。"})])
CLOSE_REFUSED = OpenApiResponse(
    ErrorSerializer, description="只有市生态环境局可以结束评分",
    examples=[OpenApiExample("无权结束评分", value={"detail": "只有市生态环境局可以结束评分。"})])
CLOSE_BAD_INPUT = OpenApiResponse(
    ErrorSerializer,
    description="请求有误；每个有误的字段另列一项，如 removals.<专家编号>，值为消息列表",
    examples=[OpenApiExample("缺少理由", value={
        "detail": "请填写移出王晓梅的理由。", "removals.12": ["请填写移出王晓梅的理由。"]})])
CLOSE_NOT_NOW = OpenApiResponse(
    ErrorSerializer, description="专家组评分已结束、仍有项目在市级审核、有专家尚未提交评分表，或剩余专家不足",
    examples=[OpenApiExample("有专家尚未提交", value={
        "detail": "以下专家尚未提交评分表：王晓梅（宜州区实验中学近零碳排放校园）。"
                  "请等待其提交，或填写理由将其移出专家组。"})])


# --- Views ----------------------------------------------------------------------------------

def _figure(value):
    """A figure as the results page shows it: two places, half up ("80.83"), or None."""
    return None if value is None else str(for_display(value))


def _project(project):
    return {"id": project.pk, "code": project.code, "name": project.name}


def results_body(panel) -> dict:
    """The panel and the results of each of its projects, best first."""
    return {
        "panel": {
            "id": panel.pk, "kind": panel.kind, "batch": panel.batch.year,
            "category": panel.category.code,
            "project": _project(panel.project) if panel.project_id else None,
            "scoring_deadline": (panel.scoring_deadline.isoformat()
                                 if panel.scoring_deadline else None),
            "closed": panel.is_closed,
        },
        "results": [{
            "project": _project(row.project), "sheets": row.sheets, "mean": _figure(row.mean),
            "trimmed_mean": _figure(row.trimmed_mean), "score": _figure(row.score),
            "passed": row.passed, "spread_flag": row.spread_flag, "rank": row.rank,
        } for row in panel_results(panel)],
    }


def _panel(pk) -> Panel:
    panel = (Panel.objects.select_related("batch", "category", "project")
             .filter(pk=pk).first())
    if panel is None:
        raise Http404(_("没有这个专家组。"))
    return panel


def _refused(message, http_status, fields=None):
    return Response({"detail": str(message), **(fields or {})}, status=http_status)


class PanelResultsView(APIView):
    """The results of every project of a panel, ranked: for the ecology admin and who
    formed the panel."""

    @extend_schema(responses={
        200: OpenApiResponse(PanelResultsSerializer, description="专家组及其各项目的评分结果",
                             examples=[OpenApiExample("遴选评审专家组", value=RESULTS_EXAMPLE)]),
        401: UNAUTHENTICATED, 403: RESULTS_REFUSED, 404: NOT_FOUND})
    def get(self, request, pk):
        panel = _panel(pk)
        if not may_see_panel_results(panel, request.user):
            return _refused(_("只有组织评审的部门可以查看专家组的评分结果。"),
                            status.HTTP_403_FORBIDDEN)
        return Response(results_body(panel))


class PanelCloseView(APIView):
    """End scoring on every project of the panel still being scored, and close the panel;
    all or nothing. ``removals`` takes a member who has not submitted off each project it
    has not submitted on, with the reason kept in the project's trail."""

    @extend_schema(
        request=CloseRequestSerializer,
        examples=[OpenApiExample("全部专家已提交", value={}, request_only=True),
                  OpenApiExample("移出未提交的专家", request_only=True,
                                 value={"removals": {"12": "该专家长期出差，无法在截止日期前评分。"}})],
        responses={200: OpenApiResponse(PanelResultsSerializer, description="评分已结束：专家组及其评分结果"),
                   400: CLOSE_BAD_INPUT, 401: UNAUTHENTICATED, 403: CLOSE_REFUSED,
                   404: NOT_FOUND, 409: CLOSE_NOT_NOW})
    def post(self, request, pk):
        panel = _panel(pk)
        if not closing.may_close(request.user):
            return _refused(_("只有市生态环境局可以结束评分。"), status.HTTP_403_FORBIDDEN)
        body = request.data
        if not isinstance(body, dict):
            return _refused(_("请求格式无效：应为对象(removals)。"), status.HTTP_400_BAD_REQUEST)
        unknown = sorted(set(body) - {"removals"}, key=str)
        if unknown:
            message = _("结束评分不接受此项数据。")
            return _refused(message, status.HTTP_400_BAD_REQUEST,
                            {str(key): [message] for key in unknown})
        removals = body.get("removals") or {}
        if not isinstance(removals, dict):
            message = _("removals 应为对象(专家编号: 移出理由)。")
            return _refused(message, status.HTTP_400_BAD_REQUEST, {"removals": [message]})
        parsed, errors = {}, {}
        for key, reason in removals.items():
            expert_id = parse_id(key)
            if expert_id is None:
                errors[f"removals.{key}"] = [_("专家编号无效。")]
            else:
                parsed[expert_id] = reason
        if errors:
            return _refused(next(iter(errors.values()))[0], status.HTTP_400_BAD_REQUEST, errors)
        try:
            closing.close_panel(panel, request.user, removals=parsed,
                                ip_address=client_ip(request))
        except ServiceError as error:
            return _refused(error.message, error.status, getattr(error, "fields", None))
        return Response(results_body(_panel(pk)))

"""The open data API (no login, JSON): projects under publicity, the pilot directory, the
annual disclosures (also as CSV), filing an objection and reading its status. Lists are
cached per generation (``public.cache``); every read is throttled per client address."""
import logging

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from disclosure import api as disclosure_api
from disclosure import public as disclosure_public
from pilots.errors import ServiceError
from pilots.net import client_ip
from publicity import objections

from . import cache, selectors
from .serializers import (
    ObjectionRequestSerializer,
    ObjectionStatusSerializer,
    PublicErrorSerializer,
    PublicProjectSerializer,
    ReceiptSerializer,
)
from .states import DIRECTORY_STATES

logger = logging.getLogger(__name__)


class PublicThrottle(AnonRateThrottle):
    """Requests per client address (the same address the audit trail records)."""

    scope = "public"
    rate = "120/minute"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "-"}

    def allow_request(self, request, view):
        """With the cache down the count cannot be kept: the request is let through (the
        objection limit itself is kept in the database by publicity)."""
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("public cache unreachable: request not throttled", exc_info=True)
            return True


class PublicPagination(PageNumberPagination):
    page_size = 20


class PublicAPIView(GenericAPIView):
    """No login: a token or session is not even read (and so no CSRF check applies)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    pagination_class = PublicPagination


def _error(message, status_code, **fields):
    return Response({"detail": str(message), **fields}, status=status_code)


LIST_ERRORS = {400: OpenApiResponse(PublicErrorSerializer, description="筛选条件无效，并指明字段"),
               404: OpenApiResponse(PublicErrorSerializer, description="页码不存在"),
               429: OpenApiResponse(PublicErrorSerializer, description="同一地址请求过于频繁")}


class _ProjectList(PublicAPIView):
    serializer_class = PublicProjectSerializer
    cache_name = ""

    def projects(self, request):
        raise NotImplementedError

    def get(self, request):
        projects = self.projects(request)
        if isinstance(projects, Response):
            return projects

        def compute():
            page = self.paginate_queryset(projects)
            data = self.get_serializer(selectors.summaries(page), many=True).data
            return dict(self.get_paginated_response(data).data)

        return Response(cache.cached(self.cache_name, (request.build_absolute_uri(),), compute))


@extend_schema(
    summary="正在公示的项目",
    description="公示期内的项目及其公示期；不需登录。",
    responses={200: PublicProjectSerializer(many=True), **LIST_ERRORS},
    auth=[],
)
class PublicityList(_ProjectList):
    cache_name = "api-publicity"

    def projects(self, request):
        return selectors.under_publicity()


@extend_schema(
    summary="试点名录",
    description="已确定的试点(建设实施起)、已授予称号和已取消称号的试点；不需登录。",
    parameters=[
        OpenApiParameter("category", str, description="试点类别代码，如 campus"),
        OpenApiParameter("county", str, description="县(区)代码，如 yizhou"),
        OpenApiParameter("state", str, enum=[str(s) for s in DIRECTORY_STATES],
                         description="状态代码；其他值返回 400"),
    ],
    responses={200: PublicProjectSerializer(many=True), **LIST_ERRORS},
    auth=[],
)
class PilotList(_ProjectList):
    cache_name = "api-pilots"

    def projects(self, request):
        params = request.query_params
        state = params.get("state", "")
        if state and state not in DIRECTORY_STATES:
            message = _("未知的状态：%(state)s") % {"state": state[:40]}
            return _error(message, status.HTTP_400_BAD_REQUEST, state=[message])
        return selectors.directory(category=params.get("category", ""),
                                   county=params.get("county", ""), state=state)


DISCLOSURE_FILTERS = [
    OpenApiParameter("year", int, description="披露年度，如 2025；非整数返回 400"),
    OpenApiParameter("category", str, description="试点类别代码，如 park"),
    OpenApiParameter("county", str, description="县(区)代码，如 yizhou"),
]


def _disclosures(request):
    """The published disclosures the filters select, or a 400 response naming the bad one."""
    params = request.query_params
    year = params.get("year", "").strip()
    if year and not (year.isdecimal() and len(year) == 4):
        message = _("年度应为四位数字，如 2025。")
        return _error(message, status.HTTP_400_BAD_REQUEST, year=[message])
    return selectors.published_disclosures(
        year=int(year) if year else None, category=params.get("category", "").strip()[:40],
        county=params.get("county", "").strip()[:40])


@extend_schema(
    summary="年度碳排放信息披露",
    description="各试点已公开的年度碳排放信息披露(含已被更正的旧版本，superseded 为 true)："
                "核算结果、评价指标及所用排放因子(数值、单位、年份、来源)；不需登录。",
    parameters=DISCLOSURE_FILTERS,
    responses={200: disclosure_api.PublicDisclosureSerializer(many=True), **LIST_ERRORS},
    auth=[],
)
class DisclosureList(PublicAPIView):
    serializer_class = disclosure_api.PublicDisclosureSerializer

    def get(self, request):
        rows = _disclosures(request)
        if isinstance(rows, Response):
            return rows

        def compute():
            page = self.paginate_queryset(rows)
            data = self.get_serializer(disclosure_public.summaries(page), many=True).data
            return dict(self.get_paginated_response(data).data)

        return Response(cache.cached("api-disclosures",
                                     (request.build_absolute_uri(), get_language()), compute))


class CSVRenderer(BaseRenderer):
    """Lets a client that asks for text/csv have it (the body is made by the view; a refusal
    is still JSON text)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


@extend_schema(
    summary="年度碳排放信息披露(CSV)",
    description="与 /api/public/disclosures/ 相同的披露，每个所用排放因子一行；UTF-8(带BOM)，"
                "可直接用 Excel 打开。",
    parameters=DISCLOSURE_FILTERS,
    responses={(200, "text/csv"): str, 400: OpenApiResponse(PublicErrorSerializer),
               429: OpenApiResponse(PublicErrorSerializer)},
    auth=[],
)
class DisclosureCSV(PublicAPIView):
    renderer_classes = [JSONRenderer, CSVRenderer]

    def get(self, request):
        rows = _disclosures(request)
        if isinstance(rows, Response):
            return rows
        body = cache.cached(
            "api-disclosures-csv", (request.build_absolute_uri(), get_language()),
            lambda: disclosure_api.csv_text(disclosure_public.summaries(rows)))
        response = HttpResponse(body.encode("utf-8"), content_type=disclosure_api.CSV_CONTENT_TYPE)
        response["Content-Disposition"] = disclosure_api.content_disposition(
            timezone.localdate())
        return response


@extend_schema(
    summary="提出异议",
    description="公示期内对正在公示的项目提出异议；返回回执号，凭回执号查询处理结果。"
                "异议人的联系方式仅市生态环境局可见。",
    request=ObjectionRequestSerializer,
    responses={
        201: ReceiptSerializer,
        400: OpenApiResponse(PublicErrorSerializer, description="内容有误，并指明字段",
                             examples=[OpenApiExample("缺少理由", value={
                                 "detail": "请填写异议内容及理由。",
                                 "grounds": ["请填写异议内容及理由。"]})]),
        409: OpenApiResponse(PublicErrorSerializer, description="项目不在公示期内"),
        429: OpenApiResponse(PublicErrorSerializer, description="同一地址当日提交已达上限"),
    },
    auth=[],
)
class ObjectionCreate(PublicAPIView):
    serializer_class = ObjectionRequestSerializer

    def post(self, request):
        request_data = self.get_serializer(data=request.data)
        if not request_data.is_valid():
            fields = {k: [str(m) for m in v] for k, v in request_data.errors.items()}
            return _error(_("提交的内容有误，请按提示修改。"), status.HTTP_400_BAD_REQUEST, **fields)
        data = request_data.validated_data
        code = data["project"].strip()
        project = selectors.public_projects().filter(code=code).first() if code else None
        if project is None:
            message = (_("没有编号为%(code)s的公示项目。") % {"code": code[:40]} if code
                       else _("请填写项目编号。"))
            return _error(message, status.HTTP_400_BAD_REQUEST, project=[message])
        try:
            objection = objections.file_objection(
                project, name=data["name"], contact=data["contact"], grounds=data["grounds"],
                attachment=None, client_ip=client_ip(request))
        except ServiceError as error:
            return _error(error.message, error.status, **(getattr(error, "fields", None) or {}))
        return Response({"receipt": objection.receipt}, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="异议处理状态",
    description="凭回执号查询异议的处理状态和处理意见；不含异议人的姓名和联系方式。",
    responses={200: ObjectionStatusSerializer,
               404: OpenApiResponse(PublicErrorSerializer, description="回执号不存在")},
    auth=[],
)
class ObjectionStatusView(PublicAPIView):
    serializer_class = ObjectionStatusSerializer

    def get(self, request, receipt):
        def compute():
            return dict(self.get_serializer(selectors.public_objection(receipt)).data)

        return Response(cache.cached("api-objection", (receipt,), compute))


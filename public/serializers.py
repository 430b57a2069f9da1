"""The open data API's representations: of the public summaries (``public.selectors``),
never of a model, so nothing but the allow-list can reach a response."""
from rest_framework import serializers

from pilots.choices import State
from publicity.objections import GROUNDS_MAX_LENGTH, NAME_MAX_LENGTH

from .states import AFTER_PUBLICITY_STATES, COUNTED_STATES


class PeriodSerializer(serializers.Serializer):
    starts_on = serializers.DateField(help_text="公示开始日期")
    ends_on = serializers.DateField(help_text="公示截止日期")


class PublicProjectSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="项目编号，如 HC-2026-CAMPUS-001")
    name = serializers.CharField(help_text="项目名称")
    category = serializers.CharField(source="category_code", help_text="试点类别代码，如 campus")
    county = serializers.CharField(source="county_code", help_text="县(区)代码，如 yizhou")
    builder = serializers.CharField(help_text="建设主体(申报单位)名称")
    state = serializers.ChoiceField(
        choices=[(s, State(s).label) for s in (*COUNTED_STATES, *AFTER_PUBLICITY_STATES)],
        help_text="状态代码")
    publicity = PeriodSerializer(allow_null=True, help_text="最近一次公示期；未公示为 null")
    title = serializers.DictField(allow_null=True, help_text="称号及证书；尚未授予为 null")


class ObjectionRequestSerializer(serializers.Serializer):
    # Optional here: publicity's file_objection checks every field and names the bad ones
    # with the messages the page shows.
    project = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="正在公示的项目编号")
    name = serializers.CharField(required=False, allow_blank=True, default="",
                                 help_text=f"异议人姓名或单位名称，最多{NAME_MAX_LENGTH}字")
    contact = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="手机号码、固定电话或电子邮箱(仅市生态环境局可见)")
    grounds = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text=f"异议内容及理由，最多{GROUNDS_MAX_LENGTH}字")


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(help_text="回执号：凭它查询处理结果，请妥善保存")


class ObjectionStatusSerializer(serializers.Serializer):
    project = serializers.CharField(source="project_code", help_text="项目编号")
    filed_at = serializers.DateTimeField(help_text="提交时间")
    status = serializers.ChoiceField(choices=["pending", "upheld", "not_upheld"],
                                     help_text="pending 待处理；upheld 异议成立；not_upheld 异议不成立")
    decision_reason = serializers.CharField(help_text="处理意见及理由；待处理时为空")


class PublicErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="说明原因的中文消息")


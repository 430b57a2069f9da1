"""The form the ecology admin adds a factor version with (a plain form: the service decides)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .factors import EARLIEST_DATA_YEAR, FACTOR_UNITS
from .models import EmissionFactor, FactorKind, Region, Scope

INVALID_NUMBER = _("请输入数字。")
TEXT_ERRORS = {"max_length": _("最多%(limit_value)d字(当前%(show_value)d字)。")}


def _meta(name):
    field = EmissionFactor._meta.get_field(name)
    return {"label": field.verbose_name, "help_text": field.help_text}


def _text(name, *, required=False, required_message=None, **kwargs):
    errors = dict(TEXT_ERRORS)
    if required_message:
        errors["required"] = required_message
    options = {**_meta(name), **kwargs}
    return forms.CharField(max_length=EmissionFactor._meta.get_field(name).max_length,
                           required=required, error_messages=errors, **options)


def _number(name, **kwargs):
    return forms.DecimalField(required=False, error_messages={"invalid": INVALID_NUMBER},
                              **{**_meta(name), **kwargs})


def _blank_first(choices):
    return [("", "—"), *choices]


class FactorVersionForm(forms.Form):
    """A new version of a factor (or a new factor): year, region, value or fuel parameters,
    and the source of each."""

    code = forms.SlugField(
        label=_("因子代码"), max_length=40,
        help_text=_("已有因子填写其代码(如 grid_electricity)；新因子填写新代码并选择类型、名称、单位和排放范围。"),
        error_messages={"required": _("请填写因子代码。"),
                        "invalid": _("因子代码只能包含英文字母、数字、下划线和连字符。")})
    region = forms.ChoiceField(label=_("适用区域"), choices=Region.choices,
                               error_messages={"invalid_choice": _("适用区域无效。")})
    data_year = forms.IntegerField(
        label=_("数据年份"), min_value=EARLIEST_DATA_YEAR, max_value=2100,
        help_text=_("因子所描述的年份(非发布年份)。"),
        error_messages={"required": _("请填写数据年份。"), "invalid": _("数据年份须为整数。"),
                        "min_value": _("数据年份须在%(limit_value)s年之后。"),
                        "max_value": _("数据年份须在2100年之前。")})
    value = _number("value", help_text=_("电力、热力因子填写；化石燃料由参数计算，留空。"))
    source = _text("source", required=True, required_message=_("请填写来源文件(文件名称及文号)。"))
    clause = _text("clause")
    confirmed = forms.BooleanField(required=False, **_meta("confirmed"))
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages=TEXT_ERRORS, **_meta("note"))
    ncv = _number("ncv", help_text=_("化石燃料：GJ/t 或 GJ/万Nm³。"))
    ncv_source = _text("ncv_source")
    carbon_per_heat = _number("carbon_per_heat")
    carbon_per_heat_source = _text("carbon_per_heat_source")
    oxidation = _number("oxidation", help_text=_("小数，如 0.98 表示 98%。"))
    oxidation_source = _text("oxidation_source")
    kind = forms.ChoiceField(label=_("类型"), required=False,
                             choices=_blank_first(FactorKind.choices),
                             help_text=_("仅新因子填写；已有因子沿用原有类型、名称、单位和范围。"),
                             error_messages={"invalid_choice": _("因子类型无效。")})
    name = _text("name", help_text=_("仅新因子填写。"))
    name_en = _text("name_en")
    unit = forms.ChoiceField(label=_("单位"), required=False,
                             choices=_blank_first([(u, u) for u in FACTOR_UNITS]),
                             error_messages={"invalid_choice": _("单位无效。")})
    scope = forms.TypedChoiceField(label=_("排放范围"), required=False, coerce=int, empty_value=None,
                                   choices=_blank_first(Scope.choices),
                                   error_messages={"invalid_choice": _("排放范围无效。")})

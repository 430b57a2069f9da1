"""Forms of the programme settings pages: batches, category settings, key parks, conditions.

Plain forms (not ModelForms) so a refused edit never touches the object shown beside it;
every message is the portal's own, in Chinese.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Batch, Category, County, EligibilityCondition, KeyPark, KeyParkLevel

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
INVALID_DATE = _("请输入有效日期，如 2025-01-01。")
INVALID_NUMBER = _("请输入整数。")
TEXT_ERRORS = {"max_length": _("最多%(limit_value)d字(当前%(show_value)d字)。")}


def _meta(model, name):
    """Label and help text as the model declares them."""
    field = model._meta.get_field(name)
    return {"label": field.verbose_name, "help_text": field.help_text}


def _text(model, name, *, required, required_message=None, **kwargs):
    errors = dict(TEXT_ERRORS)
    if required_message:
        errors["required"] = required_message
    return forms.CharField(max_length=model._meta.get_field(name).max_length, required=required,
                           error_messages=errors, **_meta(model, name), **kwargs)


def _whole_number(model, name, low, high, range_message, *, required=True, required_message=None):
    errors = {"min_value": range_message, "max_value": range_message, "invalid": INVALID_NUMBER}
    if required_message:
        errors["required"] = required_message
    return forms.IntegerField(min_value=low, max_value=high, required=required,
                              error_messages=errors, **_meta(model, name))


def _date(name, required_message):
    return forms.DateField(widget=DATE_WIDGET, **_meta(Batch, name),
                           error_messages={"required": required_message, "invalid": INVALID_DATE})


def _order():
    return forms.IntegerField(
        label=_("排序"), required=False, min_value=0, max_value=32767,
        error_messages={"min_value": _("排序须为 0 至 32767 的整数。"),
                        "max_value": _("排序须为 0 至 32767 的整数。"), "invalid": INVALID_NUMBER},
        help_text=_("数字小的排在前面。"))


class BatchForm(forms.Form):
    """A call's name, application window, publicity period and expert panel size."""

    name = _text(Batch, "name", required=True, required_message=_("请填写批次名称。"))
    opens_on = _date("opens_on", _("请填写申报开始日期。"))
    closes_on = _date("closes_on", _("请填写申报截止日期。"))
    publicity_days = _whole_number(Batch, "publicity_days", 1, 30,
                                   _("公示期须为 1 至 30 个工作日。"),
                                   required_message=_("请填写公示期。"))
    expert_panel_min_size = _whole_number(Batch, "expert_panel_min_size", 1, 15,
                                          _("专家组最少人数须为 1 至 15 人。"),
                                          required_message=_("请填写专家组最少人数。"))

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("申报截止日期不能早于申报开始日期。"))
        return data


class BatchCreateForm(BatchForm):
    """A new call, usually next year's."""

    year = forms.IntegerField(
        label=_("年度"), min_value=2020, max_value=2100,
        error_messages={"required": _("请填写年度。"), "invalid": INVALID_NUMBER,
                        "min_value": _("年度须在 2020 至 2100 之间。"),
                        "max_value": _("年度须在 2020 至 2100 之间。")})

    field_order = ["year"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if Batch.objects.filter(year=year).exists():
            raise forms.ValidationError(_("%(year)s年度的申报批次已存在。"), code="exists",
                                        params={"year": year})
        return year


class CategoryForm(forms.Form):
    """What the admin sets per category: open for applications, recheck interval, title."""

    is_open = forms.BooleanField(required=False, **_meta(Category, "is_open"))
    recheck_interval_days = _whole_number(Category, "recheck_interval_days", 30, 3650,
                                          _("复核周期须为 30 至 3650 天。"),
                                          required_message=_("请填写复核周期。"))
    title = _text(Category, "title", required=False)
    title_en = _text(Category, "title_en", required=False)

    def __init__(self, category: Category, *args, **kwargs):
        self.category = category
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("is_open"):
            if "title" in data and not data["title"].strip():
                self.add_error("title", _("开放申报的类别须填写验收通过后授予的称号。"))
            if not self.category.lead_bodies.exists():
                self.add_error("is_open", _("该类别尚未确定组织申报的市级主管部门，不能开放申报。"))
        return data


class KeyParkForm(forms.Form):
    """A park on the autonomous-region (or national) key industrial park list."""

    name = _text(KeyPark, "name", required=True, required_message=_("请填写园区名称。"))
    name_en = _text(KeyPark, "name_en", required=False)
    level = forms.ChoiceField(choices=KeyParkLevel.choices, **_meta(KeyPark, "level"),
                              error_messages={"required": _("请选择园区级别。"),
                                              "invalid_choice": _("请选择园区级别。")})
    county = forms.ModelChoiceField(queryset=County.objects.order_by("order"), required=False,
                                    empty_label="—", **_meta(KeyPark, "county"),
                                    error_messages={"invalid_choice": _("没有这个县(区)。")})
    source = _text(KeyPark, "source", required=False)
    order = _order()

    def __init__(self, *args, park: KeyPark | None = None, **kwargs):
        self.park = park
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = KeyPark.objects.filter(name=name)
        if self.park is not None:
            others = others.exclude(pk=self.park.pk)
        if others.exists():
            raise forms.ValidationError(_("名录中已有同名园区。"), code="exists")
        return name

    def clean_order(self):
        return self.cleaned_data["order"] or 0


class ConditionForm(forms.Form):
    """A selection condition of a category (its category is fixed once made)."""

    text = _text(EligibilityCondition, "text", required=True,
                 required_message=_("请填写条件内容。"), widget=forms.Textarea(attrs={"rows": 3}))
    text_en = _text(EligibilityCondition, "text_en", required=False,
                    widget=forms.Textarea(attrs={"rows": 3}))
    required = forms.BooleanField(required=False, **_meta(EligibilityCondition, "required"))
    order = _order()

    def clean_order(self):
        return self.cleaned_data["order"] or 0


class ConditionCreateForm(ConditionForm):
    category = forms.ModelChoiceField(
        queryset=Category.objects.order_by("order"), **_meta(EligibilityCondition, "category"),
        empty_label=None,
        error_messages={"required": _("请选择试点类别。"),
                        "invalid_choice": _("请选择试点类别。")})

    field_order = ["category"]

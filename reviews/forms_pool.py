"""Forms of the expert pool pages: a profile, and a declared relation.

Plain forms, so a refused edit never touches the profile shown beside it; every message
is the portal's own, in Chinese.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from pilots.models import County, Organisation

from .choices import ConflictType, ExpertiseField
from .pool import experts_without_profile

PICK = _("所选项无效，请从列表中选择。")


def _choice(queryset, label, *, required, required_message=None, help_text=""):
    errors = {"invalid_choice": PICK, "invalid_pk_value": PICK}
    if required_message:
        errors["required"] = required_message
    return forms.ModelChoiceField(queryset, label=label, required=required,
                                  error_messages=errors, help_text=help_text,
                                  empty_label="—")


class ProfileForm(forms.Form):
    employer = _choice(Organisation.objects.order_by("name"), _("工作单位"), required=False,
                       help_text=_("单位不在列表中时可留空。"))
    county = _choice(County.objects.all(), _("所在县(区)"), required=False,
                     help_text=_("县(区)专家填写；市级及以上单位的专家留空。"))
    fields = forms.MultipleChoiceField(
        label=_("专业领域"), choices=ExpertiseField.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个专业领域。"),
                        "invalid_choice": _("专业领域无效，请从列表中选择。")})


class ProfileCreateForm(ProfileForm):
    field_order = ["user", "employer", "county", "fields"]

    user = _choice(experts_without_profile(), _("专家账号"), required=True,
                   required_message=_("请选择专家账号。"),
                   help_text=_("列出具有专家角色、尚未入库的账号。"))


class RelationForm(forms.Form):
    organisation = _choice(Organisation.objects.order_by("name"), _("单位"), required=True,
                           required_message=_("请选择单位。"))
    kind = forms.ChoiceField(label=_("关系类型"), choices=ConflictType.choices,
                             error_messages={"required": _("请选择关系类型。"),
                                             "invalid_choice": _("关系类型无效，请从列表中选择。")})
    since = forms.DateField(label=_("起始日期"),
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"required": _("请填写起始日期。"),
                                            "invalid": _("请输入有效日期，如 2024-03-01。")})
    note = forms.CharField(label=_("说明"), max_length=200, required=False,
                           error_messages={"max_length": _("说明不能超过200个字。")})

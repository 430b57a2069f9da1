"""The rubric editor's forms: the two grade lines and one row per criterion.

They only read the input; every rule (weights summing to 100, lines in order, codes
unique, the lock) is the service's, so the page and any other caller are held alike.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from .rubrics import MAX_CRITERIA


def _points_field(label, **options):
    return forms.DecimalField(label=label, max_digits=5, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.01", "min": "0",
                                                              "max": "100"}), **options)


class RubricLinesForm(forms.Form):
    pass_line = _points_field(_("通过线"), help_text=_("得分不低于此分数为「通过」。"))
    excellent_line = _points_field(_("优秀线"), help_text=_("得分不低于此分数为「优秀」。"))


class CriterionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(label=_("代码"), max_length=40,
                           help_text=_("小写字母、数字、下划线或连字符，评分表以此识别评分项。"))
    name = forms.CharField(label=_("名称"), max_length=60)
    name_en = forms.CharField(label=_("英文名称"), max_length=120, required=False)
    weight = _points_field(_("分值"))


CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True,
                                         max_num=MAX_CRITERIA, validate_max=True)


def criterion_rows(formset) -> list[dict]:
    """The criteria a valid formset keeps, in page order (blank and deleted rows left out)."""
    return [{key: form.cleaned_data[key] for key in ("id", "code", "name", "name_en", "weight")}
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")]

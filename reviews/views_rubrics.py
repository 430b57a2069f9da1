"""Rubric pages (评分标准) among the programme settings, for the ecology admin: every batch ×
category × kind of review with its criteria, and the editor of one rubric."""
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.inputs import parse_id
from pilots.models import Batch, Category
from pilots.rules import may_manage_programme

from . import rubrics
from .choices import ReviewKind
from .forms_rubrics import CriterionFormSet, RubricLinesForm, criterion_rows
from .models_rubrics import Criterion, Rubric

SECTION = "rubrics"
LINE_FIELDS = ("pass_line", "excellent_line")


def rubric_admin(view):
    """Logged in, and the rule says this user keeps the programme settings; else 403."""

    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not may_manage_programme(request.user):
            raise PermissionDenied(_("只有市生态环境局可以设置评分标准。"))
        return view(request, *args, **kwargs)

    return checked


def _defaults(kind):
    """The default criteria as (name, weight) pairs, shown for a rubric not yet set up."""
    return [(Criterion(name=name, name_en=name_en).label, Decimal(weight))
            for _code, name, name_en, weight in rubrics.DEFAULT_CRITERIA[kind]]


@rubric_admin
def rubric_list(request):
    batches = list(Batch.objects.order_by("-year"))
    chosen = request.GET.get("batch")
    if chosen is None:
        batch = batches[0] if batches else None
    else:
        batch = next((b for b in batches if b.pk == parse_id(chosen)), None)
        if batch is None:
            raise Http404(_("没有该申报批次。"))
    rows = []
    if batch is not None:
        found = {(r.category_id, r.kind): r for r in
                 Rubric.objects.filter(batch=batch).prefetch_related("criteria")}
        for category in Category.objects.order_by("order", "code"):
            for kind in ReviewKind:
                rubric = found.get((category.pk, kind.value))
                rows.append({
                    "category": category, "kind": kind, "rubric": rubric,
                    "criteria": ([(c.label, c.weight) for c in rubric.criteria.all()]
                                 if rubric else _defaults(kind)),
                    "pass_line": rubric.pass_line if rubric else rubrics.DEFAULT_PASS_LINE,
                    "excellent_line": (rubric.excellent_line if rubric
                                       else rubrics.DEFAULT_EXCELLENT_LINE),
                })
    return render(request, "reviews/rubrics/list.html", {
        "batches": batches, "batch": batch, "rows": rows, "section": SECTION,
    })


def _initial(rubric):
    return ({field: getattr(rubric, field) for field in LINE_FIELDS},
            [{"id": c.pk, "code": c.code, "name": c.name, "name_en": c.name_en,
              "weight": c.weight} for c in rubric.criteria.all()])


@rubric_admin
def rubric_edit(request, batch_id, category, kind):
    """The rubric, created from the defaults when first opened; editable until locked."""
    batch = get_object_or_404(Batch, pk=batch_id)
    category = get_object_or_404(Category, code=category)
    if kind not in ReviewKind.values:
        raise Http404(_("没有该评审类型。"))
    rubric = rubrics.rubric_for(batch, category, kind)
    back = f"{reverse('rubric-list')}?batch={batch.pk}"
    status, refused = 200, []
    initial_lines, initial_rows = _initial(rubric)
    lines = RubricLinesForm(request.POST or None, initial=initial_lines)
    formset = CriterionFormSet(request.POST or None, initial=initial_rows, prefix="criteria")
    if request.method == "POST":
        try:
            if rubrics.rubric_is_locked(rubric):
                raise NotAllowedNow(_("评分标准已锁定：已有专家提交评分表，不能再修改。"))
            if not (lines.is_valid() and formset.is_valid()):
                raise InvalidInput(_("请更正下面标出的内容，评分标准尚未保存。"))
            rubrics.update_rubric(rubric, request.user, criteria=criterion_rows(formset),
                                  **{field: lines.cleaned_data[field] for field in LINE_FIELDS})
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except NotAllowedNow as error:
            status, refused = error.status, [error.message]
            rubric.refresh_from_db()
        except InvalidInput as error:
            status = error.status
            for field, problems in error.fields.items():
                for problem in problems:
                    if field in LINE_FIELDS:
                        lines.add_error(field, problem)
                    else:
                        refused.append(problem)
        else:
            messages.success(request, _("已保存评分标准「%(name)s」。") % {"name": rubric})
            return redirect(back)
    criteria = list(rubric.criteria.all())
    return render(request, "reviews/rubrics/edit.html", {
        "rubric": rubric, "locked": rubrics.rubric_is_locked(rubric), "criteria": criteria,
        "total": sum(c.weight for c in criteria), "lines": lines, "formset": formset,
        "refused": refused, "invalid": status == 400, "back": back, "section": SECTION,
    }, status=status)

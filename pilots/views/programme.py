"""Programme settings (项目管理设置) for the city Ecology and Environment Bureau: batches,
category settings, the key industrial park list and eligibility conditions."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import programme
from ..forms.programme import (
    BatchCreateForm,
    BatchForm,
    CategoryForm,
    ConditionCreateForm,
    ConditionForm,
    KeyParkForm,
)
from ..models import Batch, Category, EligibilityCondition, KeyPark
from ..models.reference import localized
from ..rules import may_manage_programme


def programme_admin(view):
    """Logged in, and the rule says this user keeps the programme settings; else 403."""

    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not may_manage_programme(request.user):
            raise PermissionDenied(_("只有市生态环境局可以修改申报批次与类别设置。"))
        return view(request, *args, **kwargs)

    return checked


def _form_page(request, form, *, title, back, section, subject=None):
    """The one page every settings form shares; a refused post answers 400."""
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "pilots/programme/form.html", {
        "form": form, "title": title, "back": back, "section": section, "subject": subject,
    }, status=status)


def _fields(form, names):
    return {name: form.cleaned_data[name] for name in names}


# --- Batches ---------------------------------------------------------------------------

@programme_admin
def batches(request):
    rows = Batch.objects.annotate(project_count=Count("projects")).order_by("-year")
    return render(request, "pilots/programme/batches.html",
                  {"batches": rows, "section": "batches"})


@programme_admin
def batch_create(request):
    form = BatchCreateForm(request.POST or None, initial=programme.next_batch_defaults())
    if request.method == "POST" and form.is_valid():
        batch = programme.create_batch(year=form.cleaned_data["year"],
                                       **_fields(form, programme.BATCH_FIELDS))
        messages.success(request, _("已新建申报批次「%(name)s」。") % {"name": batch.name})
        return redirect("programme-batches")
    return _form_page(request, form, title=_("新建申报批次"), back="programme-batches",
                      section="batches")


@programme_admin
def batch_edit(request, pk):
    batch = get_object_or_404(Batch, pk=pk)
    initial = {field: getattr(batch, field) for field in programme.BATCH_FIELDS}
    form = BatchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        programme.update_batch(batch, **_fields(form, programme.BATCH_FIELDS))
        messages.success(request, _("已保存申报批次「%(name)s」。") % {"name": batch.name})
        return redirect("programme-batches")
    return _form_page(request, form, title=_("修改申报批次"), back="programme-batches",
                      section="batches", subject=batch)


# --- Categories ------------------------------------------------------------------------

@programme_admin
def categories(request):
    rows = Category.objects.annotate(
        active_conditions=Count("eligibility_conditions",
                                filter=Q(eligibility_conditions__is_active=True)),
    ).order_by("order", "code")
    return render(request, "pilots/programme/categories.html", {
        "rows": [(category, localized(category, "title")) for category in rows],
        "section": "categories",
    })


@programme_admin
def category_edit(request, pk):
    category = get_object_or_404(Category, pk=pk)
    initial = {field: getattr(category, field) for field in programme.CATEGORY_FIELDS}
    form = CategoryForm(category, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        programme.update_category(category, **_fields(form, programme.CATEGORY_FIELDS))
        messages.success(request, _("已保存试点类别「%(name)s」的设置。") % {"name": category.label})
        return redirect("programme-categories")
    return _form_page(request, form, title=_("修改试点类别设置"), back="programme-categories",
                      section="categories", subject=category)


# --- Key industrial parks ------------------------------------------------------------------

@programme_admin
def key_parks(request):
    parks = KeyPark.objects.select_related("county").order_by("-is_listed", "order", "name")
    return render(request, "pilots/programme/key_parks.html",
                  {"parks": parks, "section": "parks"})


@programme_admin
def key_park_create(request):
    form = KeyParkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        park = programme.add_key_park(**_fields(form, programme.KEY_PARK_FIELDS))
        messages.success(request, _("已将「%(name)s」列入重点产业园区名录。") % {"name": park.label})
        return redirect("programme-parks")
    return _form_page(request, form, title=_("添加重点产业园区"), back="programme-parks",
                      section="parks")


@programme_admin
def key_park_edit(request, pk):
    park = get_object_or_404(KeyPark, pk=pk)
    initial = {field: getattr(park, field) for field in programme.KEY_PARK_FIELDS}
    form = KeyParkForm(request.POST or None, initial=initial, park=park)
    if request.method == "POST" and form.is_valid():
        programme.update_key_park(park, **_fields(form, programme.KEY_PARK_FIELDS))
        messages.success(request, _("已保存重点产业园区「%(name)s」。") % {"name": park.label})
        return redirect("programme-parks")
    return _form_page(request, form, title=_("修改重点产业园区"), back="programme-parks",
                      section="parks", subject=park)


@programme_admin
@require_POST
def key_park_listing(request, pk):
    """Take a park off the list (``listed=0``) or put it back on (``listed=1``)."""
    park = get_object_or_404(KeyPark, pk=pk)
    listed = request.POST.get("listed")
    if listed not in {"0", "1"}:
        messages.error(request, _("请求无效，名录未改变。"))
        return redirect("programme-parks")
    programme.set_key_park_listed(park, listed == "1")
    if listed == "1":
        messages.success(request, _("已将「%(name)s」重新列入名录。") % {"name": park.label})
    else:
        messages.success(request, _("已将「%(name)s」移出名录，该园区不再能申报。") % {"name": park.label})
    return redirect("programme-parks")


# --- Eligibility conditions --------------------------------------------------------------

@programme_admin
def conditions(request):
    rows = EligibilityCondition.objects.select_related("category").order_by(
        "category__order", "order", "pk")
    return render(request, "pilots/programme/conditions.html",
                  {"conditions": rows, "section": "conditions"})


@programme_admin
def condition_create(request):
    initial = {"required": True}
    chosen = Category.objects.filter(code=request.GET.get("category", "")).first()
    if chosen is not None:
        initial["category"] = chosen
    form = ConditionCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        condition = programme.add_condition(form.cleaned_data["category"],
                                            **_fields(form, programme.CONDITION_FIELDS))
        messages.success(request, _("已为「%(category)s」添加遴选条件。")
                         % {"category": condition.category.label})
        return redirect("programme-conditions")
    return _form_page(request, form, title=_("添加遴选条件"), back="programme-conditions",
                      section="conditions")


@programme_admin
def condition_edit(request, pk):
    condition = get_object_or_404(EligibilityCondition.objects.select_related("category"), pk=pk)
    initial = {field: getattr(condition, field) for field in programme.CONDITION_FIELDS}
    form = ConditionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        programme.update_condition(condition, **_fields(form, programme.CONDITION_FIELDS))
        messages.success(request, _("已保存遴选条件。"))
        return redirect("programme-conditions")
    return _form_page(request, form, title=_("修改遴选条件"), back="programme-conditions",
                      section="conditions", subject=condition.category)


@programme_admin
@require_POST
def condition_activation(request, pk):
    """Deactivate a condition (``active=0``) or use it again (``active=1``)."""
    condition = get_object_or_404(EligibilityCondition, pk=pk)
    active = request.POST.get("active")
    if active not in {"0", "1"}:
        messages.error(request, _("请求无效，遴选条件未改变。"))
        return redirect("programme-conditions")
    programme.set_condition_active(condition, active == "1")
    if active == "1":
        messages.success(request, _("已重新启用该遴选条件。"))
    else:
        messages.success(request, _("已停用该遴选条件，新的申报不再需要确认。"))
    return redirect("programme-conditions")

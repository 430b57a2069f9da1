"""The expert pool pages (专家库), for the city Ecology and Environment Bureau: the list,
a new profile, a profile with its declared relations, deactivation."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pilots.errors import InvalidInput

from . import pool
from .choices import ExpertiseField
from .forms_pool import ProfileCreateForm, ProfileForm, RelationForm
from .models import ExpertProfile

ACTIVE_FILTERS = {"": None, "1": True, "0": False}


def pool_admin(view):
    """Logged in, and the rule says this user keeps the pool; else 403."""

    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not pool.may_manage_pool(request.user):
            raise PermissionDenied(_("只有市生态环境局可以维护专家库。"))
        return view(request, *args, **kwargs)

    return checked


def _service_errors(form, error: InvalidInput):
    """A refusal of the service shown on the form, by field where it names one."""
    if not error.fields:
        form.add_error(None, error.message)
    for name, texts in error.fields.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


@pool_admin
def pool_list(request):
    field = request.GET.get("field", "")
    active = request.GET.get("active", "")
    problem = None
    if field and field not in ExpertiseField.values:
        problem, field = _("专业领域无效，已显示全部专家。"), ""
    if active not in ACTIVE_FILTERS:
        problem, active = _("状态筛选无效，已显示全部专家。"), ""
    rows = pool.pool_rows(field=field or None, active=ACTIVE_FILTERS[active])
    return render(request, "reviews/pool/list.html", {
        "rows": rows, "section": "pool", "problem": problem,
        "fields": ExpertiseField.choices, "field": field, "active": active,
        "missing": pool.experts_without_profile().exists(),
    }, status=400 if problem else 200)


def _posted(request):
    """The posted data, even when empty (an empty post is a refused one, not a GET)."""
    return request.POST if request.method == "POST" else None


def _form_page(request, template, context):
    form = context["form"]
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"section": "pool", **context}, status=status)


@pool_admin
def pool_create(request):
    form = ProfileCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile = pool.create_profile(request.user, data["user"], employer=data["employer"],
                                          county=data["county"], fields=data["fields"])
        except InvalidInput as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("已将%(name)s加入专家库。") % {"name": profile})
            return redirect("expert-pool-edit", pk=profile.pk)
    return _form_page(request, "reviews/pool/create.html", {"form": form})


def _profile(pk):
    return get_object_or_404(
        ExpertProfile.objects.select_related("user", "employer", "county"), pk=pk)


def _edit_page(request, profile, form, relation_form):
    relations = profile.relations.select_related("organisation")
    status = 400 if any(f.is_bound and f.errors for f in (form, relation_form)) else 200
    return render(request, "reviews/pool/edit.html", {
        "section": "pool", "profile": profile, "form": form, "relation_form": relation_form,
        "relations": relations,
    }, status=status)


@pool_admin
def pool_edit(request, pk):
    profile = _profile(pk)
    initial = {"employer": profile.employer, "county": profile.county, "fields": profile.fields}
    form = ProfileForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pool.update_profile(request.user, profile, employer=data["employer"],
                                county=data["county"], fields=data["fields"])
        except InvalidInput as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("已保存%(name)s的专家档案。") % {"name": profile})
            return redirect("expert-pool-edit", pk=profile.pk)
        profile = _profile(pk)  # what is saved, beside the refused form
    return _edit_page(request, profile, form, RelationForm())


@pool_admin
@require_POST
def pool_active(request, pk):
    """Deactivate (``active=0``) or reactivate (``active=1``) a member of the pool."""
    profile = _profile(pk)
    value = request.POST.get("active")
    if value not in {"0", "1"}:
        messages.error(request, _("无法处理该操作，请重试。"))
        return redirect("expert-pool")
    pool.set_active(request.user, profile, value == "1")
    if value == "1":
        messages.success(request, _("已恢复%(name)s在专家库中的状态。") % {"name": profile})
    else:
        messages.success(request, _("已停用%(name)s：不再推荐和指派。") % {"name": profile})
    return redirect("expert-pool")


@pool_admin
@require_POST
def relation_add(request, pk):
    profile = _profile(pk)
    relation_form = RelationForm(request.POST)
    if relation_form.is_valid():
        data = relation_form.cleaned_data
        try:
            relation = pool.add_relation(request.user, profile, **data)
        except InvalidInput as error:
            _service_errors(relation_form, error)
        else:
            messages.success(request, _("已记录与「%(org)s」的关系。")
                             % {"org": relation.organisation.name})
            return redirect("expert-pool-edit", pk=profile.pk)
    initial = {"employer": profile.employer, "county": profile.county, "fields": profile.fields}
    return _edit_page(request, profile, ProfileForm(initial=initial), relation_form)


@pool_admin
@require_POST
def relation_remove(request, pk, relation_pk):
    profile = _profile(pk)
    relation = get_object_or_404(profile.relations.select_related("organisation"),
                                 pk=relation_pk)
    pool.remove_relation(request.user, relation)
    messages.success(request, _("已删除与「%(org)s」的关系。") % {"org": relation.organisation.name})
    return redirect("expert-pool-edit", pk=profile.pk)

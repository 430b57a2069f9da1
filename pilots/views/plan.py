"""Pages for the creation plan (创建方案): start a project, draft and submit it, compare versions."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import lifecycle, services
from .. import plan as plan_rules
from ..choices import State
from ..forms import PlanForm, ProjectCreateForm
from ..models import Batch
from ..models.projects import TRANSITION
from ..net import client_ip
from ..plan_display import compare_rows
from .common import refuse, refuse_unless_plan_readable, visible_project


@login_required
def project_create(request):
    if not services.may_create_project(request.user):
        refuse(services.NotPermitted(_("只有申报单位可以创建试点项目。")))
    batch = batch_for_new_projects()
    form = ProjectCreateForm(request.POST or None)
    if request.method == "POST" and batch is not None and form.is_valid():
        try:
            project = services.create_project(actor=request.user, batch=batch,
                                              category=form.cleaned_data["category"],
                                              name=form.cleaned_data["name"])
        except services.NotPermitted as error:
            refuse(error)
        except services.ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("项目已创建，请编写创建方案。"))
            return redirect("plan-edit", pk=project.pk)
    return render(request, "pilots/project_create.html", {"form": form, "batch": batch})


def batch_for_new_projects():
    """The call a new project joins: the one whose window includes today, else the latest
    that has opened, else the latest. Next year's call, created while this year's runs,
    takes over only once its window opens."""
    today = timezone.localdate()
    batches = Batch.objects.order_by("-year")
    return (batches.filter(opens_on__lte=today, closes_on__gte=today).first()
            or batches.filter(opens_on__lte=today).first()
            or batches.first())


@login_required
def plan_edit(request, pk):
    """Draft the plan: save, add or remove a task item (each saves the draft first), submit."""
    project = visible_project(request, pk)
    if not services.may_edit_plan(project, request.user):
        refuse(services.NotPermitted(_("当前不能修改该项目的创建方案。")))
    if request.method != "POST":
        return _editor(request, project, PlanForm(project))

    form = PlanForm(project, data=request.POST)
    if not form.is_valid():
        return _editor(request, project, form)
    plan = form.to_plan()
    action = request.POST.get("action")
    removed = request.POST.get("remove_task")
    adding = action == "add_task" and not removed
    full = adding and len(plan_rules.tasks_of(plan)) >= plan_rules.MAX_TASKS
    added = plan_rules.add_task(plan) if adding and not full else None
    if removed and not plan_rules.remove_task(plan, removed):
        removed = None  # no such item: the draft is saved all the same
    try:
        project = services.save_plan(project, request.user, plan)
    except services.NotPermitted as error:
        refuse(error)
    editor = reverse("plan-edit", args=[project.pk])
    if full:
        messages.error(request, _("重点任务最多%(n)s项，不能再添加；草稿已保存。")
                       % {"n": plan_rules.MAX_TASKS})
        return redirect(f"{editor}#tasks")
    if added:
        messages.success(request, _("已添加一项任务，草稿已保存。"))
        return redirect(f"{editor}#task-{added}")
    if removed:
        messages.success(request, _("已删除%(task)s，草稿已保存。")
                         % {"task": plan_rules.task_name(removed)})
        return redirect(f"{editor}#tasks")
    if action != "submit":
        messages.success(request, _("草稿已保存。"))
        return redirect(editor)

    problems = project.plan_problems()
    if problems:
        form.add_problems(problems)
        return _editor(request, project, form, problems=problems)
    name = lifecycle.plan_submission(project.state)
    try:
        if name is None:
            raise services.NotAllowedNow(_("项目当前状态为「%(state)s」，不能提交。")
                                         % {"state": project.get_state_display()})
        project = services.fire(project, name, request.user, ip_address=client_ip(request))
    except services.ServiceError as error:
        messages.error(request, error.message)
        return _editor(request, project, form)
    number = project.versions.order_by("-number").values_list("number", flat=True).first()
    messages.success(request, _("已提交，方案已保存为第%(n)s版。") % {"n": number})
    return redirect("project-detail", pk=project.pk)


def _editor(request, project, form, *, problems=()):
    latest_opinion = None
    if project.state in (State.RETURNED, State.REVISION):
        latest_opinion = (project.audit_entries.filter(kind=TRANSITION, target=project.state)
                          .exclude(reason="")
                          .select_related("actor").order_by("-created_at", "-pk").first())
    return render(request, "pilots/plan_edit.html", {
        "project": project,
        "form": form,
        "problems": [
            {"message": p.message, "field": p.field, "anchor": form.anchor_for(p.field)}
            for p in problems
        ],
        "submit_label": lifecycle.label(lifecycle.plan_submission(project.state) or "submit"),
        "latest_opinion": latest_opinion,
    })


@login_required
def version_compare(request, pk):
    project = visible_project(request, pk)
    refuse_unless_plan_readable(project, request.user)
    versions = list(project.versions.select_related("created_by").order_by("number"))
    by_number = {v.number: v for v in versions}
    # By default the last two versions (or the only one against itself).
    default_a = versions[-2].number if len(versions) >= 2 else None
    default_b = versions[-1].number if versions else None
    left = _chosen(by_number, request.GET.get("a"), default_a or default_b)
    right = _chosen(by_number, request.GET.get("b"), default_b)

    rows = []
    if left is not None and right is not None:
        # Read once for both sides.
        prefetch_related_objects([project.category], "indicators", "eligibility_conditions")
        rows = compare_rows(left.content, right.content, project.category)
    only_changed = request.GET.get("changed") == "1"
    return render(request, "pilots/version_compare.html", {
        "project": project,
        "versions": versions,
        "left": left,
        "right": right,
        "rows": [row for row in rows if row["changed"]] if only_changed else rows,
        "only_changed": only_changed,
        "changed_count": sum(1 for row in rows if row["changed"]),
    })


def _chosen(by_number, raw, default):
    if raw in (None, ""):
        return by_number.get(default)
    try:
        return by_number[int(raw)]
    except (KeyError, ValueError):
        raise Http404(_("没有这个方案版本。")) from None

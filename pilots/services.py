"""Every change to a project: one function each, in a transaction, with the row locked."""
import copy

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from . import lifecycle
from .audit import record
from .choices import Role, State
from .conditions import unmet
from .models import CodeCounter, PlanVersion, Project
from .rules import is_applicant


class ServiceError(Exception):
    """A refused request; ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class NotPermitted(ServiceError):
    status = 403


class NotAllowedNow(ServiceError):
    status = 409


class InvalidInput(ServiceError):
    status = 400


def _locked(project_id) -> Project:
    return Project.objects.select_for_update().get(pk=project_id)


def fire(project, name, actor, *, reason="", ip_address=None) -> Project:
    """Fire transition ``name`` on ``project`` as ``actor``.

    The row is locked first, so of two officers acting at once the second sees the state
    the first left and is told so; on any refusal nothing is written.
    """
    if name not in lifecycle.TRANSITION_NAMES:
        raise InvalidInput(_("未知的操作：%(name)s") % {"name": name})
    reason = (reason or "").strip()
    with transaction.atomic():
        project = _locked(project.pk)
        if not lifecycle.may_fire(project, actor, name):
            raise NotPermitted(_("您无权对该项目执行「%(action)s」。") % {"action": lifecycle.label(name)})
        if project.state not in lifecycle.sources(name):
            raise NotAllowedNow(
                _("项目当前状态为「%(state)s」，不能执行「%(action)s」。可能已有其他人处理了该项目，请刷新页面。")
                % {"state": project.get_state_display(), "action": lifecycle.label(name)}
            )
        if lifecycle.reason_required(name) and not reason:
            raise InvalidInput(_("执行「%(action)s」必须填写理由或意见。") % {"action": lifecycle.label(name)})
        failures = unmet(lifecycle.TRANSITIONS[name][project.state], project)
        if failures:
            raise NotAllowedNow("；".join(failures))
        source = project.state
        getattr(project, name)()
        project.save()
        _AFTER.get(name, _nothing)(project, actor)
        record(project, transition=name, source=source, target=project.state, actor=actor,
               reason=reason, ip_address=ip_address)
    return project


def _nothing(project, actor):
    pass


def _assign_code(project, actor):
    if project.code:
        return
    counter, _created = CodeCounter.objects.select_for_update().get_or_create(
        batch_id=project.batch_id, category_id=project.category_id
    )
    CodeCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db()
    code = f"HC-{project.batch.year}-{project.category.code.upper()}-{counter.last:03d}"
    Project.objects.filter(pk=project.pk).update(code=code)
    project.code = code


def _freeze_plan(project, actor):
    last = project.versions.order_by("-number").values_list("number", flat=True).first() or 0
    PlanVersion.objects.create(project=project, number=last + 1,
                               content=copy.deepcopy(project.plan), created_by=actor)


def _after_submit(project, actor):
    _assign_code(project, actor)
    _freeze_plan(project, actor)


_AFTER = {
    "submit": _after_submit,
    "submit_revision": _freeze_plan,
}


# --- Drafting ---------------------------------------------------------------

EDITABLE_STATES = {State.DRAFT, State.RETURNED, State.REVISION}


def may_edit_plan(project, user) -> bool:
    """The applicant or an invited consultant may edit while the plan is with them."""
    if project.state not in EDITABLE_STATES:
        return False
    return is_applicant(project, user) or (
        user.has_role(Role.CONSULTANT) and user.has_perm("pilots.change_project", project)
    )


@transaction.atomic
def create_project(*, actor, batch, category, name) -> Project:
    if not actor.has_role(Role.APPLICANT) or not actor.organisation_id:
        raise NotPermitted(_("只有申报单位可以创建试点项目。"))
    if not category.is_open:
        raise InvalidInput(_("该试点类别暂未开放申报。"))
    organisation = actor.organisation
    return Project.objects.create(batch=batch, category=category, county=organisation.county,
                                  applicant=organisation, name=name.strip(), created_by=actor)


def save_plan(project, actor, plan: dict) -> Project:
    """Save the working draft of the creation plan (no completeness check: drafts may be partial)."""
    with transaction.atomic():
        project = _locked(project.pk)
        if not may_edit_plan(project, actor):
            raise NotPermitted(_("当前不能修改该项目的创建方案。"))
        project.plan = plan
        project.save(update_fields=["plan", "updated_at"])
    return project


# --- Consultancy ------------------------------------------------------------

CONSULTANT_PERMS = ("pilots.view_project", "pilots.change_project")


@transaction.atomic
def invite_consultant(project, actor, consultant, *, may_submit=False):
    if not is_applicant(project, actor):
        raise NotPermitted(_("只有申报单位可以邀请专业机构。"))
    if not consultant.has_role(Role.CONSULTANT):
        raise InvalidInput(_("被邀请的用户不是专业机构用户。"))
    for perm in CONSULTANT_PERMS:
        assign_perm(perm, consultant, project)
    if may_submit:
        assign_perm("pilots.submit_project", consultant, project)


@transaction.atomic
def revoke_consultant(project, actor, consultant):
    if not is_applicant(project, actor):
        raise NotPermitted(_("只有申报单位可以撤销邀请。"))
    for perm in (*CONSULTANT_PERMS, "pilots.submit_project"):
        remove_perm(perm, consultant, project)

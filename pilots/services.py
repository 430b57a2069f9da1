"""Every change to a project: one function each, in a transaction, with the row locked."""
import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from . import lifecycle
from .audit import record
from .choices import Role, State
from .conditions import unmet
from .models import Attachment, CodeCounter, PlanVersion, Project
from .notify import notify_transition
from .rules import is_applicant
from .uploads import check_upload


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
        if name in _AFTER:
            _AFTER[name](project, actor)
        record(project, transition=name, source=source, target=project.state, actor=actor,
               reason=reason, ip_address=ip_address)
        notify_transition(project, name, actor, reason)
    return project


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
    """Freeze the plan, with the list of its attachments, as the next numbered version."""
    last = project.versions.order_by("-number").values_list("number", flat=True).first() or 0
    content = copy.deepcopy(project.plan)
    content["attachments"] = [
        {"id": a.pk, "name": a.name, "size": a.size}
        for a in project.attachments.order_by("pk")
    ]
    PlanVersion.objects.create(project=project, number=last + 1, content=content,
                               created_by=actor)


def is_frozen(attachment) -> bool:
    """Whether a submitted plan version lists this attachment (then it stays for the record)."""
    return any(
        item.get("id") == attachment.pk
        for content in attachment.project.versions.values_list("content", flat=True)
        for item in content.get("attachments", [])
    )


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


def may_create_project(user) -> bool:
    """A member of an applicant organisation may start a project."""
    return user.has_role(Role.APPLICANT) and bool(user.organisation_id)


@transaction.atomic
def create_project(*, actor, batch, category, name) -> Project:
    if not may_create_project(actor):
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


# --- Attachments ------------------------------------------------------------

def may_attach(project, user) -> bool:
    return may_edit_plan(project, user)


def add_attachment(project, actor, uploaded, *, description=""):
    """Store an attachment after checking its content and size; nothing is stored on refusal."""
    if not may_attach(project, actor):
        raise NotPermitted(_("当前不能为该项目上传附件。"))
    try:
        content_type = check_upload(uploaded)
    except ValidationError as error:
        raise InvalidInput(error.messages[0]) from error
    name = (uploaded.name or "").rsplit("/", 1)[-1][:200]
    with transaction.atomic():
        attachment = Attachment(project=project, name=name, content_type=content_type,
                                size=uploaded.size, description=description.strip()[:200],
                                uploaded_by=actor)
        attachment.file.save(name, uploaded, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def remove_attachment(attachment, actor):
    if not may_attach(attachment.project, actor):
        raise NotPermitted(_("当前不能删除该项目的附件。"))
    if is_frozen(attachment):
        raise NotAllowedNow(_("该附件属于已提交的方案版本，不能删除。"))
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.delete(save=False))

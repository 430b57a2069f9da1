"""Every change to a project: one function each, in a transaction, with the row locked."""
import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from . import events, lifecycle, registry
from .audit import record, record_event
from .choices import Role, State
from .conditions import unmet
from .errors import InvalidInput, NotAllowedNow, NotPermitted, ServiceError
from .grants import grantee_ids, has_grant
from .models import Attachment, AttachmentPurpose, CodeCounter, PlanVersion, Project
from .notify import in_site_language, notify, notify_transition
from .rules import is_applicant
from .uploads import check_upload

__all__ = ["InvalidInput", "NotAllowedNow", "NotPermitted", "ServiceError", "fire",
           "record_event"]

# A reason or opinion is read by people; the trail keeps it forever.
REASON_MAX_LENGTH = 2000


def _locked(project_id) -> Project:
    return Project.objects.select_for_update().get(pk=project_id)


def check_reason(name, reason) -> str:
    """The reason as it will be recorded, or InvalidInput naming the ``reason`` field."""
    reason = (reason or "").strip()
    if lifecycle.reason_required(name) and not reason:
        message = _("执行「%(action)s」必须填写理由或意见。") % {"action": lifecycle.label(name)}
        raise InvalidInput(message, fields={"reason": [message]})
    if len(reason) > REASON_MAX_LENGTH:
        message = _("理由或意见最多%(max)s字，当前%(n)s字。") % {
            "max": REASON_MAX_LENGTH, "n": len(reason)}
        raise InvalidInput(message, fields={"reason": [message]})
    return reason


def fire(project, name, actor, *, reason="", data=None, ip_address=None) -> Project:
    """Fire transition ``name`` on ``project`` as ``actor``, with ``data`` if it takes any.

    The row is locked first, so of two officers acting at once the second sees the state
    the first left and is told so. Then, in order: role (403), state (409), reason and
    data (400), conditions (409); the transition, the effects the apps registered, the
    audit entry with the cleaned data and the notifications follow in the same
    transaction: on any refusal or failure nothing is written.
    """
    if name not in lifecycle.TRANSITION_NAMES:
        raise InvalidInput(_("未知的操作：%(name)s") % {"name": name})
    with transaction.atomic():
        project = _locked(project.pk)
        if not lifecycle.may_fire(project, actor, name):
            raise NotPermitted(_("您无权对该项目执行「%(action)s」。") % {"action": lifecycle.label(name)})
        if project.state not in lifecycle.sources(name):
            raise NotAllowedNow(
                _("项目当前状态为「%(state)s」，不能执行「%(action)s」。可能已有其他人处理了该项目，请刷新页面。")
                % {"state": project.get_state_display(), "action": lifecycle.label(name)}
            )
        reason = check_reason(name, reason)
        cleaned = registry.clean_input(name, project, data, actor)
        failures = unmet(lifecycle.TRANSITIONS[name][project.state], project)
        if failures:
            raise NotAllowedNow("；".join(failures))
        source = project.state
        getattr(project, name)()
        project.state_entered_at = timezone.now()
        project.save()
        registry.run_effects(name, project, actor, cleaned)
        record(project, transition=name, source=source, target=project.state, actor=actor,
               reason=reason, data=cleaned, ip_address=ip_address)
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


@registry.register_effect("submit")
def _after_submit(project, actor, data):
    _assign_code(project, actor)
    _freeze_plan(project, actor)


@registry.register_effect("submit_revision")
def _after_submit_revision(project, actor, data):
    _freeze_plan(project, actor)


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


def consultants_known():
    """The consultancy users an applicant may pick from (active, of a consultancy)."""
    from .models import User

    return (User.objects.filter(is_active=True, role_grants__role=Role.CONSULTANT,
                                organisation__isnull=False)
            .select_related("organisation").distinct().order_by("organisation__name", "pk"))


def invited_consultants(project):
    """The consultants invited onto ``project`` (deactivated accounts included: their
    invitation can still be taken back)."""
    from .models import User

    return (User.objects.filter(pk__in=grantee_ids(project, "change_project"),
                                role_grants__role=Role.CONSULTANT)
            .select_related("organisation").distinct().order_by("pk"))


def _consultant_facts(consultant, may_submit=False):
    return {"user_id": consultant.pk, "name": consultant.signature, "may_submit": may_submit}


@transaction.atomic
def invite_consultant(project, actor, consultant, *, may_submit=False, ip_address=None):
    if not is_applicant(project, actor):
        raise NotPermitted(_("只有申报单位可以邀请专业机构。"))
    if not consultant.is_active or not consultant.has_role(Role.CONSULTANT):
        raise InvalidInput(_("被邀请的用户不是专业机构用户。"))
    project = _locked(project.pk)
    for perm in CONSULTANT_PERMS:
        assign_perm(perm, consultant, project)
    if may_submit:
        assign_perm("pilots.submit_project", consultant, project)
    else:
        remove_perm("pilots.submit_project", consultant, project)
    record_event(project, events.CONSULTANT_INVITED, actor,
                 _consultant_facts(consultant, may_submit), ip_address=ip_address)
    with in_site_language():
        notify([consultant], project=project,
               title=_("「%(project)s」邀请您协助编制创建方案") % {"project": project.name},
               body="\n".join([
                   _("邀请单位：%(org)s") % {"org": project.applicant.name},
                   _("可代为提交：%(yes)s") % {"yes": _("是") if may_submit else _("否")},
                   _("查看：%(url)s") % {"url": reverse("project-detail", args=[project.pk])},
               ]))


@transaction.atomic
def revoke_consultant(project, actor, consultant, *, ip_address=None):
    if not is_applicant(project, actor):
        raise NotPermitted(_("只有申报单位可以撤销邀请。"))
    project = _locked(project.pk)
    # Asked of the grants themselves: has_perm() is False for a deactivated account, whose
    # grants must still be taken back (they would return with the account).
    if not has_grant(consultant, project, "change_project"):
        raise InvalidInput(_("该用户未受邀协助本项目。"))
    for perm in (*CONSULTANT_PERMS, "pilots.submit_project"):
        remove_perm(perm, consultant, project)
    record_event(project, events.CONSULTANT_REMOVED, actor, _consultant_facts(consultant),
                 ip_address=ip_address)


# --- Attachments ------------------------------------------------------------

def may_attach(project, user) -> bool:
    return may_edit_plan(project, user)


def _attachment_facts(attachment):
    return {"attachment_id": attachment.pk, "name": attachment.name, "size": attachment.size,
            "purpose": attachment.purpose}


def store_attachment(project, actor, uploaded, *, purpose=AttachmentPurpose.PLAN, owner=None,
                     description="", ip_address=None, allowed=None) -> Attachment:
    """Check ``uploaded`` by content and size and store it privately for ``purpose``
    (owned by the record ``owner`` of another app, if given), with the project row locked;
    ``allowed(project)`` is asked again under the lock (the caller's rule of who may).
    Nothing is stored on refusal."""
    try:
        content_type = check_upload(uploaded)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], fields={"file": error.messages}) from error
    description = (description or "").strip()
    if len(description) > 200:
        raise InvalidInput(_("说明最多200字。"), fields={"description": [_("说明最多200字。")]})
    name = (uploaded.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    with transaction.atomic():
        project = _locked(project.pk)
        if allowed is not None and not allowed(project):
            raise NotPermitted(_("当前不能为该项目上传附件。"))
        attachment = Attachment(project=project, name=name, content_type=content_type,
                                size=uploaded.size, description=description,
                                uploaded_by=actor, purpose=purpose, owner=owner)
        attachment.file.save(name, uploaded, save=False)
        try:
            attachment.save()
            record_event(project, events.ATTACHMENT_ADDED, actor, _attachment_facts(attachment),
                         ip_address=ip_address)
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def add_attachment(project, actor, uploaded, *, description="", ip_address=None):
    """An attachment of the creation plan, while the plan is with its builder."""
    if not may_attach(project, actor):
        raise NotPermitted(_("当前不能为该项目上传附件。"))
    return store_attachment(project, actor, uploaded, purpose=AttachmentPurpose.PLAN,
                            description=description, ip_address=ip_address,
                            allowed=lambda locked: may_attach(locked, actor))


def remove_attachment(attachment, actor, *, ip_address=None):
    """Remove a plan attachment while the plan is with its builder, unless a submitted
    version lists it. Decided with the project row locked, so a submission in progress
    (which freezes the list) is waited for."""
    with transaction.atomic():
        project = _locked(attachment.project_id)
        if not may_attach(project, actor) or attachment.purpose != AttachmentPurpose.PLAN:
            raise NotPermitted(_("当前不能删除该项目的附件。"))
        if is_frozen(attachment):
            raise NotAllowedNow(_("该附件属于已提交的方案版本，不能删除。"))
        record_event(project, events.ATTACHMENT_REMOVED, actor,
                     _attachment_facts(attachment), ip_address=ip_address)
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.delete(save=False))


def record_download(attachment, actor, *, ip_address=None):
    """Every download of an attachment is on the project's trail."""
    record_event(attachment.project, events.ATTACHMENT_DOWNLOADED, actor,
                 _attachment_facts(attachment), ip_address=ip_address)

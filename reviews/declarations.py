"""The expert's declaration on its assignment: no conflict of interest (then it may read the
plan), or a conflict (then it is taken off the panel and a replacement is proposed)."""
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import remove_perm

from pilots.audit import record_event
from pilots.choices import Role
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import Project, User
from pilots.notify import in_site_language, notify

from .choices import ConflictType, ReviewKind
from .models import ExpertAssignment, ScoreSheet
from .proposal import OPEN_STATES, propose, screen
from .sheets import REVIEW_STATE, kind_under_review

NO_CONFLICT_DECLARED = "no_conflict_declared"
CONFLICT_DECLARED = "conflict_declared"
STATEMENT_MAX_LENGTH = 1000


# The states in which a member of a panel of each kind declares: a selection panel from
# when it is formed with the city; an acceptance panel while the project is reviewed.
DECLARING_STATES = {ReviewKind.SELECTION: OPEN_STATES,
                    ReviewKind.ACCEPTANCE: (REVIEW_STATE[ReviewKind.ACCEPTANCE],)}


def _current(project, user):
    """``user``'s assignments on the open panels of the kind ``project``'s state concerns."""
    return ExpertAssignment.objects.filter(
        project=project, expert_id=getattr(user, "pk", None),
        panel__kind=kind_under_review(project), panel__closed_at__isnull=True)


def undeclared(project, user) -> bool:
    """Whether ``user`` sits on the panel ``project`` is now reviewed by (selection, or
    acceptance while in acceptance review) and has not declared yet. A declaration on the
    selection panel does not carry over to the acceptance panel: its members declare again."""
    return _current(project, user).filter(declared_at__isnull=True).exists()


def assignment_to_declare(project, user):
    """The assignment ``user`` declares on for ``project`` now (its undeclared one first),
    or None when it sits on no open panel of the kind the project is reviewed by."""
    return (_current(project, user).select_related("panel")
            .order_by("-declared_at", "-assigned_at", "-pk").first())


def clean_declaration(conflict, type, statement) -> tuple[bool, str, str]:
    """``(conflict, type, statement)`` checked, or InvalidInput naming each bad field."""
    if not isinstance(conflict, bool):
        message = _("请选择是否存在利益冲突。")
        raise InvalidInput(message, fields={"conflict": [message]})
    if not conflict:
        return False, "", ""
    errors = {}
    type = type if isinstance(type, str) else ""
    statement = statement.strip() if isinstance(statement, str) else ""
    if type not in ConflictType.values:
        errors["type"] = [_("请选择利益冲突类型。")]
    if not statement:
        errors["statement"] = [_("请说明利益冲突的情况。")]
    elif len(statement) > STATEMENT_MAX_LENGTH:
        errors["statement"] = [_("说明不能超过%(n)s个字。") % {"n": STATEMENT_MAX_LENGTH}]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    return True, type, statement


@transaction.atomic
def declare(assignment, actor, *, conflict, type="", statement="", ip_address=None):
    """The expert ``actor`` declares on its own ``assignment``, once. No conflict: it may read
    the plan from now on. A conflict: it is taken off the panel (its grant revoked), the
    trail keeps the type and statement, and the ecology admin and who assigned it are told,
    with the pool's proposed replacement. Returns the assignment (deleted if a conflict)."""
    if assignment.expert_id != getattr(actor, "pk", None):
        raise NotPermitted(_("只有被指派的专家本人可以声明利益冲突。"))
    conflict, type, statement = clean_declaration(conflict, type, statement)
    project = Project.objects.select_for_update().get(pk=assignment.project_id)
    current = ExpertAssignment.objects.select_related("panel").filter(pk=assignment.pk).first()
    if current is None:
        raise NotAllowedNow(_("您已不在本项目的专家组中。"))
    if current.declared:
        raise NotAllowedNow(_("您已声明过，不能重复声明。"))
    if project.state not in DECLARING_STATES[current.panel.kind] \
            or current.panel.closed_at is not None:
        raise NotAllowedNow(_("本项目当前不在评审阶段，不能声明。"))
    facts = {"expert_id": actor.pk, "name": str(actor)}
    if not conflict:
        current.declared_at = timezone.now()
        current.save(update_fields=["declared_at"])
        record_event(project, NO_CONFLICT_DECLARED, actor, facts, ip_address=ip_address)
        return current
    # A draft sheet cannot exist before a declaration; drop one if it somehow does.
    ScoreSheet.objects.filter(assignment=current).delete()
    pk = current.pk
    current.delete()
    current.pk = pk  # the answer names the assignment that was
    remove_perm("pilots.view_project", actor, project)
    record_event(project, CONFLICT_DECLARED, actor,
                 {**facts, "type": type, "statement": statement}, ip_address=ip_address)
    _tell_organisers(project, actor, current.assigned_by, type, statement, current.panel)
    current.conflict_declared = True
    return current


def replacement_for(project, leaving, panel=None):
    """The pool's top candidate to take ``leaving``'s place on ``panel`` (by default the
    project's selection panel), screened for the panel's kind, or None."""
    kind = panel.kind if panel is not None else ReviewKind.SELECTION
    members = User.objects.filter(expert_assignments__project=project)
    if panel is not None:
        members = members.filter(expert_assignments__panel=panel)
    members = list(members.distinct())
    screened = screen([project], kind=kind, members=[*members, leaving])
    proposed = propose([project], 1, kind=kind, category=project.category,
                       members=members, screened=screened)
    return proposed[0] if proposed else None


def _tell_organisers(project, expert, assigned_by, type, statement, panel=None):
    admins = User.objects.filter(is_active=True, role_grants__role=Role.ECOLOGY_ADMIN).distinct()
    recipients = {u.pk: u for u in [*admins, assigned_by]}
    candidate = replacement_for(project, expert, panel)
    with in_site_language():
        if candidate is None:
            proposal_line = _("专家库中暂无可推荐的替补专家。")
        else:
            proposal_line = _("推荐替补专家：%(name)s") % {"name": candidate.expert}
            if candidate.cover_labels:
                proposal_line += _("（专业领域：%(fields)s）") % {
                    "fields": "、".join(candidate.cover_labels)}
        notify(list(recipients.values()), project=project,
               title=_("%(name)s声明与「%(project)s」存在利益冲突，已退出专家组") % {
                   "name": expert, "project": project.name},
               body="\n".join([
                   _("项目编号：%(code)s") % {"code": project.code or "—"},
                   _("冲突类型：%(type)s") % {"type": ConflictType(type).label},
                   _("说明：%(statement)s") % {"statement": statement},
                   proposal_line,
                   _("调整专家组：%(url)s") % {"url": reverse("project-detail", args=[project.pk])},
               ]))

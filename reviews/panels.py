"""Selection panels over a batch and a category (遴选专家组), for the ecology admin and the
category's city officer: who may form one and see which, forming one, adding members to
every project it reviews and taking one off, and the projects forwarded by a county later
joining the open panel with its members.

A panel's members are the experts of its assignments: adding a member puts it on each
project of the panel still with the city or the experts (scoring not closed); a project
the county forwards later is given the open panel's members at that moment. The proposal
and the candidate screening of the project card are built here too, for both pages.
"""
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from pilots import registry
from pilots.audit import record_event
from pilots.choices import Role, State
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import Batch, Category, Project, User
from pilots.notify import in_site_language, notify
from pilots.rules import is_city_officer_or_admin

from . import proposal
from .choices import ReviewKind
from .closing import lock_panel_with_projects
from .conflicts import Conflict, Parties, conflicts_between, profiles_of
from .models import ExpertAssignment, Panel, ScoreSheet, ScoringClosure
from .services import (
    PANEL_MEMBER_ADDED,
    PANEL_MEMBER_REMOVED,
    PANEL_STATES,
    expert_pool,
    panel_projects,
)

MAX_OVERRIDE_REASON = 500


# --- Who may do what, and see which panel ---------------------------------------------------

def may_form_panel(user, category) -> bool:
    """The ecology admin, or a city officer whose department's body leads ``category``:
    the rule that decides who manages a project's panel, asked of the category."""
    return is_city_officer_or_admin(SimpleNamespace(category=category), user)


def may_manage(panel, user) -> bool:
    return may_form_panel(user, panel.category)


def panels_visible_to(user):
    """The ecology admin sees every panel; a city officer the panels of the categories its
    body leads; anyone else none (the same rule's queryset form, on the panel's category)."""
    allowed = is_city_officer_or_admin.q(user)
    if allowed is None:
        return Panel.objects.none()
    return Panel.objects.filter(allowed)


def formable_categories(user) -> list:
    """The categories ``user`` may form a selection panel for (two queries)."""
    return [category for category in Category.objects.prefetch_related("lead_bodies")
            .order_by("order", "code") if may_form_panel(user, category)]


# --- Which projects a change reaches --------------------------------------------------------

def open_projects(panel):
    """The panel's projects that members are added to: with the city or the experts, and
    their selection scoring not closed."""
    return (panel_projects(panel).filter(state__in=PANEL_STATES)
            .exclude(scoring_closures__kind=ReviewKind.SELECTION))


def _locked(panel, project_ids):
    """Lock the projects ``project_ids(panel)`` names, then the panel (see closing)."""
    return lock_panel_with_projects(panel, project_ids, related=("batch", "category"))


def _refuse(message, field="experts"):
    raise InvalidInput(message, fields={field: [message]})


# --- Conflicts over several projects ----------------------------------------------------------

def parties_for(projects) -> dict[int, Parties]:
    """``conflicts.parties_of`` for many projects at once: the applicant, the consultancies
    of the consultants invited onto each (one query whatever the number of projects) and
    the county. ``projects`` come with applicant and county selected."""
    projects = list(projects)
    ids = [str(p.pk) for p in projects]
    invited = (UserObjectPermission.objects
               .filter(content_type=ContentType.objects.get_by_natural_key("pilots", "project"),
                       permission__codename="change_project", object_pk__in=ids,
                       user__role_grants__role=Role.CONSULTANT,
                       user__organisation__isnull=False)
               .values_list("object_pk", "user__organisation_id", "user__organisation__name")
               .distinct()) if ids else []
    consultancies = {}
    for object_pk, organisation_id, name in invited:
        consultancies.setdefault(int(object_pk), {})[organisation_id] = name
    found = {}
    for project in projects:
        orgs = consultancies.get(project.pk, {})
        orgs.pop(project.applicant_id, None)
        found[project.pk] = Parties(project.pk, project.applicant_id, project.applicant.name,
                                    orgs, project.county_id,
                                    str(project.county) if project.county_id else "")
    return found


@dataclass(frozen=True)
class Tie:
    """A conflict between an expert and one project of the panel."""

    project: object  # pilots.Project
    conflict: Conflict

    @property
    def blocking(self) -> bool:
        return self.conflict.blocking

    @property
    def type_label(self) -> str:
        return self.conflict.type_label

    @property
    def reason_text(self) -> str:
        return self.conflict.reason_text


def ties(profile, projects, parties, *, kind) -> tuple[list[Tie], list[Tie]]:
    """The expert's (blocking, warning) ties with ``projects``."""
    blocking, warnings = [], []
    for project in projects:
        for conflict in conflicts_between(profile, parties[project.pk], kind=kind):
            (blocking if conflict.blocking else warnings).append(Tie(project, conflict))
    return blocking, warnings


def candidates(projects, members, missing, *, kind, category):
    """The pool beside a panel over ``projects``: the proposed members first (pre-checked),
    then who else may be chosen, then who may not and why (a tie naming its project).

    A fixed number of queries, whatever the number of projects and experts."""
    projects = list(projects)
    parties = parties_for(projects)
    taken = {m.pk for m in members}
    found = {}
    for profile in proposal.candidate_profiles():
        if profile.user_id not in taken:
            found[profile.user_id] = (profile, *ties(profile, projects, parties, kind=kind))
    screened = [(profile, tuple(t.conflict for t in blocking),
                 tuple(t.conflict for t in warnings))
                for profile, blocking, warnings in found.values()]
    proposed = {p.expert.pk: p for p in proposal.propose(
        projects, missing, kind=kind, category=category, members=members, screened=screened)}
    rows = []
    for expert in expert_pool().order_by("username"):
        if expert.pk in taken:
            continue
        profile, blocking, warnings = found.get(expert.pk, (None, [], []))
        rows.append({
            "expert": expert, "proposed": expert.pk in proposed,
            "covers": proposed[expert.pk].cover_labels if expert.pk in proposed else [],
            "fields": profile.field_labels() if profile else [],
            "blocking": blocking[0] if blocking else None, "warnings": warnings,
        })
    rows.sort(key=lambda r: (not r["proposed"], r["blocking"] is not None))
    return rows


# --- Forming a panel, adding and removing members -------------------------------------------

@transaction.atomic
def form_selection_panel(actor, batch, category) -> Panel:
    """A new selection panel over ``batch`` and ``category``, organised by ``actor``;
    refused while one of them is open (its members are changed there)."""
    if not may_form_panel(actor, category):
        raise NotPermitted(_("您无权为该试点类别组建专家组。"))
    Batch.objects.select_for_update().get(pk=batch.pk)  # two forming at once: one waits
    if Panel.objects.filter(kind=ReviewKind.SELECTION, batch=batch, category=category,
                            closed_at__isnull=True).exists():
        message = _("%(batch)s的%(category)s已有评分尚未结束的遴选专家组，请在该专家组中调整成员。") % {
            "batch": batch.name, "category": category.label}
        raise NotAllowedNow(message)
    try:
        with transaction.atomic():
            return Panel.objects.create(kind=ReviewKind.SELECTION, batch=batch,
                                        category=category, organiser=actor)
    except IntegrityError:  # formed a moment ago through a project's card
        raise NotAllowedNow(_("该批次该类别已有评分尚未结束的遴选专家组。")) from None


def _clean_experts(experts):
    unique = list({e.pk: e for e in experts}.values())
    if not unique:
        _refuse(_("请选择至少一名专家。"))
    if any(not e.is_active or not e.has_role(Role.EXPERT) for e in unique):
        _refuse(_("所选用户不是专家库成员。"))
    return unique


def _facts(expert):
    return {"expert_id": expert.pk, "name": str(expert)}


def _tell_added(expert, panel, projects):
    """One notification per expert, naming every project it was added to."""
    lines = [_("专家组：%(panel)s") % {"panel": panel}]
    lines += [_("项目：%(code)s %(name)s") % {"code": p.code or "—", "name": p.name}
              for p in projects]
    lines.append(_("项目提交专家评审后，您即可在工作台查看并评审。"))
    lines.append(_("查看：%(url)s") % {"url": reverse("project-detail", args=[projects[0].pk])})
    notify([expert], project=projects[0] if len(projects) == 1 else None,
           title=_("您被指派为%(category)s遴选专家组的评审专家（%(n)s个项目）") % {
               "category": panel.category.label, "n": len(projects)},
           body="\n".join(lines))


@transaction.atomic
def add_members(panel, actor, experts, *, override_reason="", ip_address=None
                ) -> list[ExpertAssignment]:
    """Put ``experts`` on every project of the open ``panel`` still with the city or the
    experts (scoring not closed), all of them or none.

    An expert with a blocking conflict with any of these projects is refused, naming the
    project; a warning (the project's county) needs ``override_reason``, kept with the
    expert in the trail of each project it concerns. Each expert is granted the projects,
    each project's trail records each new member, each expert is told once."""
    if not may_manage(panel, actor):
        raise NotPermitted(_("您无权调整该专家组。"))
    experts = _clean_experts(experts)
    override_reason = override_reason.strip() if isinstance(override_reason, str) else ""
    if len(override_reason) > MAX_OVERRIDE_REASON:
        _refuse(_("理由不能超过%(n)s个字。") % {"n": MAX_OVERRIDE_REASON}, "override_reason")
    panel, projects = _locked(panel, lambda p: open_projects(p).values_list("pk", flat=True))
    if panel.is_closed:
        raise NotAllowedNow(_("该专家组评分已结束，不能再调整成员。"))
    if panel.kind != ReviewKind.SELECTION:
        raise NotAllowedNow(_("验收评审专家组在验收阶段组建，不在此调整。"))
    closed = set(ScoringClosure.objects.filter(project__in=projects, kind=ReviewKind.SELECTION)
                 .values_list("project_id", flat=True))
    projects = [p for p in projects if p.state in PANEL_STATES and p.pk not in closed]
    if not projects:
        raise NotAllowedNow(_("该专家组暂无市级审核或专家评审中的项目，暂不能加入专家。"))
    existing = set(ExpertAssignment.objects.filter(panel=panel, project__in=projects)
                   .values_list("project_id", "expert_id"))
    profiles = profiles_of(experts)
    parties = parties_for(projects)
    pending, warned = [], []
    for expert in experts:
        profile = profiles.get(expert.pk)
        if profile is not None and not profile.is_active:
            _refuse(_("%(name)s已从专家库停用，不能加入专家组。") % {"name": expert})
        todo = [p for p in projects if (p.pk, expert.pk) not in existing]
        blocking, warnings = ties(profile, todo, parties, kind=ReviewKind.SELECTION)
        if blocking:
            tie = blocking[0]
            _refuse(_("%(name)s不能加入专家组：与「%(project)s」存在%(type)s冲突，%(reason)s") % {
                "name": expert, "project": tie.project.name, "type": tie.type_label,
                "reason": tie.reason_text})
        warned += [(expert, tie) for tie in warnings]
        for project in todo:
            facts = _facts(expert)
            mine = [t.reason_text for t in warnings if t.project.pk == project.pk]
            if mine:
                facts.update(conflicts=mine, override_reason=override_reason)
            pending.append((project, expert, facts))
    if warned and not override_reason:
        expert, tie = warned[0]
        _refuse(_("%(name)s与「%(project)s」存在利益冲突提示：%(reason)s如仍要加入，请填写理由。") % {
            "name": expert, "project": tie.project.name, "reason": tie.reason_text},
            "override_reason")
    if not pending:
        _refuse(_("所选专家已在本专家组的每个项目中。"))
    added, by_expert = [], {}
    for project, expert, facts in pending:
        added.append(ExpertAssignment.objects.create(panel=panel, project=project,
                                                     expert=expert, assigned_by=actor))
        assign_perm("pilots.view_project", expert, project)
        record_event(project, PANEL_MEMBER_ADDED, actor, facts, ip_address=ip_address)
        by_expert.setdefault(expert.pk, (expert, []))[1].append(project)
    with in_site_language():
        for expert, its_projects in by_expert.values():
            _tell_added(expert, panel, its_projects)
    return added


@transaction.atomic
def remove_member(panel, actor, expert, *, ip_address=None) -> list[Project]:
    """Take ``expert`` off the panel's projects still in city review; returns them. Under
    expert review a member leaves only when scoring is closed, with a reason (closing)."""
    if not may_manage(panel, actor):
        raise NotPermitted(_("您无权调整该专家组。"))
    panel, projects = _locked(panel, lambda p: ExpertAssignment.objects.filter(
        panel=p, expert=expert).values_list("project_id", flat=True))
    if panel.is_closed:
        raise NotAllowedNow(_("该专家组评分已结束，不能再调整成员。"))
    leaving = [p for p in projects if p.state == State.CITY_REVIEW]
    if not leaving:
        if any(p.state == State.EXPERT_REVIEW for p in projects):
            raise NotAllowedNow(_("%(name)s所评项目已提交专家评审：如需移出，请在结束评分时填写理由。")
                                % {"name": expert})
        _refuse(_("%(name)s不在本专家组市级审核中的项目上。") % {"name": expert}, "expert")
    assignments = ExpertAssignment.objects.filter(panel=panel, expert=expert, project__in=leaving)
    ScoreSheet.objects.filter(assignment__in=assignments).delete()
    assignments.delete()
    for project in leaving:
        remove_perm("pilots.view_project", expert, project)
        record_event(project, PANEL_MEMBER_REMOVED, actor, _facts(expert), ip_address=ip_address)
    return leaving


# --- A project forwarded by its county joins the open panel ----------------------------------

def panel_members(panel):
    """The experts with an assignment on ``panel`` who may still review: active, in the
    pool, holding the expert role."""
    return (User.objects.filter(expert_assignments__panel=panel, is_active=True,
                                role_grants__role=Role.EXPERT)
            .exclude(expert_profile__is_active=False).distinct().order_by("username"))


@registry.register_effect("county_forward")
def join_open_panel(project, actor, data):
    """The project enters city review: the open selection panel of its batch and category,
    if any, takes it in with its current members, except one with a blocking conflict
    (skipped). Each added expert is told. Recorded in the panel organiser's name: it is
    the organiser's panel that the project joins."""
    panel = (Panel.objects.select_for_update(of=("self",)).select_related("organiser", "category")
             .filter(kind=ReviewKind.SELECTION, batch_id=project.batch_id,
                     category_id=project.category_id, closed_at__isnull=True).first())
    if panel is None:
        return
    members = list(panel_members(panel).exclude(expert_assignments__project=project))
    if not members:
        return
    project = Project.objects.select_related("applicant", "county").get(pk=project.pk)
    parties = parties_for([project])
    profiles = profiles_of(members)
    added = []
    for expert in members:
        blocking, warnings = ties(profiles.get(expert.pk), [project], parties,
                                  kind=ReviewKind.SELECTION)
        if blocking:
            continue
        facts = _facts(expert)
        if warnings:
            facts["conflicts"] = [t.reason_text for t in warnings]
        ExpertAssignment.objects.create(panel=panel, project=project, expert=expert,
                                        assigned_by=panel.organiser)
        assign_perm("pilots.view_project", expert, project)
        record_event(project, PANEL_MEMBER_ADDED, panel.organiser, facts)
        added.append(expert)
    with in_site_language():
        for expert in added:
            _tell_added(expert, panel, [project])


# --- Reading panels for the pages --------------------------------------------------------------

def may_list_panels(user) -> bool:
    """Who forms panels at all: the ecology admin and the city officers."""
    return is_city_officer_or_admin.q(user) is not None


registry.register_menu_link(gettext_lazy("专家组"), "review-panels", may_list_panels)


def panel_rows(panels) -> list[dict]:
    """Each of ``panels`` with its projects' count and its members, in four queries
    whatever the number of panels (the bulk form of ``panel_projects``)."""
    panels = list(panels)
    ids = [p.pk for p in panels]
    pairs = (set(ExpertAssignment.objects.filter(panel_id__in=ids)
                 .values_list("panel_id", "project_id", "expert_id")) if ids else set())
    open_selection = [p for p in panels if p.kind == ReviewKind.SELECTION and not p.is_closed]
    incoming = {}
    if open_selection:
        for pk, batch_id, category_id in Project.objects.filter(
                state__in=PANEL_STATES, batch_id__in={p.batch_id for p in open_selection},
                category_id__in={p.category_id for p in open_selection}
        ).values_list("pk", "batch_id", "category_id"):
            incoming.setdefault((batch_id, category_id), set()).add(pk)
    experts = ({u.pk: u for u in User.objects.filter(pk__in={e for _p, _j, e in pairs})}
               if pairs else {})
    rows = []
    for panel in panels:
        projects = {project for p, project, _e in pairs if p == panel.pk}
        if panel.kind == ReviewKind.ACCEPTANCE:
            projects = {panel.project_id}
        elif not panel.is_closed:
            projects |= incoming.get((panel.batch_id, panel.category_id), set())
        members = sorted({experts[e] for p, _j, e in pairs if p == panel.pk},
                         key=lambda u: u.username)
        rows.append({"panel": panel, "project_count": len(projects), "members": members})
    return rows


@registry.register_demo_preparation("start_expert_review")
def _demo_joined_members_declare(project, actors):
    """In the demo, the members a project was given when it joined the open panel declare
    no conflict before expert review, as the members assigned on its card do."""
    from .demo import declare_no_conflict

    declare_no_conflict(ExpertAssignment.objects.filter(project=project, declared_at__isnull=True)
                        .select_related("expert"))

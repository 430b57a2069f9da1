"""The demo's expert pool: where expert1..6 work, their county, fields and declared relations.

expert1..3 (the demo's panels) have no tie to any demo applicant; expert4..6 belong to
宜州区 (a warning on its projects), and expert5 advised 宜州区第一初级中学 (blocking on
its projects), so the panel card shows each case.
"""
import datetime
from decimal import Decimal

from django.utils import timezone

from pilots import registry
from pilots.choices import OrganisationType, State
from pilots.demo import credit_code
from pilots.models import Organisation, Project

from . import acceptance_panels
from .choices import ConflictType, ReviewKind
from .choices import ExpertiseField as F
from .conflicts import conflicts_between, parties_of, profiles_of
from .deadlines import default_deadline
from .declarations import declare
from .models import DeclaredRelation, ExpertProfile
from .results import CENT
from .sheets import save_draft, sheet_for, submit

# name: (county code, serial of its credit code)
EMPLOYERS = {
    "河池市建筑设计研究院": ("jinchengjiang", 700101),
    "河池学院": ("yizhou", 700102),
    "宜州区能源技术服务中心": ("yizhou", 700103),
}
CONSULTANCY = "consultancy"
# username: (employer, county code or None, fields)
PROFILES = {
    "expert1": ("河池市建筑设计研究院", None, [F.ENERGY, F.INDUSTRY, F.CARBON_ACCOUNTING]),
    "expert2": ("河池市建筑设计研究院", None, [F.BUILDINGS, F.TRANSPORT, F.MANAGEMENT]),
    "expert3": (None, None, [F.CARBON_ACCOUNTING, F.ECOLOGY_CARBON_SINK, F.MANAGEMENT]),
    "expert4": ("宜州区能源技术服务中心", "yizhou", [F.ENERGY, F.BUILDINGS, F.INDUSTRY]),
    "expert5": ("河池学院", "yizhou", [F.TRANSPORT, F.ECOLOGY_CARBON_SINK, F.MANAGEMENT]),
    "expert6": (CONSULTANCY, "yizhou", [F.ENERGY, F.CARBON_ACCOUNTING, F.MANAGEMENT]),
}
# username: (applicant key, kind, note)
RELATIONS = {
    "expert5": (("yizhou", "campus"), ConflictType.COLLABORATOR, "为其校园节能诊断提供咨询"),
}


@registry.register_demo_seed
def seed_pool(people):
    counties = people["counties"]
    employers = {CONSULTANCY: people["consultancy"]}
    for name, (county, serial) in EMPLOYERS.items():
        employers[name], _ = Organisation.objects.get_or_create(name=name, defaults={
            "org_type": OrganisationType.OTHER, "county": counties[county],
            "credit_code": credit_code(county, "other", serial),
            "contact_name": "联系人", "contact_phone": "0778-2230000"})
    by_name = {u.username: u for u in people["experts"]}
    for username, (employer, county, fields) in PROFILES.items():
        if username not in by_name:
            continue
        profile, _ = ExpertProfile.objects.get_or_create(user=by_name[username], defaults={
            "employer": employers.get(employer), "county": counties.get(county),
            "fields": [str(f) for f in fields]})
        if username in RELATIONS:
            key, kind, note = RELATIONS[username]
            since = datetime.date(timezone.localdate().year - 1, 3, 1)
            DeclaredRelation.objects.get_or_create(
                profile=profile, organisation=people["applicants"][key].organisation,
                defaults={"kind": kind, "note": note, "since": since})


def declare_no_conflict(assignments):
    """The demo's panel members declare no conflict as soon as they are assigned, so the
    demo world shows experts who read the plans they review."""
    for assignment in assignments:
        declare(assignment, assignment.expert, conflict=False, ip_address="127.0.0.1")


# --- Acceptance panels ------------------------------------------------------------------------

# Each demo acceptance expert's share of every criterion's weight: the passing panel's
# sheets total 85, 80 and 75 (the score 80, 通过); the failing panel's 55, 50 and 60 (55).
ACCEPTANCE_PASSING = (Decimal("0.85"), Decimal("0.8"), Decimal("0.75"))
ACCEPTANCE_FAILING = (Decimal("0.55"), Decimal("0.5"), Decimal("0.6"))
ACCEPTANCE_OPINIONS = (
    "年度减排目标基本完成，建议补充第三方核算报告作为佐证。",
    "重点任务已按计划推进，充电设施运营数据应按季度公开。",
    "碳排放监测平台运行稳定，建议将数据纳入全市统一平台。",
)


def acceptance_panel(project, actors):
    """The current acceptance panel of ``project``, formed by the ecology admin if there is
    none: the first of ``actors["experts"]`` with no blocking conflict, completed from the
    pool's proposal up to the batch's minimum size."""
    panel = acceptance_panels.current_panel(project)
    if panel is not None:
        return panel
    size = acceptance_panels.min_size(project)
    candidates = list(actors["experts"])
    profiles = profiles_of(candidates)
    parties = parties_of(project)
    chosen = [e for e in candidates
              if not any(c.blocking for c in conflicts_between(
                  profiles.get(e.pk), parties, kind=ReviewKind.ACCEPTANCE))][:size]
    if len(chosen) < size:
        chosen += [p.expert for p in acceptance_panels.proposed(project, chosen)]
    return acceptance_panels.form_acceptance_panel(
        actors["admin"], project, chosen, scoring_deadline=default_deadline(),
        ip_address="127.0.0.1")


def acceptance_sheets(panel, shares, submitters=None):
    """The panel's members declare no conflict, and the first ``submitters`` of them (or
    all) submit sheets scoring ``shares`` of each criterion's weight, one opinion each."""
    assignments = list(panel.assignments.select_related("expert", "project", "panel")
                       .order_by("assigned_at", "pk"))
    declare_no_conflict([a for a in assignments if not a.declared])
    for index, assignment in enumerate(assignments[:submitters]):
        assignment.refresh_from_db(fields=["declared_at"])
        sheet = sheet_for(assignment)
        if sheet.submitted:
            continue
        share = shares[index % len(shares)]
        scores = {c.code: str((c.weight * share).quantize(CENT))
                  for c in sheet.rubric.criteria.all()}
        save_draft(sheet, assignment.expert, scores=scores, opinions=[
            {"text": ACCEPTANCE_OPINIONS[index % len(ACCEPTANCE_OPINIONS)], "plan_path": ""}])
        submit(sheet, assignment.expert, ip_address="127.0.0.1")


def acceptance_score_and_close(project, actors, shares):
    """What must stand before ``grant_title`` or ``fail_acceptance``: the acceptance panel
    formed, every member's sheet submitted, scoring closed by the ecology admin."""
    from .closing import close_scoring  # closing reads sheets, which the demo feeds

    if acceptance_panels.scoring_closed(project):
        return
    acceptance_sheets(acceptance_panel(project, actors), shares)
    close_scoring(project, actors["admin"], kind=ReviewKind.ACCEPTANCE, ip_address="127.0.0.1")


@registry.register_demo_finisher
def _demo_acceptance(people, extra_project):
    """The demo's project in acceptance review gets a panel that scores: expert1..3
    declared, two sheets submitted, the third still to come (issue 7 item 10, for
    acceptance), so the admin's card and the experts' queues show real work."""
    project = Project.objects.filter(state=State.ACCEPTANCE_REVIEW).order_by("pk").first()
    if project is None or acceptance_panels.current_panel(project) is not None:
        return
    acceptance_sheets(acceptance_panel(project, people), ACCEPTANCE_PASSING, submitters=2)


@registry.register_demo_preparation("grant_title")
def _demo_acceptance_passed(project, actors):
    acceptance_score_and_close(project, actors, ACCEPTANCE_PASSING)


@registry.register_demo_preparation("fail_acceptance")
def _demo_acceptance_failed(project, actors):
    acceptance_score_and_close(project, actors, ACCEPTANCE_FAILING)

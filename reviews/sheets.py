"""Score sheets (评分表): an expert's scores and numbered opinions on one project, saved as a
draft, submitted once, reopened only by the ecology admin; and who may read which sheet.

Independence is decided here, in one selector (``sheets_visible_to``): an expert reads
its own sheet, and the others' submitted sheets only once its own is submitted (pretalx's
default, "after submitting their own review"); the panel's organisers read the submitted
sheets; nobody else reads any. Pages and API read sheets only through it.
"""
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import registry
from pilots.audit import record_event
from pilots.choices import State
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.notify import in_site_language, notify
from pilots.plan_display import plan_rows
from pilots.rules import may_manage_programme

from .choices import ReviewKind
from .models import (
    ExpertAssignment,
    Rubric,
    ScoreSheet,
    ScoringClosure,
    SheetOpinion,
    SheetStatus,
)
from .results import grade, panel_score, plain, points, spread_flag
from .rubrics import lock_rubric, rubric_for
from .services import may_manage_panel

SCORE_SHEET_SUBMITTED = "score_sheet_submitted"
SCORE_SHEET_REOPENED = "score_sheet_reopened"

MAX_OPINIONS = 30
MAX_OPINION_LENGTH = 2000
MAX_REASON_LENGTH = 2000


# The state a project stands in while a panel of each kind scores it.
REVIEW_STATE = {ReviewKind.SELECTION: State.EXPERT_REVIEW,
                ReviewKind.ACCEPTANCE: State.ACCEPTANCE_REVIEW}


def kind_under_review(project) -> str:
    """The kind of panel whose experts the project's state concerns: acceptance while the
    project is in acceptance review, selection otherwise."""
    return (ReviewKind.ACCEPTANCE if project.state == State.ACCEPTANCE_REVIEW
            else ReviewKind.SELECTION)


def panel_scoring_closed(panel, project) -> bool:
    """Whether scoring of ``project`` on ``panel`` has ended: the panel is closed, or the
    ecology admin closed the project's scoring on that panel."""
    if panel.closed_at is not None:
        return True
    return ScoringClosure.objects.filter(panel=panel, project=project).exists()


# --- Who may do what ---------------------------------------------------------------------

def may_score(assignment) -> bool:
    """A declared member of an open panel, while the project is under the review of the
    panel's kind (expert review for selection, acceptance review for acceptance)."""
    panel = assignment.panel
    return (assignment.project.state == REVIEW_STATE[panel.kind] and assignment.declared
            and assignment.expert.is_active and panel.closed_at is None)


def _not_scoring(assignment) -> str:
    """Why ``assignment``'s expert may not score now."""
    if assignment.panel.closed_at is not None:
        return _("评分已结束，不能再评分。")
    if assignment.panel.kind == ReviewKind.ACCEPTANCE:
        return _("项目不在验收评审阶段，不能评分。")
    return _("项目不在专家评审阶段，不能评分。")


def may_see_results(project, user, kind=ReviewKind.SELECTION) -> bool:
    """Who formed the panel: for selection the category's city officer and the ecology
    admin; for acceptance the ecology admin, who organises it."""
    if kind == ReviewKind.ACCEPTANCE:
        return may_manage_programme(user)
    return may_manage_panel(project, user)


def may_reopen(user) -> bool:
    """Reopening a submitted sheet is the ecology admin's, who runs expert review."""
    return may_manage_programme(user)


def sheets_visible_to(user, project, panel=None):
    """The sheets of ``project`` (on ``panel`` if given) that ``user`` may read (scores and
    opinions alike). Independence holds per panel: an expert who sat on both the selection
    and the acceptance panel of a project reads the others' sheets of a panel only once it
    submitted its own sheet on that panel."""
    sheets = ScoreSheet.objects.filter(assignment__project=project)
    if panel is not None:
        sheets = sheets.filter(assignment__panel=panel)
    if not getattr(user, "is_authenticated", False):
        return sheets.none()
    submitted = Q(status=SheetStatus.SUBMITTED)
    organised = [kind for kind in ReviewKind.values if may_see_results(project, user, kind)]
    if len(organised) == len(ReviewKind.values):
        return sheets.filter(submitted)
    own_submitted = ScoreSheet.objects.filter(
        assignment__project=OuterRef("assignment__project"),
        assignment__panel=OuterRef("assignment__panel"), assignment__expert=user,
        status=SheetStatus.SUBMITTED)
    return sheets.filter(Q(assignment__expert=user) | (submitted & (
        Q(assignment__panel__kind__in=organised) | Exists(own_submitted))))


def opinions_visible_to(user, project, panel=None):
    return SheetOpinion.objects.filter(sheet__in=sheets_visible_to(user, project, panel))


# --- Reading ------------------------------------------------------------------------------

def plan_paths(project) -> list[tuple[str, str]]:
    """The rows of the project's latest plan version an opinion may point at:
    (path, "section · label")."""
    version = project.versions.order_by("-number").first()
    if version is None:
        return []
    seen, choices = set(), []
    for row in plan_rows(version.content, project.category):
        if row.path and row.path not in seen:
            seen.add(row.path)
            choices.append((row.path, f"{row.section} · {row.label}"))
    return choices


def total_of(sheet, criteria) -> Decimal | None:
    """The sheet's weighted total when every criterion is scored, else None."""
    values = [points(sheet.scores.get(c.code)) for c in criteria]
    if any(v is None for v in values):
        return None
    return sum(values, Decimal("0"))


def sheet_for(assignment) -> ScoreSheet:
    """The assignment's sheet, created as a draft the first time (only a declared member
    while its panel scores) on the rubric of the project's batch and category of the
    panel's kind: selection or acceptance."""
    existing = ScoreSheet.objects.filter(assignment=assignment).first()
    if existing is not None:
        return existing
    if not assignment.declared:
        raise NotPermitted(_("请先声明与本项目无利益冲突，再评分。"))
    if not may_score(assignment):
        raise NotAllowedNow(_not_scoring(assignment))
    project = assignment.project
    with transaction.atomic():
        rubric = rubric_for(project.batch, project.category, assignment.panel.kind)
        sheet, _created = ScoreSheet.objects.get_or_create(
            assignment=assignment, defaults={"rubric": rubric})
    return sheet


# --- Checking what is typed ----------------------------------------------------------------

def _clean_scores(scores, criteria, errors) -> dict:
    """``{code: points}`` → ``{code: "points"}``; a blank score is left out (a draft)."""
    if not isinstance(scores, dict):
        errors["scores"] = [_("评分格式无效：scores 应为对象(评分项代码: 分数)。")]
        return {}
    by_code = {c.code: c for c in criteria}
    cleaned = {}
    for code, value in scores.items():
        criterion = by_code.get(code)
        if criterion is None:
            errors[f"scores.{code}"] = [_("评分标准中没有此评分项。")]
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        number = points(value)
        if number is None or not (0 <= number <= criterion.weight):
            errors[f"scores.{code}"] = [
                _("「%(name)s」的得分应在0至%(max)s分之间，最多两位小数。")
                % {"name": criterion.label, "max": plain(criterion.weight)}]
            continue
        cleaned[code] = plain(number)
    return cleaned


def _clean_opinions(opinions, paths, errors) -> list[tuple[str, str]]:
    if not isinstance(opinions, list):
        errors["opinions"] = [_("意见格式无效：opinions 应为列表。")]
        return []
    if len(opinions) > MAX_OPINIONS:
        errors["opinions"] = [_("意见不能超过%(n)s条。") % {"n": MAX_OPINIONS}]
        return []
    cleaned = []
    for number, opinion in enumerate(opinions, start=1):
        if not isinstance(opinion, dict):
            errors[f"opinions.{number}"] = [_("每条意见应为对象(text, plan_path)。")]
            continue
        unknown = set(opinion) - {"text", "plan_path", "number"}
        for key in sorted(unknown, key=str):
            errors[f"opinions.{number}.{key}"] = [_("意见不接受此项数据。")]
        text = opinion.get("text")
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            errors[f"opinions.{number}.text"] = [_("请填写第%(n)s条意见。") % {"n": number}]
        elif len(text) > MAX_OPINION_LENGTH:
            errors[f"opinions.{number}.text"] = [
                _("第%(n)s条意见不能超过%(max)s个字。") % {"n": number, "max": MAX_OPINION_LENGTH}]
        path = opinion.get("plan_path") or ""
        if not isinstance(path, str) or (path.strip() and path.strip() not in paths):
            errors[f"opinions.{number}.plan_path"] = [
                _("第%(n)s条意见指向的方案位置不存在，请从方案内容中选择。") % {"n": number}]
            path = ""
        cleaned.append((text, path.strip()))
    return cleaned


def _locked_own_sheet(sheet, actor):
    """The sheet, locked, if ``actor`` is its expert and may still change it."""
    sheet = (ScoreSheet.objects.select_for_update()
             .select_related("assignment__project__category", "assignment__expert",
                             "assignment__panel", "rubric")
             .get(pk=sheet.pk))
    if getattr(actor, "pk", None) != sheet.assignment.expert_id:
        raise NotPermitted(_("只有该评分表的专家本人可以修改。"))
    if sheet.submitted:
        raise NotAllowedNow(_("评分表已提交，不能再修改；如需修改，请联系市生态环境局退回。"))
    if not may_score(sheet.assignment):
        raise NotAllowedNow(_not_scoring(sheet.assignment))
    return sheet


def _refuse(errors):
    first = next(iter(errors.values()))[0]
    raise InvalidInput(first if len(errors) == 1 else _("评分表有误，请按提示更正，尚未保存。"),
                       fields=errors)


# --- Changing a sheet ----------------------------------------------------------------------

@transaction.atomic
def save_draft(sheet, actor, *, scores, opinions) -> ScoreSheet:
    """Replace the draft's scores and opinions (renumbered 1..n), all or nothing."""
    sheet = _locked_own_sheet(sheet, actor)
    criteria = list(sheet.rubric.criteria.all())
    errors = {}
    cleaned_scores = _clean_scores(scores, criteria, errors)
    paths = {path for path, _label in plan_paths(sheet.assignment.project)}
    cleaned_opinions = _clean_opinions(opinions, paths, errors)
    if errors:
        _refuse(errors)
    sheet.scores = cleaned_scores
    sheet.save(update_fields=["scores", "updated_at"])
    sheet.opinions.all().delete()
    SheetOpinion.objects.bulk_create(
        SheetOpinion(sheet=sheet, number=number, text=text, plan_path=path)
        for number, (text, path) in enumerate(cleaned_opinions, start=1))
    return sheet


@transaction.atomic
def submit(sheet, actor, *, ip_address=None) -> ScoreSheet:
    """Make the sheet final: every criterion scored, at least one opinion. Locks the rubric.

    The trail records that the expert submitted its sheet, and nothing of what it holds:
    the applicant reads the trail, and must not learn a score or who wrote which opinion.
    """
    sheet = _locked_own_sheet(sheet, actor)
    criteria = list(sheet.rubric.criteria.all())
    errors = {}
    for criterion in criteria:
        if points(sheet.scores.get(criterion.code)) is None:
            errors[f"scores.{criterion.code}"] = [
                _("请为「%(name)s」打分。") % {"name": criterion.label}]
    for code in sorted(set(sheet.scores) - {c.code for c in criteria}):
        errors[f"scores.{code}"] = [_("评分标准中没有此评分项。")]
    if not sheet.opinions.exists():
        errors["opinions"] = [_("请至少填写一条评审意见。")]
    if errors:
        _refuse(errors)
    lock_rubric(sheet.rubric)
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event(sheet.assignment.project, SCORE_SHEET_SUBMITTED, actor, {},
                 ip_address=ip_address)
    return sheet


@transaction.atomic
def reopen(sheet, actor, *, reason, ip_address=None) -> ScoreSheet:
    """Send a submitted sheet back to its expert as a draft (the ecology admin, with a
    reason, while its panel scores the project). The expert is told why."""
    if not may_reopen(actor):
        raise NotPermitted(_("只有市生态环境局可以退回评分表。"))
    sheet = (ScoreSheet.objects.select_for_update()
             .select_related("assignment__project", "assignment__expert", "assignment__panel")
             .get(pk=sheet.pk))
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise InvalidInput(_("请填写退回理由。"), fields={"reason": [_("请填写退回理由。")]})
    if len(reason) > MAX_REASON_LENGTH:
        message = _("理由不能超过%(n)s个字。") % {"n": MAX_REASON_LENGTH}
        raise InvalidInput(message, fields={"reason": [message]})
    project = sheet.assignment.project
    if not sheet.submitted:
        raise NotAllowedNow(_("该评分表尚未提交，无需退回。"))
    panel = sheet.assignment.panel
    if project.state != REVIEW_STATE[panel.kind]:
        raise NotAllowedNow(_("项目不在验收评审阶段，不能退回评分表。")
                            if panel.kind == ReviewKind.ACCEPTANCE
                            else _("项目不在专家评审阶段，不能退回评分表。"))
    if panel_scoring_closed(panel, project):
        raise NotAllowedNow(_("评分已结束，不能退回评分表。"))
    sheet.status = SheetStatus.DRAFT
    sheet.submitted_at = None
    sheet.save(update_fields=["status", "submitted_at", "updated_at"])
    # The sheet, not its expert, in the data: the trail is read by the applicant too.
    record_event(project, SCORE_SHEET_REOPENED, actor, {"sheet": sheet.pk}, reason=reason,
                 ip_address=ip_address)
    with in_site_language():
        notify([sheet.assignment.expert], project=project,
               title=_("您对「%(project)s」的评分表已被退回") % {"project": project.name},
               body=_("退回理由：%(reason)s") % {"reason": reason})
    return sheet


# --- Results for who formed the panel --------------------------------------------------------

def results_of(project, kind=ReviewKind.SELECTION, panel=None):
    """Each member of the project's panel of ``kind`` (the latest one, or ``panel``) with its
    submitted sheet (or None), the rubric of that kind and the panel's figures, in a fixed
    number of queries whatever the panel's size. Only that panel's assignments count: an
    expert on both the selection and the acceptance panel of a project has two sheets."""
    members = ExpertAssignment.objects.filter(project=project)
    if panel is None:
        members = members.filter(panel__kind=kind)
    else:
        kind = panel.kind
        members = members.filter(panel=panel)
    assignments = list(members.select_related("expert", "sheet", "panel")
                       .prefetch_related("sheet__opinions").order_by("assigned_at", "pk"))
    if panel is None and assignments:
        # The latest panel of the kind (a project failed at acceptance has had several).
        panel = max((a.panel for a in assignments), key=lambda p: (p.created_at, p.pk))
        assignments = [a for a in assignments if a.panel_id == panel.pk]
    rubric = (Rubric.objects.filter(batch=project.batch_id, category=project.category_id,
                                    kind=kind)
              .prefetch_related("criteria").first())
    criteria = list(rubric.criteria.all()) if rubric else []
    rows, totals = [], []
    for assignment in assignments:
        sheet = getattr(assignment, "sheet", None)
        if sheet is not None and not sheet.submitted:
            sheet = None
        total = total_of(sheet, criteria) if sheet is not None else None
        if total is not None:
            totals.append(total)
        rows.append({
            "assignment": assignment, "expert": assignment.expert, "sheet": sheet,
            "scores": [(c, points(sheet.scores.get(c.code)) if sheet else None)
                       for c in criteria],
            "total": total,
            "opinions": list(sheet.opinions.all()) if sheet else [],
        })
    labels = dict(plan_paths(project))
    for row in rows:
        for opinion in row["opinions"]:
            opinion.plan_label = labels.get(opinion.plan_path, opinion.plan_path)
    result = panel_score(totals)
    return {
        "kind": kind, "panel": panel,
        "rubric": rubric, "criteria": criteria, "rows": rows, "result": result,
        "spread_flag": spread_flag(totals),
        "grade": grade(result.score, rubric) if rubric and result.score is not None else None,
        "waiting": [row["expert"] for row in rows if row["sheet"] is None],
    }


registry.register_event(SCORE_SHEET_SUBMITTED, gettext_lazy("专家提交评分表"))
registry.register_event(SCORE_SHEET_REOPENED, gettext_lazy("退回专家评分表"))

"""A panel's results (专家组评分结果): each of its projects with its submitted sheets, the
mean, the trimmed mean, the panel's score, pass or fail against the rubric's pass line, the
spread flag and the rank, computed from the sheets every time (reviews/results.py does the
arithmetic), in a fixed number of queries whatever the number of projects and sheets."""
from dataclasses import dataclass
from decimal import Decimal

from pilots.choices import Role
from pilots.rules import may_manage_programme

from .models import Rubric, ScoreSheet, SheetStatus
from .results import Grade, RankedRow, ranking
from .services import panel_projects
from .sheets import total_of


def may_see_panel_results(panel, user) -> bool:
    """The ecology admin, and whoever formed the panel (the category's city officer or the
    ecology admin) while it still holds that office; nobody else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if may_manage_programme(user):
        return True
    if user.pk != panel.organiser_id or Role.CITY_OFFICER not in user.roles:
        return False
    department = user.department if user.department_id else None
    return (department is not None and department.county_id is None
            and department.body_id in panel.category.lead_body_ids)


def panel_rubric(panel):
    """The rubric the panel scores by (its batch, category and kind), criteria prefetched;
    None while there is none."""
    return (Rubric.objects.filter(batch_id=panel.batch_id, category_id=panel.category_id,
                                  kind=panel.kind)
            .prefetch_related("criteria").first())


def panel_totals(panel, projects, criteria) -> dict[int, list[Decimal]]:
    """``{project id: [total of each submitted sheet]}`` for the panel's members on
    ``projects`` (one query)."""
    totals = {project.pk: [] for project in projects}
    if not criteria:
        return totals
    submitted = (ScoreSheet.objects
                 .filter(assignment__panel=panel, assignment__project_id__in=list(totals),
                         status=SheetStatus.SUBMITTED)
                 .select_related("assignment").order_by("assignment__project_id", "pk"))
    for sheet in submitted:
        total = total_of(sheet, criteria)
        if total is not None:
            totals[sheet.assignment.project_id].append(total)
    return totals


@dataclass(frozen=True)
class PanelRow:
    """One project of a panel; every figure None (and ``passed`` None, ``rank`` None) while
    no sheet on it was submitted. Figures are exact Decimals: round them to show them."""

    project: object
    sheets: int  # submitted sheets
    mean: Decimal | None
    trimmed_mean: Decimal | None  # with five sheets or more
    score: Decimal | None  # the trimmed mean when there is one, else the mean
    passed: bool | None  # the score against the rubric's pass line
    grade: Grade | None
    spread_flag: bool
    rank: int | None


def _row(ranked: RankedRow) -> PanelRow:
    result = ranked.result
    return PanelRow(project=ranked.subject, sheets=result.sheets, mean=result.mean,
                    trimmed_mean=result.trimmed_mean, score=result.score,
                    passed=ranked.passed, grade=ranked.grade,
                    spread_flag=ranked.spread_flag, rank=ranked.rank)


def panel_results(panel) -> list[PanelRow]:
    """Each project of the panel ranked by its score: best first, equal scores share a
    rank (1, 1, 3), projects without a submitted sheet last and unranked. Four queries."""
    projects = list(panel_projects(panel))
    rubric = panel_rubric(panel)
    criteria = list(rubric.criteria.all()) if rubric is not None else []
    totals = panel_totals(panel, projects, criteria)
    return [_row(ranked) for ranked in
            ranking([(project, totals[project.pk]) for project in projects], rubric)]

"""Results of expert scoring, computed from the sheets every time, never stored.

Pure functions on plain values, so a reader can check them by hand:

- a criterion's weight is its maximum: an expert gives it 0..weight points, so a sheet's
  weighted total is the sum of its points, out of 100 (a rubric's weights sum to 100);
- a panel's score is the mean of its sheets' totals, or, with five sheets or more, the
  trimmed mean (the highest and the lowest total dropped once each);
- sheets whose totals differ by more than the spread (default 20 points) are flagged;
- a score at or above the rubric's excellent line is 优秀, at or above its pass line 通过.

Every figure is a Decimal, exact until shown: ``for_display`` rounds to 2 places, half up.
A criterion is anything with ``code``, ``weight`` (and ``label`` or ``name`` for messages);
a rubric anything with ``pass_line`` and ``excellent_line``.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.errors import InvalidInput

# With this many sheets or more the panel's score drops the highest and the lowest.
TRIM_FROM = 5
CENT = Decimal("0.01")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", gettext_lazy("优秀")
    PASS = "pass", gettext_lazy("通过")
    FAIL = "fail", gettext_lazy("不通过")


def for_display(value):
    """``value`` rounded to 2 places, half up (None stays None)."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value) -> str:
    """A Decimal as people write it: ``30.00`` → ``30``, ``27.50`` → ``27.5``."""
    return format(value.normalize(), "f")


def _name(criterion) -> str:
    return str(getattr(criterion, "label", None) or criterion.name)


def points(value):
    """A number of points as a Decimal of at most 2 places, or None when it is not one.

    A float is taken as written (``27.5`` → ``Decimal("27.5")``): JSON numbers arrive so.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip()
    try:
        number = Decimal(value) if isinstance(value, (int, str, Decimal)) else None
    except InvalidOperation:
        return None
    if number is None or not number.is_finite() or number != number.quantize(CENT):
        return None
    return number


def weighted_total(scores, criteria) -> Decimal:
    """The total of one sheet: ``scores`` maps each criterion's code to its points.

    Every criterion must be scored, from 0 to its weight, to the hundredth; a code that is
    not a criterion is refused. Refusals name the criterion's code as the field.
    """
    errors = {}
    total = Decimal("0")
    known = set()
    for criterion in criteria:
        known.add(criterion.code)
        if criterion.code not in scores or scores[criterion.code] in (None, ""):
            errors[criterion.code] = [_("请为「%(name)s」打分。") % {"name": _name(criterion)}]
            continue
        value = points(scores[criterion.code])
        if value is None or not (0 <= value <= criterion.weight):
            errors[criterion.code] = [
                _("「%(name)s」的得分应在0至%(max)s分之间，最多两位小数。")
                % {"name": _name(criterion), "max": plain(criterion.weight)}]
            continue
        total += value
    for code in sorted(set(scores) - known, key=str):
        errors[str(code)] = [_("评分标准中没有此评分项。")]
    if errors:
        raise InvalidInput(_("评分有误，请按提示更正。"), fields=errors)
    return total


@dataclass(frozen=True)
class PanelScore:
    """What a panel's sheets add up to; every figure None when no sheet was submitted."""

    sheets: int
    mean: Decimal | None
    trimmed_mean: Decimal | None  # only with TRIM_FROM sheets or more
    score: Decimal | None  # the trimmed mean when there is one, else the mean
    spread: Decimal | None  # highest total − lowest total


def _mean(values) -> Decimal:
    return sum(values, Decimal("0")) / len(values)


def panel_score(totals) -> PanelScore:
    """The mean of the sheets' totals; with five sheets or more also the trimmed mean (the
    highest and lowest dropped), which is then the panel's score."""
    totals = sorted(totals)
    if not totals:
        return PanelScore(0, None, None, None, None)
    mean = _mean(totals)
    trimmed = _mean(totals[1:-1]) if len(totals) >= TRIM_FROM else None
    return PanelScore(sheets=len(totals), mean=mean, trimmed_mean=trimmed,
                      score=mean if trimmed is None else trimmed,
                      spread=totals[-1] - totals[0])


def default_spread() -> Decimal:
    return Decimal(settings.REVIEW_SPREAD_POINTS)


def spread_flag(totals, limit=None) -> bool:
    """True when the highest and lowest totals differ by more than ``limit`` points
    (default: the HECHI_REVIEW_SPREAD_POINTS setting, 20)."""
    totals = list(totals)
    limit = default_spread() if limit is None else Decimal(limit)
    return len(totals) > 1 and max(totals) - min(totals) > limit


def grade(score, rubric) -> Grade:
    """优秀 at or above the excellent line, 通过 at or above the pass line, else 不通过.
    The exact score is compared, not its rounded display."""
    if score >= rubric.excellent_line:
        return Grade.EXCELLENT
    if score >= rubric.pass_line:
        return Grade.PASS
    return Grade.FAIL


@dataclass(frozen=True)
class RankedRow:
    subject: object  # what was scored, e.g. the project
    rank: int | None  # None while it has no sheet
    result: PanelScore
    grade: Grade | None
    spread_flag: bool

    @property
    def passed(self) -> bool | None:
        return None if self.grade is None else self.grade != Grade.FAIL


def ranking(rows, rubric, *, spread_limit=None) -> list[RankedRow]:
    """One panel's ranking: ``rows`` are ``(subject, totals)`` pairs; by score, highest
    first; equal scores share a rank (1, 1, 3) and keep their given order; subjects without
    a sheet come last, unranked."""
    results = [(subject, panel_score(totals), list(totals)) for subject, totals in rows]
    scored = sorted((r for r in results if r[1].sheets), key=lambda r: -r[1].score)
    ranked, previous, rank = [], None, 0
    for position, (subject, result, totals) in enumerate(scored, start=1):
        if result.score != previous:
            rank, previous = position, result.score
        ranked.append(RankedRow(subject, rank, result, grade(result.score, rubric),
                                spread_flag(totals, spread_limit)))
    ranked.extend(RankedRow(subject, None, result, None, False)
                  for subject, result, _totals in results if not result.sheets)
    return ranked

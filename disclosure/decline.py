"""The steady-decline check (稳步下降): the rule acceptance and recheck apply to a pilot's
indicators, year by year, with the reason in words.

For an indicator that must fall (every one but residents' awareness), a year is **met** when

1. its value is below the baseline (the plan's: the baseline total, the intensity computed
   from it, ``pilots.plan.indicator_baseline``);
2. it is not above the year before — the last earlier year with a value when the year before
   has none; the baseline itself for the first year, where rule 1 already says it — allowing
   ``HECHI_DECLINE_TOLERANCE``, a fraction of the earlier value (default 0: not one gram
   more);
3. it is not above the plan's milestone for that year, where the plan sets one (no
   tolerance: the milestone is the plan's own promise).

An indicator that must rise (awareness) is checked the other way: above the baseline, not
below the year before (less the tolerance), not below the milestone. A year whose value is
missing — no figures for the year, or the indicator could not be computed (its denominator
missing) — is **missing**, with the reason; so is every year when the plan gives no
baseline. Each year's intensity is the year's emissions over the year's own denominator
(``disclosure.calculation``), so a pilot that grows is judged per person, per m², per 10⁴
yuan as its indicators say, while its total is judged as a total.

Pure functions over the plan (a dict), the indicators and the yearly figures (the results of
``disclosure.calculation.calculate``, as computed or as a disclosure froze them).
"""
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import plan as plan_rules
from pilots.choices import IndicatorKind
from pilots.models.reference import localized


class Status(models.TextChoices):
    MET = "met", gettext_lazy("达标")
    NOT_MET = "not_met", gettext_lazy("未达标")
    MISSING = "missing", gettext_lazy("缺少数据")


@dataclass(frozen=True)
class Verdict:
    indicator: str            # the indicator's code
    year: int
    status: str               # Status
    value: Decimal | None
    baseline: Decimal | None
    previous_year: int | None  # the earlier year the value was compared with
    previous: Decimal | None
    milestone: Decimal | None
    reasons: tuple[str, ...]  # one sentence per check, in order

    @property
    def reason(self) -> str:
        return "".join(self.reasons)

    @property
    def is_met(self) -> bool:
        return self.status == Status.MET

    def as_dict(self) -> dict:
        """JSON form: numbers as decimal strings."""
        data = asdict(self)
        for key in ("value", "baseline", "previous", "milestone"):
            data[key] = None if data[key] is None else plan_rules.decimal_text(data[key])
        data["reasons"] = list(self.reasons)
        data["reason"] = self.reason
        return data


def tolerance() -> Decimal:
    """``HECHI_DECLINE_TOLERANCE`` as a fraction in [0, 1)."""
    raw = getattr(settings, "HECHI_DECLINE_TOLERANCE", "0")
    value = plan_rules.number(raw)
    if value is None or not Decimal(0) <= value < Decimal(1):
        raise ImproperlyConfigured(
            f"HECHI_DECLINE_TOLERANCE={raw!r} must be a fraction from 0 up to 1 (0.02 = 2 %).")
    return value


def _must_fall(indicator) -> bool:
    return indicator.kind != IndicatorKind.AWARENESS


def _unit(indicator) -> str:
    return localized(indicator, "unit") if hasattr(indicator, "unit_en") else indicator.unit


def _name(indicator) -> str:
    return getattr(indicator, "label", None) or indicator.name


def year_value(figures, indicator, year) -> tuple[Decimal | None, str]:
    """The indicator's value in one year's figures, or None with the reason it is missing."""
    if not figures:
        return None, _("缺少%(year)s年的核算结果。") % {"year": year}
    entry = (figures.get("indicators") or {}).get(indicator.code)
    if entry is None:
        return None, _("%(year)s年的核算结果中没有指标「%(name)s」。") % {
            "year": year, "name": _name(indicator)}
    value = plan_rules.number(entry.get("value"))
    if value is None:
        return None, entry.get("missing") or _("%(year)s年指标「%(name)s」无法计算。") % {
            "year": year, "name": _name(indicator)}
    return value, ""


def milestone_of(plan, indicator, year) -> Decimal | None:
    target = (plan.get("targets") or {}).get(indicator.code)
    milestones = target.get("milestones") if isinstance(target, dict) else None
    return plan_rules.number(milestones.get(str(year))) if isinstance(milestones, dict) else None


def verdicts(plan, indicators, figures_by_year: dict, *, until: int | None = None,
             allowance: Decimal | None = None) -> dict[str, list[Verdict]]:
    """{indicator code: [a Verdict per year]} for every year after the plan's baseline year
    up to ``until`` (default: the last year with figures). ``figures_by_year`` maps a year
    to its figures (or None); ``allowance`` overrides the tolerance setting."""
    indicators = list(indicators)
    plan = plan_rules.upgrade(plan, derived_codes=plan_rules.derived_baseline_codes(indicators),
                              keep_typed_baselines=True)
    allowance = tolerance() if allowance is None else Decimal(allowance)
    base_year = plan_rules.year_of((plan.get("baseline") or {}).get("year"))
    known = sorted(int(y) for y in figures_by_year)
    last = until if until is not None else (known[-1] if known else None)
    if last is None:
        return {i.code: [] for i in indicators}
    first = base_year + 1 if base_year is not None else (known[0] if known else last)
    years = range(first, last + 1)
    figures = {int(y): f for y, f in figures_by_year.items()}
    return {i.code: indicator_verdicts(plan, i, {y: year_value(figures.get(y), i, y) for y in years},
                                       base_year, allowance)
            for i in indicators}


def indicator_verdicts(plan, indicator, values: dict, base_year, allowance) -> list[Verdict]:
    """One indicator's verdicts; ``values`` maps each year judged to (value or None, why)."""
    baseline = plan_rules.indicator_baseline(plan, indicator) if base_year is not None else None
    falls = _must_fall(indicator)
    unit = _unit(indicator)
    name = _name(indicator)
    found = []
    earlier = (base_year, baseline)  # the last year with a value, and that value
    for year in sorted(values):
        value, why = values[year]
        milestone = milestone_of(plan, indicator, year)
        if baseline is None:
            reason = _("方案未给出指标「%(name)s」的基准值(或基准年)，无法判断。") % {"name": name}
            found.append(Verdict(indicator.code, year, Status.MISSING, value, None, None, None,
                                 milestone, (reason,)))
            continue
        if value is None:
            found.append(Verdict(indicator.code, year, Status.MISSING, None, baseline, None, None,
                                 milestone, (why,)))
            continue
        checks = [_against_baseline(year, value, baseline, falls, unit)]
        previous_year, previous = earlier
        if previous_year != base_year:
            skipped = previous_year != year - 1
            checks.append(_against_previous(year, value, previous_year, previous, falls, unit,
                                            allowance, skipped))
        checks.append(_against_milestone(year, value, milestone, falls, unit))
        met = all(ok for ok, _sentence in checks)
        found.append(Verdict(indicator.code, year, Status.MET if met else Status.NOT_MET, value,
                             baseline, previous_year, previous, milestone,
                             tuple(sentence for _ok, sentence in checks)))
        earlier = (year, value)
    return found


def _q(value, unit) -> str:
    return f"{plan_rules.number_display(value)} {unit}".strip()


def _against_baseline(year, value, baseline, falls, unit) -> tuple[bool, str]:
    values = {"year": year, "value": _q(value, unit), "baseline": _q(baseline, unit)}
    if falls:
        if value < baseline:
            return True, _("%(year)s年为%(value)s，低于基准值%(baseline)s。") % values
        return False, _("%(year)s年为%(value)s，未低于基准值%(baseline)s。") % values
    if value > baseline:
        return True, _("%(year)s年为%(value)s，高于基准值%(baseline)s。") % values
    return False, _("%(year)s年为%(value)s，未高于基准值%(baseline)s。") % values


def _against_previous(year, value, previous_year, previous, falls, unit, allowance,
                      skipped) -> tuple[bool, str]:
    values = {"year": previous_year, "previous": _q(previous, unit),
              "percent": plan_rules.decimal_text(allowance * 100), "gap": year - 1}
    note = (_("(%(gap)s年缺少数据，与%(year)s年比较)") % values) if skipped else ""
    if value == previous:
        if falls:
            return True, note + _("与%(year)s年持平(%(previous)s)，不高于上年。") % values
        return True, note + _("与%(year)s年持平(%(previous)s)，不低于上年。") % values
    if falls:
        if value < previous:
            return True, note + _("比%(year)s年的%(previous)s有所下降。") % values
        if value <= previous * (1 + allowance):
            return True, note + _("高于%(year)s年的%(previous)s，但在允许上浮%(percent)s%%以内。") % values
        if allowance:
            return False, note + _("高于%(year)s年的%(previous)s，超过允许上浮的%(percent)s%%。") % values
        return False, note + _("高于%(year)s年的%(previous)s，未稳步下降。") % values
    if value > previous:
        return True, note + _("比%(year)s年的%(previous)s有所提升。") % values
    if value >= previous * (1 - allowance):
        return True, note + _("低于%(year)s年的%(previous)s，但在允许下浮%(percent)s%%以内。") % values
    if allowance:
        return False, note + _("低于%(year)s年的%(previous)s，超过允许下浮的%(percent)s%%。") % values
    return False, note + _("低于%(year)s年的%(previous)s，未稳步提升。") % values


def _against_milestone(year, value, milestone, falls, unit) -> tuple[bool, str]:
    if milestone is None:
        return True, _("方案未设%(year)s年逐年目标。") % {"year": year}
    values = {"year": year, "milestone": _q(milestone, unit)}
    if falls:
        if value <= milestone:
            return True, _("达到方案%(year)s年逐年目标%(milestone)s。") % values
        return False, _("高于方案%(year)s年逐年目标%(milestone)s。") % values
    if value >= milestone:
        return True, _("达到方案%(year)s年逐年目标%(milestone)s。") % values
    return False, _("低于方案%(year)s年逐年目标%(milestone)s。") % values

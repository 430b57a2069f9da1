"""A disclosing pilot for the disclosure tests: a campus whose plan starts two years ago
(baseline three years ago), with activity data for its baseline year and the two years
since, so that three ended years can be disclosed.

The figures, worked by hand from the shipped factors (disclosure/migrations/0002):

- grid electricity: for 2023 and later the library's latest data year not after the
  accounting year is 2023, of which the most local region is the southern grid,
  0.4042 kgCO₂/kWh (2023 announcement, shipped unconfirmed);
- natural gas: 389.31 GJ/10⁴Nm³ × 0.01532 tC/GJ × 0.99 × 44/12 = 21.650152 tCO₂/10⁴Nm³
  (GB/T 32150-2015 annex defaults, shipped unconfirmed);
- a campus nets its sinks; per capita = total ÷ population, to 4 decimals.

THIS_YEAR-3 (baseline): (8,000,000 − 1,000,000) kWh × 0.0004042 = 2829.4;
    60 × 21.650152 = 1299.00912; − 16.5 sinks → total 4111.90912; ÷ 2400 → 1.7133
THIS_YEAR-2: (7,500,000 − 1,500,000) × 0.0004042 = 2425.2; 55 × 21.650152 = 1190.75836;
    − 20 → 3595.95836; ÷ 2450 → 1.4677
THIS_YEAR-1: (7,200,000 − 2,000,000) × 0.0004042 = 2101.84; 50 × 21.650152 = 1082.5076;
    − 22 → 3162.3476; ÷ 2500 → 1.2649

The plan (pilots.demo.demo_plan for a campus, moved back two years): baseline total 4320,
population 2400 → 1.8 per capita; milestones 95 %, 90 %, 85 % of the baseline:
total 4104, 3888, 3672 and per capita 1.71, 1.62, 1.53 for THIS_YEAR-2 … THIS_YEAR.
"""
from decimal import Decimal

from django.utils import timezone

from disclosure import activity
from pilots import services
from pilots.choices import State
from pilots.demo import demo_plan
from pilots.models import Batch, Category, Project
from tests import factories

THIS_YEAR = timezone.localdate().year
BASE_YEAR = THIS_YEAR - 3
Y1, Y2 = THIS_YEAR - 2, THIS_YEAR - 1

ACTIVITY = {
    BASE_YEAR: {"purchased_electricity": "8000000", "green_electricity": "1000000",
                "fuel-natural_gas": "60", "sink": "16.5", "population": "2400"},
    Y1: {"purchased_electricity": "7500000", "green_electricity": "1500000",
         "fuel-natural_gas": "55", "sink": "20", "population": "2450"},
    Y2: {"purchased_electricity": "7200000", "green_electricity": "2000000",
         "fuel-natural_gas": "50", "sink": "22", "population": "2500"},
}
TOTAL = {BASE_YEAR: "4111.90912", Y1: "3595.95836", Y2: "3162.3476"}
PER_CAPITA = {BASE_YEAR: "1.7133", Y1: "1.4677", Y2: "1.2649"}
ELECTRICITY_T = {BASE_YEAR: "2829.4", Y1: "2425.2", Y2: "2101.84"}
GAS_T = {BASE_YEAR: "1299.00912", Y1: "1190.75836", Y2: "1082.5076"}
MILESTONES_TOTAL = {Y1: Decimal("4104"), Y2: Decimal("3888"), THIS_YEAR: Decimal("3672")}
MILESTONES_PER_CAPITA = {Y1: Decimal("1.71"), Y2: Decimal("1.62"), THIS_YEAR: Decimal("1.53")}

MEASURES = "完成教学楼屋顶光伏一期，食堂燃气灶具更换为电磁灶。"
NARRATIVE = "外购电力中绿色电力比例提高，燃气用量下降，排放总量较上年下降。"


def moved_back(plan: dict, years: int) -> dict:
    """``plan`` with every year in it ``years`` earlier."""
    def back(value):
        return value - years if isinstance(value, int) else value

    plan["denominators"] = {key: {str(int(y) - years): v for y, v in by_year.items()}
                            for key, by_year in plan["denominators"].items()}
    plan["baseline"]["year"] = back(plan["baseline"]["year"])
    plan["schedule"] = {k: back(v) for k, v in plan["schedule"].items()}
    for entry in plan["targets"].values():
        entry["milestones"] = {str(int(y) - years): v for y, v in entry["milestones"].items()}
    for task in plan["tasks"]:
        task["start_year"], task["end_year"] = back(task["start_year"]), back(task["end_year"])
    return plan


def disclosing_pilot(username, *, county="yizhou", name=None, with_activity=True,
                     state=State.CONSTRUCTION):
    """A campus pilot of a new applicant ``username`` in construction, its plan frozen, with
    the activity data of ACTIVITY entered by its builder. Returns (project, builder)."""
    user = factories.applicant(username, county=county)
    category = Category.objects.get(code="campus")
    project = services.create_project(actor=user, batch=Batch.objects.get(year=THIS_YEAR),
                                      category=category, name=name or f"{username}校园试点")
    services.save_plan(project, user, moved_back(demo_plan(category), 2))
    project = services.fire(project, "submit", user)
    Project.objects.filter(pk=project.pk).update(state=State.CONSTRUCTION)
    project = Project.objects.get(pk=project.pk)
    if with_activity:
        for year, raw in ACTIVITY.items():
            activity.save_activity(project, user, year, raw)
    if state != State.CONSTRUCTION:
        Project.objects.filter(pk=project.pk).update(state=state)
        project = Project.objects.get(pk=project.pk)
    return project, user


def publish_year(project, builder, checker, year, *, measures=MEASURES, narrative=NARRATIVE,
                 correction_note=""):
    """Prepare, submit and publish ``year`` through the services; the published row."""
    from disclosure import disclosures

    disclosure = disclosures.prepare_and_submit(project, builder, year, measures=measures,
                                                narrative=narrative,
                                                correction_note=correction_note)
    return disclosures.publish(disclosure, checker)

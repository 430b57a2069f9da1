"""Demo data: the people of DOMAIN §2 and projects standing in every state (idempotent)."""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import plan as plan_rules
from . import registry, services
from .choices import IndicatorKind, OrganisationType, Role, State, Support, TaskField
from .models import (
    Batch,
    Category,
    County,
    Department,
    EmailStatus,
    KeyPark,
    Notification,
    Organisation,
    Project,
    RoleGrant,
    User,
)
from .validators import uscc_check_character

DEMO_COUNTIES = {"jinchengjiang": "451202", "yizhou": "451203"}
DEMO_CATEGORIES = ["region", "park", "community", "campus", "commercial"]
CITY_OFFICERS = ["ecology", "ndrc", "industry", "education", "commerce"]
EXPERTS = [("expert1", "李", "建华"), ("expert2", "王", "晓梅"), ("expert3", "陈", "志远"),
           ("expert4", "黄", "立新"), ("expert5", "韦", "春燕"), ("expert6", "覃", "国强")]

# category: (organisation type, organisation name pattern, project name pattern)
APPLICANTS = {
    "region": (OrganisationType.ADMINISTRATION, "{county}城西新区管理委员会", "{county}城西新区近零碳排放区域"),
    "park": (OrganisationType.PARK_COMMITTEE, "{county}工业园区管理委员会", "{county}工业园区近零碳排放园区"),
    "community": (OrganisationType.RESIDENTS_COMMITTEE, "{county}城北社区居民委员会", "{county}城北社区近零碳排放社区"),
    "campus": (OrganisationType.SCHOOL, "{county}第一初级中学", "{county}第一初级中学近零碳排放校园"),
    "commercial": (OrganisationType.VENUE_OPERATOR, "{county}城市商贸物流中心有限公司", "{county}商贸物流中心近零碳排放商业场所"),
}

# Where each extra project should end up, and the path that takes it there.
TO_COUNTY_REVIEW = ["submit"]
TO_CITY_REVIEW = [*TO_COUNTY_REVIEW, "county_forward"]
TO_EXPERT_REVIEW = [*TO_CITY_REVIEW, "start_expert_review"]
TO_REVISION = [*TO_EXPERT_REVIEW, "select"]
TO_PUBLICITY = [*TO_REVISION, "submit_revision", "start_publicity"]
TO_CONSTRUCTION = [*TO_PUBLICITY, "confirm"]
TO_ACCEPTANCE_REVIEW = [*TO_CONSTRUCTION, "apply_acceptance", "forward_acceptance"]
TO_TITLED = [*TO_ACCEPTANCE_REVIEW, "grant_title"]
PATHS = {
    State.COUNTY_REVIEW: TO_COUNTY_REVIEW,
    State.RETURNED: [*TO_COUNTY_REVIEW, "county_return"],
    State.CITY_REVIEW: TO_CITY_REVIEW,
    State.EXPERT_REVIEW: TO_EXPERT_REVIEW,
    State.REVISION: TO_REVISION,
    State.REVISION_CHECK: [*TO_REVISION, "submit_revision"],
    State.PUBLICITY: TO_PUBLICITY,
    State.CONSTRUCTION: TO_CONSTRUCTION,
    State.ACCEPTANCE_CHECK: [*TO_CONSTRUCTION, "apply_acceptance"],
    State.ACCEPTANCE_REVIEW: TO_ACCEPTANCE_REVIEW,
    State.TITLED: TO_TITLED,
    State.RECHECK: [*TO_TITLED, "start_recheck"],
    State.REVOKED: [*TO_TITLED, "revoke"],
    State.NOT_SELECTED: [*TO_EXPERT_REVIEW, "not_select"],
    State.WITHDRAWN: [*TO_COUNTY_REVIEW, "withdraw"],
    State.CANCELLED: [*TO_CONSTRUCTION, "cancel"],
}

SURNAMES = "王李张刘陈杨黄吴周徐孙马朱胡郭何林罗高梁韦覃蒙莫"
GIVEN = ["芳", "伟", "娜", "强", "静", "磊", "敏", "洋", "艳", "杰", "丽", "军", "婷", "勇",
         "霞", "涛", "萍", "斌", "琳", "鹏", "燕", "浩", "玲", "峰", "红", "明"]


def _name(i):
    """A plausible demo name (surname, given name), the same for the same number."""
    return SURNAMES[i % len(SURNAMES)], GIVEN[(i * 7) % len(GIVEN)]


REASONS = {
    "county_forward": "方案内容完整，建设目标明确，同意上报。",
    "county_return": "基准年能源结构数据缺少统计来源，请补充说明后重新提交。",
    "not_select": "减排路径与本地实际结合不够，复制推广价值有限。",
    "forward_acceptance": "自评价报告齐全，同意报送市生态环境局组织验收。",
    "pass_recheck": "复核期内各项指标保持稳定下降，同意保留称号。",
    "revoke": "复核发现碳排放总量连续两年上升，管理缺位，取消称号。",
    "cancel": "建设主体主动申请终止试点建设。",
}


def credit_code(county_code: str, category: str, n: int) -> str:
    authority = "12" if category in {"region", "campus", "park"} else ("52" if category == "community" else "91")
    first17 = f"{authority}{DEMO_COUNTIES[county_code]}{n:09d}"
    return first17 + uscc_check_character(first17)


# category: (area in km², baseline total emissions in t CO₂, denominators of the baseline
# year). Intensity baselines are computed from these, so every demo plan adds up.
DEMO_FIGURES = {
    "region": ("12.5", "368000", {"population": "46000"}),
    "park": ("8.6", "920000", {"output_value": "2300000", "value_added": "690000"}),
    "community": ("0.8", "30000", {"population": "12000"}),
    "campus": ("0.35", "4320", {"population": "2400"}),
    "commercial": ("0.12", "8500", {"floor_area": "85000", "population": "3400"}),
}
DEMO_OTHER_FIGURES = ("1", "10000", {"population": "5000", "floor_area": "50000",
                                     "output_value": "100000", "value_added": "30000"})
FALLING = (Decimal("0.95"), Decimal("0.9"), Decimal("0.85"))  # of the baseline, year by year
AWARENESS = ("60", ("70", "80", "90"))
# field, measure, expected result, investment (万元), first and last year from the start
DEMO_TASKS = [
    (TaskField.ENERGY, "建设屋顶分布式光伏3兆瓦，推进电能替代。",
     "年发电约300万千瓦时，替代同量外购电力。", "1500", 0, 1),
    (TaskField.BUILDINGS, "既有建筑节能改造8万平方米，新建建筑执行绿色建筑二星标准。",
     "改造建筑单位面积能耗下降15%。", "2000", 0, 2),
    (TaskField.TRANSPORT, "公务及场内车辆全面电动化，新增充电桩120个。",
     "场内车辆电动化率达到100%。", "600", 1, 2),
    (TaskField.CARBON_SINK, "新增绿地2公顷，实施立体绿化。",
     "新增绿地碳汇约30吨二氧化碳/年。", "200", 0, 1),
    (TaskField.MANAGEMENT, "建立能源与碳排放在线监测平台，按月统计分析。",
     "重点用能设施计量覆盖率达到100%。", "500", 0, 0),
]


def demo_plan(category: Category) -> dict:
    """A complete creation plan for ``category`` (schema 2) whose figures add up."""
    year = timezone.localdate().year
    area, total, denominators = DEMO_FIGURES.get(category.code, DEMO_OTHER_FIGURES)
    indicators = []
    chosen_groups = set()
    for indicator in category.indicators.all():
        if indicator.alternative_group:
            if indicator.alternative_group in chosen_groups:
                continue
            chosen_groups.add(indicator.alternative_group)
        indicators.append(indicator)
    conditions = [c for c in category.eligibility_conditions.all() if c.is_active]
    key_park = None
    if any(c.code == plan_rules.KEY_PARK_CONDITION for c in conditions):
        key_park = KeyPark.objects.filter(is_listed=True).values_list("pk", flat=True).first()
    plan = plan_rules.empty_plan()
    plan.update({
        "overview": {"location": "广西河池市", "boundary": "以规划红线为界，详见附图。",
                     "area_km2": area, "key_park": key_park},
        "denominators": {i.denominator: {str(year - 1): denominators[i.denominator]}
                         for i in indicators if i.denominator},
        "baseline": {"year": year - 1, "total_emissions_t": total,
                     "energy_mix": {"electricity": "62", "coal": "8", "natural_gas": "12",
                                    "oil": "10", "renewable": "8"}},
        "investment": {"total_wan_yuan": "4800",
                       "support_sought": [Support.CENTRAL_BUDGET_INVESTMENT, Support.GREEN_CREDIT]},
        "schedule": {"start_year": year, "end_year": year + 2},
        "safeguards": "成立由主要负责人任组长的创建工作领导小组，落实专人负责，资金纳入年度预算。",
        "eligibility": {"confirmed": [c.code for c in conditions
                                      if c.code != plan_rules.KEY_PARK_CONDITION]},
    })
    for indicator in indicators:
        if indicator.must_fall:
            base = Decimal(total) if indicator.kind == IndicatorKind.TOTAL else \
                plan_rules.rounded(plan_rules.computed_intensity(plan, indicator))
            steps = [plan_rules.decimal_text(plan_rules.rounded(base * f, 2)) for f in FALLING]
            base = plan_rules.decimal_text(base)
        else:
            base, steps = AWARENESS
        entry = {"baseline": base, "target": steps[-1],
                 "milestones": {str(year + i): v for i, v in enumerate(steps)}}
        if plan_rules.baseline_is_derived(indicator):
            del entry["baseline"]  # the baseline total, or computed from it: not typed
        plan["targets"][indicator.code] = entry
    for field, measure, result, money, first, last in DEMO_TASKS:
        task_id = plan_rules.add_task(plan)
        plan["tasks"][-1].update(id=task_id, field=field, measure=measure,
                                 expected_result=result, investment_wan_yuan=money,
                                 start_year=year + first, end_year=year + last)
    return plan


def _user(username, password, *, first="", last="", roles=(), organisation=None,
           department=None, email_domain="demo.hechi.gov.cn"):
    user, created = User.objects.get_or_create(username=username, defaults={
        "first_name": first, "last_name": last, "organisation": organisation,
        "department": department, "email": f"{username}@{email_domain}",
    })
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    for role in roles:
        RoleGrant.objects.get_or_create(user=user, role=role)
    return user


def _batches():
    today = timezone.localdate()
    current, _ = Batch.objects.get_or_create(year=today.year, defaults={
        "name": f"{today.year}年度近零碳排放区试点申报",
        "opens_on": datetime.date(today.year, 1, 1), "closes_on": datetime.date(today.year, 12, 31),
    })
    return current


@transaction.atomic
def seed(password: str) -> dict:
    """Create (or complete) the demo data; returns the demo users by role for printing."""
    batch = _batches()
    last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    city = {d.body.code: d for d in Department.objects.filter(county__isnull=True).select_related("body")}
    logins = {"ecology_admin": [], "city_officer": [], "county_officer": [], "applicant": [],
              "consultant": [], "expert": []}

    admin = _user("eco_admin", password, last="赵", first="敏", roles=[Role.ECOLOGY_ADMIN],
                  department=city["ecology"])
    logins["ecology_admin"].append(admin.username)
    for body in CITY_OFFICERS:
        last, first = _name(len(logins["city_officer"]) + 1)
        u = _user(f"city_{body}", password, last=last, first=first, roles=[Role.CITY_OFFICER],
                  department=city[body])
        logins["city_officer"].append(u.username)

    officers, applicants = {}, {}
    for county_code in DEMO_COUNTIES:
        county = County.objects.get(code=county_code)
        depts = {d.body.code: d for d in county.departments.select_related("body")}
        for body in CITY_OFFICERS:
            roles = [Role.COUNTY_OFFICER] + ([Role.COUNTY_ECOLOGY] if body == "ecology" else [])
            last, first = _name(len(logins["county_officer"]) + 6)
            u = _user(f"{county_code}_{body}", password, last=last, first=first, roles=roles,
                      department=depts[body])
            officers[(county_code, body)] = u
            logins["county_officer"].append(u.username)
        for n, category_code in enumerate(DEMO_CATEGORIES, start=1):
            org_type, org_pattern, _project_name = APPLICANTS[category_code]
            org, _ = Organisation.objects.get_or_create(
                name=org_pattern.format(county=county.name),
                defaults={"org_type": org_type, "county": county,
                          "credit_code": credit_code(county_code, category_code, 700000 + n),
                          "contact_name": "联系人", "contact_phone": "0778-2200000"},
            )
            last, first = _name(len(logins["applicant"]) + 16)
            u = _user(f"app_{category_code}_{county_code}", password, last=last, first=first,
                      roles=[Role.APPLICANT],
                      organisation=org, email_domain="demo.example.cn")
            applicants[(county_code, category_code)] = u
            logins["applicant"].append(u.username)
    consultancy, _ = Organisation.objects.get_or_create(
        name="广西绿源低碳技术咨询有限公司",
        defaults={"org_type": OrganisationType.CONSULTANCY,
                  "county": County.objects.get(code="jinchengjiang"),
                  "credit_code": credit_code("jinchengjiang", "consultancy", 700099),
                  "contact_name": "联系人", "contact_phone": "0778-2211000"},
    )
    consultant = _user("consultant1", password, last="蓝", first="天", roles=[Role.CONSULTANT],
                       organisation=consultancy, email_domain="demo.example.cn")
    logins["consultant"] = [consultant.username]
    experts = []
    for username, last, first in EXPERTS:
        experts.append(_user(username, password, last=last, first=first, roles=[Role.EXPERT]))
        logins["expert"].append(username)
    # What the apps above add to the demo's people (e.g. the expert pool's profiles).
    registry.run_demo_seeds({
        "admin": admin, "experts": experts, "applicants": applicants,
        "consultancy": consultancy,
        "counties": {c.code: c for c in County.objects.filter(code__in=DEMO_COUNTIES)},
    })

    # One draft with a complete plan per applicant.
    for (_county, category_code), applicant in applicants.items():
        _project(batch, applicant, APPLICANTS[category_code][2].format(
            county=applicant.organisation.county.name))

    # Projects standing in every other state, walked through the real lifecycle.
    combos = list(applicants.items())
    walked = []

    def extra_project(path):
        i = len(walked)
        walked.append(path)
        (county_code, category_code), applicant = combos[i % len(combos)]
        name = f"{APPLICANTS[category_code][2].format(county=applicant.organisation.county.name)}（示范{i + 1:02d}）"
        project, created = _project(batch, applicant, name)
        if created:
            _walk(project, path, applicant=applicant, admin=admin, experts=experts,
                  county_officer=_county_officer(officers, county_code, project.category),
                  county_ecology=officers[(county_code, "ecology")])
        return project, created

    for path in PATHS.values():
        extra_project(path)
    # What the apps above add once the projects stand (e.g. panels in each state).
    registry.run_demo_finishers({"admin": admin, "experts": experts}, extra_project)
    # The demo's history is not news: its notifications stay in the portal, unmailed
    # (marked in this transaction, before any worker or sweeper could claim them).
    Notification.objects.filter(pk__gt=last_notification,
                                email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.NONE)
    return logins


def _project(batch, applicant, name):
    project = Project.objects.filter(applicant=applicant.organisation, name=name).first()
    if project:
        return project, False
    category = Category.objects.get(code=_category_of(applicant))
    project = services.create_project(actor=applicant, batch=batch, category=category, name=name)
    services.save_plan(project, applicant, demo_plan(category))
    return project, True


def _category_of(applicant):
    return applicant.username.split("_")[1]


def _county_officer(officers, county_code, category):
    for body in category.lead_bodies.order_by("order"):
        if (county_code, body.code) in officers:
            return officers[(county_code, body.code)]
    raise LookupError(category.code)


def _walk(project, path, *, applicant, admin, experts, county_officer, county_ecology):
    """Fire ``path`` on ``project``; what each app must do before a step (forming a panel)
    and the input it gives a step come from the apps' demo registrations."""
    actors = {
        "submit": applicant, "withdraw": applicant, "submit_revision": applicant,
        "apply_acceptance": applicant, "county_forward": county_officer,
        "county_return": county_officer, "return_acceptance": county_ecology,
        "forward_acceptance": county_ecology,
    }
    people = {"admin": admin, "experts": experts, "applicant": applicant,
              "county_officer": county_officer, "county_ecology": county_ecology}
    for step in path:
        registry.prepare_for(step, project, people)
        project = services.fire(project, step, actors.get(step, admin),
                                reason=REASONS.get(step, ""),
                                data=registry.demo_input(step, project),
                                ip_address="127.0.0.1")

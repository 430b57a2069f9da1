"""Stable ASCII keys of the pilot domain, with their translatable labels."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    COUNTY_REVIEW = "county_review", _("县(区)审核")
    RETURNED = "returned", _("已退回")
    CITY_REVIEW = "city_review", _("市级审核")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    REVISION = "revision", _("方案完善")
    REVISION_CHECK = "revision_check", _("完善稿审核")
    PUBLICITY = "publicity", _("公示")
    CONSTRUCTION = "construction", _("建设实施")
    ACCEPTANCE_CHECK = "acceptance_check", _("验收申请审核")
    ACCEPTANCE_REVIEW = "acceptance_review", _("验收评审")
    TITLED = "titled", _("已授予称号")
    RECHECK = "recheck", _("复核")
    REVOKED = "revoked", _("已取消称号")
    NOT_SELECTED = "not_selected", _("未入选")
    WITHDRAWN = "withdrawn", _("已撤回")
    CANCELLED = "cancelled", _("已终止")


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报单位")
    CONSULTANT = "consultant", _("专业机构")
    COUNTY_OFFICER = "county_officer", _("县(区)主管部门")
    COUNTY_ECOLOGY = "county_ecology", _("属地生态环境部门")
    CITY_OFFICER = "city_officer", _("市级主管部门")
    ECOLOGY_ADMIN = "ecology_admin", _("市生态环境局管理员")
    EXPERT = "expert", _("专家")


class OrganisationType(models.TextChoices):
    ADMINISTRATION = "administration", _("城区、新区、重点片区行政主管部门")
    PARK_COMMITTEE = "park_committee", _("园区管理委员会")
    RESIDENTS_COMMITTEE = "residents_committee", _("社区居民委员会")
    DEVELOPER = "developer", _("开发商")
    PROPERTY_COMPANY = "property_company", _("物业管理公司")
    SCHOOL = "school", _("学校")
    VENUE_OPERATOR = "venue_operator", _("商业场所运营管理单位")
    ENTERPRISE = "enterprise", _("企业")
    CONSULTANCY = "consultancy", _("专业机构")
    OTHER = "other", _("其他")


class Denominator(models.TextChoices):
    """What an intensity indicator divides its emissions by."""

    NONE = "", _("无(总量)")
    POPULATION = "population", _("人口")
    FLOOR_AREA = "floor_area", _("建筑面积")
    OUTPUT_VALUE = "output_value", _("产值")
    VALUE_ADDED = "value_added", _("工业增加值")


class IndicatorKind(models.TextChoices):
    INTENSITY = "intensity", _("强度指标")
    TOTAL = "total", _("总量指标")
    AWARENESS = "awareness", _("意识指标")


class Support(models.TextChoices):
    """Funding and green finance a pilot may seek (work plan §4(二))."""

    AIR_POLLUTION_FUND = "air_pollution_fund", _("中央大气污染防治专项资金")
    CENTRAL_BUDGET_INVESTMENT = "central_budget_investment", _("污染治理和减碳中央预算内投资专项资金")
    REGIONAL_INDUSTRY_FUND = "regional_industry_fund", _("自治区工业振兴资金")
    GREEN_CREDIT = "green_credit", _("绿色信贷")
    GREEN_BOND = "green_bond", _("绿色债券")
    GREEN_FUND = "green_fund", _("绿色基金")
    COUNTY_FUNDING = "county_funding", _("县(区)资金支持")


class TaskField(models.TextChoices):
    """The fields in which a creation plan sets out its tasks and measures."""

    ENERGY = "energy", _("能源")
    INDUSTRY = "industry", _("产业")
    BUILDINGS = "buildings", _("建筑")
    TRANSPORT = "transport", _("交通")
    CARBON_SINK = "carbon_sink", _("碳汇")
    LOW_CARBON_LIVING = "low_carbon_living", _("低碳生活")
    MANAGEMENT = "management", _("管理")


class EnergySource(models.TextChoices):
    ELECTRICITY = "electricity", _("外购电力")
    COAL = "coal", _("煤炭")
    OIL = "oil", _("油品")
    NATURAL_GAS = "natural_gas", _("天然气")
    RENEWABLE = "renewable", _("可再生能源")
    OTHER = "other", _("其他")

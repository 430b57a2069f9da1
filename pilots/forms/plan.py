"""Forms for starting a project and for drafting its creation plan (创建方案).

``PlanForm`` lays the plan JSON of ``pilots.plan`` out as flat fields for one category.
Every field is optional, so a draft may be partial; what a complete plan needs is
``pilots.plan.problems()``'s business, and ``add_problems()`` puts each problem next to
the field it belongs to.
"""
import unicodedata
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..choices import EnergySource, Support, TaskField
from ..models import Category
from ..plan import MIN_TASK_FIELDS, empty_plan
from ..plan_display import (
    BASELINE,
    INVESTMENT,
    OVERVIEW,
    SAFEGUARDS,
    SCHEDULE,
    TARGETS,
    TASKS,
    denominator_keys,
    denominator_label,
    number_text,
)

MILESTONE_SPAN = 5  # milestone years offered: the batch year and the four after it
TEXT_MAX = 5000

NUMBER_ERRORS = {
    "invalid": _("请输入数字。"),
    "min_value": _("不能小于%(limit_value)s。"),
    "max_value": _("不能大于%(limit_value)s。"),
    "max_digits": _("数字总位数不能超过%(max)s位。"),
    "max_decimal_places": _("小数点后不能超过%(max)s位。"),
    "max_whole_digits": _("整数部分不能超过%(max)s位。"),
}
YEAR_ERRORS = {
    "invalid": _("请输入四位数年份，如2024。"),
    "min_value": _("年份不能早于%(limit_value)s。"),
    "max_value": _("年份不能晚于%(limit_value)s。"),
}
TEXT_ERRORS = {"max_length": _("最多%(limit_value)d字(当前%(show_value)d字)。")}


def _positive(value):
    if value is not None and value <= 0:
        raise ValidationError(_("应大于0。"), code="positive")


class PlanNumberField(forms.DecimalField):
    """A decimal typed as text: accepts full-width digits, thousands separators and a "%"."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 6)
        kwargs.setdefault("error_messages", NUMBER_ERRORS)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value)
            value = value.replace(",", "").replace(" ", "").removesuffix("%")
        return super().to_python(value)

    def widget_attrs(self, widget):
        # A text box, not type=number: the browser keeps what was typed and we explain errors.
        return {"inputmode": "decimal", "autocomplete": "off"}


class YearField(forms.IntegerField):
    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("error_messages", YEAR_ERRORS)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip().removesuffix("年")
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}


def _text(label, *, rows=None, max_length=TEXT_MAX, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget,
                           help_text=help_text, error_messages=TEXT_ERRORS)


def _json_number(value):
    """A cleaned Decimal as the int or float the plan JSON holds."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class Section(NamedTuple):
    title: str
    fields: list
    anchor: str  # the ASCII id the page links to
    note: str = ""


class TargetRow(NamedTuple):
    indicator: object
    baseline: forms.BoundField
    target: forms.BoundField
    milestones: list

    @property
    def errors(self):
        return [e for bf in (self.baseline, self.target, *self.milestones) for e in bf.errors]


class PlanForm(forms.Form):
    """The creation plan of ``project``, one field per leaf of the plan JSON."""

    location = _text(_("项目位置"), max_length=200,
                     help_text=_("如：河池市宜州区庆远镇城西路88号"))
    boundary = _text(_("试点边界范围"), rows=3,
                     help_text=_("说明边界四至、包含的建筑和设施，可在附件中提供边界图。"))
    area_km2 = PlanNumberField(label=_("占地面积(平方公里)"), validators=[_positive])
    baseline_year = YearField(label=_("基准年"))
    total_emissions_t = PlanNumberField(label=_("基准年碳排放总量(吨二氧化碳)"),
                                        validators=[_positive])
    total_wan_yuan = PlanNumberField(label=_("计划总投资(万元)"), validators=[_positive])
    support_sought = forms.MultipleChoiceField(
        label=_("拟申请的资金和绿色金融支持"), required=False, choices=Support.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("「%(value)s」不是有效的选项。")},
    )
    start_year = YearField(label=_("建设开始年份"))
    end_year = YearField(label=_("建设结束年份"))
    safeguards = _text(_("组织实施与保障措施"), rows=5,
                       help_text=_("组织领导、责任分工、资金保障、监测统计和考核机制等。"))

    def __init__(self, project, data=None):
        self.project = project
        self.indicators = list(project.category.indicators.all())
        plan = project.plan if isinstance(project.plan, dict) else {}
        self.milestone_years = self._milestone_years(project.batch.year, plan)
        self.denominator_keys = denominator_keys(
            self.indicators, (plan.get("overview") or {}).get("denominators") or {})
        super().__init__(data=data, initial=self._initial(plan))
        self.indicator_of = {}  # target field name -> its indicator
        self._add_category_fields()

    # --- building -----------------------------------------------------------
    def _milestone_years(self, first, plan):
        """The batch's five years, plus any year the saved plan already has (never lose data)."""
        years = set(range(first, first + MILESTONE_SPAN))
        for entry in (plan.get("targets") or {}).values():
            milestones = entry.get("milestones") if isinstance(entry, dict) else None
            years.update(int(y) for y in milestones or {} if str(y).isdigit())
        return sorted(years)

    def _add_category_fields(self):
        fields = self.fields
        for key in self.denominator_keys:
            fields[f"denom_{key}"] = PlanNumberField(label=denominator_label(key),
                                                     validators=[_positive])
        for source in EnergySource:
            fields[f"mix_{source.value}"] = PlanNumberField(
                label=_("%(source)s占比(%%)") % {"source": source.label},
                min_value=0, max_value=100)
        for indicator in self.indicators:
            code = indicator.code
            fields[f"t_{code}_baseline"] = PlanNumberField(label=_("基准值"))
            fields[f"t_{code}_target"] = PlanNumberField(label=_("目标值"))
            for year in self.milestone_years:
                fields[f"t_{code}_y{year}"] = PlanNumberField(
                    label=_("%(year)s年") % {"year": year})
            for name in (f"t_{code}_baseline", f"t_{code}_target",
                         *(f"t_{code}_y{y}" for y in self.milestone_years)):
                self.indicator_of[name] = indicator
        for task in TaskField:
            fields[f"task_{task.value}"] = _text(task.label, rows=3)

    def _initial(self, plan) -> dict:
        overview = plan.get("overview") or {}
        baseline = plan.get("baseline") or {}
        investment = plan.get("investment") or {}
        schedule = plan.get("schedule") or {}
        initial = {
            "location": overview.get("location") or "",
            "boundary": overview.get("boundary") or "",
            "area_km2": number_text(overview.get("area_km2")),
            "baseline_year": number_text(baseline.get("year")),
            "total_emissions_t": number_text(baseline.get("total_emissions_t")),
            "total_wan_yuan": number_text(investment.get("total_wan_yuan")),
            "support_sought": list(investment.get("support_sought") or []),
            "start_year": number_text(schedule.get("start_year")),
            "end_year": number_text(schedule.get("end_year")),
            "safeguards": plan.get("safeguards") or "",
        }
        for key, value in (overview.get("denominators") or {}).items():
            initial[f"denom_{key}"] = number_text(value)
        for source, value in (baseline.get("energy_mix") or {}).items():
            initial[f"mix_{source}"] = number_text(value)
        for code, entry in (plan.get("targets") or {}).items():
            if not isinstance(entry, dict):
                continue
            initial[f"t_{code}_baseline"] = number_text(entry.get("baseline"))
            initial[f"t_{code}_target"] = number_text(entry.get("target"))
            for year, value in (entry.get("milestones") or {}).items():
                initial[f"t_{code}_y{year}"] = number_text(value)
        for task, text in (plan.get("tasks") or {}).items():
            initial[f"task_{task}"] = text or ""
        return initial

    # --- reading back -------------------------------------------------------
    def to_plan(self) -> dict:
        """The cleaned fields as a plan in the structure of ``pilots.plan.empty_plan()``."""
        data = self.cleaned_data
        plan = empty_plan()
        overview = plan["overview"]
        overview["location"] = data["location"]
        overview["boundary"] = data["boundary"]
        overview["area_km2"] = _json_number(data["area_km2"])
        for key in self.denominator_keys:
            value = _json_number(data[f"denom_{key}"])
            if value is not None:
                overview["denominators"][key] = value

        baseline = plan["baseline"]
        baseline["year"] = data["baseline_year"]
        baseline["total_emissions_t"] = _json_number(data["total_emissions_t"])
        for source in EnergySource.values:
            value = _json_number(data[f"mix_{source}"])
            if value is not None:
                baseline["energy_mix"][source] = value

        for indicator in self.indicators:
            code = indicator.code
            milestones = {}
            for year in self.milestone_years:
                value = _json_number(data[f"t_{code}_y{year}"])
                if value is not None:
                    milestones[str(year)] = value
            base = _json_number(data[f"t_{code}_baseline"])
            goal = _json_number(data[f"t_{code}_target"])
            if base is not None or goal is not None or milestones:
                plan["targets"][code] = {"baseline": base, "target": goal,
                                         "milestones": milestones}

        for task in TaskField.values:
            if data[f"task_{task}"]:
                plan["tasks"][task] = data[f"task_{task}"]

        plan["investment"]["total_wan_yuan"] = _json_number(data["total_wan_yuan"])
        plan["investment"]["support_sought"] = [
            s for s in Support.values if s in data["support_sought"]]
        plan["schedule"]["start_year"] = data["start_year"]
        plan["schedule"]["end_year"] = data["end_year"]
        plan["safeguards"] = data["safeguards"]
        return plan

    def field_for(self, problem_field: str) -> str | None:
        """The form field a ``Problem.field`` of ``pilots.plan`` belongs to (None: the whole form)."""
        first_mix = f"mix_{EnergySource.values[0]}"
        first_task = f"task_{TaskField.values[0]}"
        fixed = {
            "overview.location": "location",
            "overview.boundary": "boundary",
            "overview.area_km2": "area_km2",
            "baseline.year": "baseline_year",
            "baseline.total_emissions_t": "total_emissions_t",
            "baseline.energy_mix": first_mix,
            "tasks": first_task,
            "investment.total_wan_yuan": "total_wan_yuan",
            "investment.support_sought": "support_sought",
            "schedule": "start_year",
            "safeguards": "safeguards",
        }
        name = fixed.get(problem_field)
        if name is None and problem_field.startswith("overview.denominators."):
            name = "denom_" + problem_field.removeprefix("overview.denominators.")
        if name is None and problem_field.startswith("targets."):
            name = f"t_{problem_field.removeprefix('targets.')}_target"
        return name if name in self.fields else None

    def add_problems(self, problems):
        """Show each ``pilots.plan.Problem`` next to its field (call after ``is_valid()``)."""
        for problem in problems:
            self.add_error(self.field_for(problem.field), problem.message)

    # --- laying out ---------------------------------------------------------
    def full_label(self, name) -> str:
        """A field's label that makes sense out of its table, e.g. 人均碳排放量 基准值."""
        label = str(self.fields[name].label)
        indicator = self.indicator_of.get(name)
        return f"{indicator.name} {label}" if indicator else label

    def error_list(self) -> list[dict]:
        """Every field error in page order: {"field", "label", "message"}, for a summary."""
        return [
            {"field": bf.name, "label": self.full_label(bf.name), "message": message}
            for section in self.sections() for bf in section.fields for message in bf.errors
        ]

    def sections(self) -> list[Section]:
        def bound(names):
            return [self[name] for name in names]

        codes = [i.code for i in self.indicators]
        target_names = [
            name for code in codes
            for name in (f"t_{code}_baseline", f"t_{code}_target",
                         *(f"t_{code}_y{y}" for y in self.milestone_years))
        ]
        return [
            Section(OVERVIEW, bound(["location", "boundary", "area_km2",
                                     *(f"denom_{k}" for k in self.denominator_keys)]),
                    "overview", _("填写试点所在位置、边界和规模；人口、建筑面积等用于计算强度指标。")),
            Section(BASELINE, bound(["baseline_year", "total_emissions_t",
                                     *(f"mix_{s}" for s in EnergySource.values)]),
                    "baseline", _("能源结构填写各类能源占能源消费总量的比例(%)，各项之和应为100%。")),
            Section(TARGETS, bound(target_names), "targets",
                    _("逐年目标只需填写建设期内的年份；排放类指标应逐年稳步下降，意识类指标应逐年提升。")),
            Section(TASKS, bound(f"task_{t}" for t in TaskField.values), "tasks",
                    _("请至少在%(n)s个领域填写重点任务和措施。") % {"n": MIN_TASK_FIELDS}),
            Section(INVESTMENT, bound(["total_wan_yuan", "support_sought"]), "investment"),
            Section(SCHEDULE, bound(["start_year", "end_year"]), "schedule"),
            Section(SAFEGUARDS, bound(["safeguards"]), "safeguards"),
        ]

    def target_rows(self) -> list[TargetRow]:
        return [
            TargetRow(indicator, self[f"t_{indicator.code}_baseline"],
                      self[f"t_{indicator.code}_target"],
                      [self[f"t_{indicator.code}_y{y}"] for y in self.milestone_years])
            for indicator in self.indicators
        ]


class ProjectCreateForm(forms.Form):
    """Name and category of a new pilot project (the batch is the current one)."""

    name = forms.CharField(label=_("项目名称"), max_length=120,
                           help_text=_("如：宜州区第一初级中学近零碳排放校园"),
                           error_messages={"required": _("请填写项目名称。"), **TEXT_ERRORS})
    category = forms.ModelChoiceField(
        label=_("试点类别"), queryset=Category.objects.none(), widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("请选择试点类别。"),
                        "invalid_choice": _("该试点类别暂未开放申报。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_open=True).order_by("order")

"""Forms for starting a project and for drafting its creation plan (创建方案).

``PlanForm`` lays the plan JSON of ``pilots.plan`` (schema 2) out as flat fields for one
category, plus one ``TaskItemForm`` per task item (prefix ``task-<n>``; rows are read from
whatever ``task-<n>-…`` keys the page sends, so a row added in the browser needs no
counter). Every field is optional, so a draft may be partial; what a complete plan needs
is ``pilots.plan.problems()``'s business, and ``add_problems()`` puts each problem next to
the input of the path it names.
"""
import re
import unicodedata
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import plan as plan_rules
from ..choices import Denominator, EnergySource, Support, TaskField
from ..models import Category, KeyPark
from ..plan import number_text
from ..plan_display import (
    BASELINE,
    ELIGIBILITY,
    INVESTMENT,
    OVERVIEW,
    SAFEGUARDS,
    SCHEDULE,
    TARGETS,
    TASKS,
    denominator_keys,
    denominator_label,
    key_park_text,
)

MILESTONE_SPAN = 5  # milestone years offered: the batch year and the four after it
TEXT_MAX = 5000
BLANK_TASK_ROWS = plan_rules.MIN_TASK_FIELDS  # rows offered when the plan has no task yet
TASK_KEY = re.compile(r"^task-(\d{1,4})-")
# Commas that group the digits in threes (12,800.5); any other comma is a decimal comma.
GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")

NUMBER_ERRORS = {
    "invalid": _("请输入数字。"),
    "min_value": _("不能小于%(limit_value)s。"),
    "max_value": _("不能大于%(limit_value)s。"),
    "max_digits": _("数字总位数不能超过%(max)s位。"),
    "max_decimal_places": _("小数点后不能超过%(max)s位。"),
    "max_whole_digits": _("整数部分不能超过%(max)s位。"),
    "decimal_comma": _("请使用小数点，如2.5。"),
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
    """A decimal typed as text: accepts full-width digits, thousands separators and a "%".

    A comma is a thousands separator only where it groups digits in threes: "2,5" is
    refused rather than read as 25.
    """

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 6)
        kwargs.setdefault("error_messages", NUMBER_ERRORS)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).replace(" ", "").removesuffix("%")
            if "," in value:
                if not GROUPED.match(value):
                    raise ValidationError(self.error_messages["decimal_comma"],
                                          code="decimal_comma")
                value = value.replace(",", "")
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


def input_id(bf) -> str:
    """The id of the input a link to ``bf`` should land on: the first box of a group of
    checkboxes (its label's ``for`` is empty: the group is labelled by its legend)."""
    if bf.id_for_label:
        return bf.id_for_label
    subwidgets = bf.subwidgets
    return (subwidgets[0].id_for_label if subwidgets else "") or bf.auto_id


def _denominator_name(key) -> str:
    return str(Denominator(key).label) if key in Denominator.values else str(key)


def _stored(value) -> str:
    """A cleaned Decimal as the decimal string the plan JSON holds ("" for none)."""
    return "" if value is None else plan_rules.decimal_text(value)


class Section(NamedTuple):
    title: str
    fields: list
    anchor: str  # the ASCII id the page links to
    note: str = ""


class TargetRow(NamedTuple):
    indicator: object
    baseline: forms.BoundField | None  # None: the baseline is the baseline total or computed
    target: forms.BoundField
    milestones: list
    computed: str  # baseline total ÷ denominator, as typed or saved ("" when unknown)
    denominator: str  # what it is divided by, e.g. 人口 ("" for the total)

    @property
    def errors(self):
        fields = [bf for bf in (self.baseline, self.target, *self.milestones) if bf is not None]
        return [e for bf in fields for e in bf.errors]


class TaskItemForm(forms.Form):
    """One task item of the plan; ``id`` is kept in a hidden input once the item is saved."""

    id = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    field = forms.ChoiceField(label=_("领域"), required=False,
                              choices=[("", _("请选择领域"))] + TaskField.choices,
                              error_messages={"invalid_choice": _("请选择列出的领域。")})
    measure = _text(_("具体措施"), rows=2, max_length=2000,
                    help_text=_("写明做什么、做多少，如：建设屋顶分布式光伏500千瓦。"))
    expected_result = _text(_("预期成效"), rows=2, max_length=1000)
    investment_wan_yuan = PlanNumberField(label=_("投资(万元)"), min_value=0)
    start_year = YearField(label=_("开始年份"))
    end_year = YearField(label=_("结束年份"))

    INPUTS = ("field", "measure", "expected_result", "investment_wan_yuan", "start_year",
              "end_year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.task_id = ""  # the id the item has (or was given when saved)

    def is_blank(self) -> bool:
        return all(self.cleaned_data.get(name) in (None, "") for name in self.INPUTS)

    def to_item(self, task_id) -> dict:
        data = self.cleaned_data
        return {"id": task_id, "field": data["field"], "measure": data["measure"].strip(),
                "expected_result": data["expected_result"].strip(),
                "investment_wan_yuan": _stored(data["investment_wan_yuan"]),
                "start_year": data["start_year"], "end_year": data["end_year"]}

    @property
    def title(self) -> str:
        return plan_rules.task_name(self.task_id) if self.task_id else _("新任务")


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
        self.saved = plan_rules.upgrade(
            project.plan, derived_codes=plan_rules.derived_baseline_codes(self.indicators),
            fallback_year=project.batch.year - 1)
        conditions = [c for c in project.category.eligibility_conditions.all() if c.is_active]
        self.key_park_condition = next(
            (c for c in conditions if c.code == plan_rules.KEY_PARK_CONDITION), None)
        self.asks_key_park = self.key_park_condition is not None
        self.conditions = [c for c in conditions if c.code != plan_rules.KEY_PARK_CONDITION]
        self.milestone_years = self._milestone_years(project.batch.year, self.saved, data)
        self.denominator_keys = denominator_keys(self.indicators, self.saved["denominators"])
        super().__init__(data=data, initial=self._initial(self.saved))
        self.indicator_of = {}  # target field name -> its indicator
        self._add_category_fields()
        self.tasks = self._task_forms(data)
        self.task_problems: list[str] = []  # problems of the task list as a whole

    # --- building -----------------------------------------------------------
    def _milestone_years(self, first, plan, data):
        """The batch's five years, the construction term (saved, and as posted, so a refused
        submit shows an input for each year it asks for) and any year the saved plan already
        has (never lose data)."""
        years = set(range(first, first + MILESTONE_SPAN))
        schedule = plan["schedule"]
        terms = [(plan_rules.year_of(schedule.get("start_year")),
                  plan_rules.year_of(schedule.get("end_year")))]
        if data is not None:
            terms.append(tuple(plan_rules.year_of(unicodedata.normalize(
                "NFKC", str(data.get(k) or "")).strip().removesuffix("年"))
                for k in ("start_year", "end_year")))
        for start, end in terms:
            if start and end and 0 <= end - start < plan_rules.MAX_TERM_YEARS \
                    and 1900 <= start <= 2100:
                years.update(range(start, end + 1))
        for entry in plan["targets"].values():
            years.update(int(y) for y in entry["milestones"]
                         if str(y).isdecimal() and len(str(y)) == 4)
        return sorted(years)

    def _add_category_fields(self):
        fields = self.fields
        if self.asks_key_park:
            label = _("所在重点产业园区")
            if not self.key_park_condition.required:
                label = _("%(text)s(优先条件)") % {"text": label}
            fields["key_park"] = forms.TypedChoiceField(
                label=label, required=False, coerce=int, empty_value=None,
                choices=self._key_park_choices(),
                help_text=_("园区须已纳入自治区级及以上重点产业园区名录；名录由市生态环境局维护。"),
                error_messages={"invalid_choice": _("所选园区不在重点产业园区名录中。")})
        if self.conditions:
            fields["eligibility"] = forms.MultipleChoiceField(
                label=_("申报单位确认符合以下遴选条件"), required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(c.code, str(c) if c.required else _("%(text)s(优先条件)")
                          % {"text": str(c)}) for c in self.conditions],
                error_messages={"invalid_choice": _("「%(value)s」不是有效的选项。")})
        for key in self.denominator_keys:
            fields[f"denom_{key}"] = PlanNumberField(label=denominator_label(key),
                                                     validators=[_positive])
        for source in EnergySource:
            fields[f"mix_{source.value}"] = PlanNumberField(
                label=_("%(source)s占比(%%)") % {"source": source.label},
                min_value=0, max_value=100)
        for indicator in self.indicators:
            code = indicator.code
            names = [f"t_{code}_target", *(f"t_{code}_y{y}" for y in self.milestone_years)]
            if not plan_rules.baseline_is_derived(indicator):  # e.g. residents' awareness
                fields[f"t_{code}_baseline"] = PlanNumberField(label=_("基准值"))
                names.insert(0, f"t_{code}_baseline")
            fields[f"t_{code}_target"] = PlanNumberField(label=_("目标值"))
            for year in self.milestone_years:
                fields[f"t_{code}_y{year}"] = PlanNumberField(
                    label=_("%(year)s年") % {"year": year})
            for name in names:
                self.indicator_of[name] = indicator

    def _key_park_choices(self):
        parks = list(KeyPark.objects.filter(is_listed=True))
        chosen = plan_rules.key_park_id(self.saved["overview"].get("key_park"))
        if chosen and all(p.pk != chosen for p in parks):
            parks += list(KeyPark.objects.filter(pk=chosen))  # show what was chosen, even if delisted
        return [("", _("请选择园区"))] + [(p.pk, key_park_text(p)) for p in parks]

    def _task_forms(self, data) -> list[TaskItemForm]:
        if data is None:
            items = plan_rules.tasks_of(self.saved)
            forms_ = [TaskItemForm(prefix=f"task-{n}", initial=self._task_initial(item))
                      for n, item in enumerate(items)]
            for form, item in zip(forms_, items, strict=True):
                form.task_id = item.get("id") or ""
            return forms_ or [TaskItemForm(prefix=f"task-{n}") for n in range(BLANK_TASK_ROWS)]
        rows = sorted({int(m.group(1)) for key in data if (m := TASK_KEY.match(key))})
        saved_ids = {t.get("id") for t in plan_rules.tasks_of(self.saved)}
        forms_ = [TaskItemForm(data=data, prefix=f"task-{n}") for n in rows]
        for form in forms_:
            posted = data.get(f"{form.prefix}-id")
            form.task_id = posted if posted in saved_ids else ""
        return forms_

    @staticmethod
    def _task_initial(item) -> dict:
        return {"id": item.get("id") or "", "field": item.get("field") or "",
                "measure": item.get("measure") or "",
                "expected_result": item.get("expected_result") or "",
                "investment_wan_yuan": number_text(item.get("investment_wan_yuan")),
                "start_year": number_text(item.get("start_year")),
                "end_year": number_text(item.get("end_year"))}

    def _initial(self, plan) -> dict:
        overview, baseline = plan["overview"], plan["baseline"]
        investment, schedule = plan["investment"], plan["schedule"]
        base_year = plan_rules.year_of(baseline.get("year"))
        initial = {
            "location": overview.get("location") or "",
            "boundary": overview.get("boundary") or "",
            "area_km2": number_text(overview.get("area_km2")),
            "key_park": plan_rules.key_park_id(overview.get("key_park")) or "",
            "eligibility": list((plan.get("eligibility") or {}).get("confirmed") or []),
            "baseline_year": number_text(baseline.get("year")),
            "total_emissions_t": number_text(baseline.get("total_emissions_t")),
            "total_wan_yuan": number_text(investment.get("total_wan_yuan")),
            "support_sought": list(investment.get("support_sought") or []),
            "start_year": number_text(schedule.get("start_year")),
            "end_year": number_text(schedule.get("end_year")),
            "safeguards": plan.get("safeguards") or "",
        }
        for key in plan["denominators"]:
            initial[f"denom_{key}"] = number_text(plan_rules.denominator_value(plan, key, base_year))
        for source, value in (baseline.get("energy_mix") or {}).items():
            initial[f"mix_{source}"] = number_text(value)
        for code, entry in plan["targets"].items():
            if not isinstance(entry, dict):
                continue
            initial[f"t_{code}_baseline"] = number_text(entry.get("baseline"))
            initial[f"t_{code}_target"] = number_text(entry.get("target"))
            for year, value in (entry.get("milestones") or {}).items():
                initial[f"t_{code}_y{year}"] = number_text(value)
        return initial

    # --- checking -----------------------------------------------------------
    def is_valid(self):
        valid = super().is_valid()
        if self.task_count() > plan_rules.MAX_TASKS:
            self.add_error(None, _("重点任务最多%(n)s项。") % {"n": plan_rules.MAX_TASKS})
            return False
        tasks_valid = all([form.is_valid() for form in self.tasks])  # every row, for its errors
        return valid and tasks_valid

    def task_count(self) -> int:
        """How many task items the posted rows make, read before any row is checked: a row
        with something typed or holding a saved item, less the item being removed (so a
        plan over the limit can always be brought back under it). Empty rows are dropped."""
        data = self.data
        removing = data.get("remove_task") or None
        count = 0
        for form in self.tasks:
            if form.task_id and form.task_id == removing:
                continue
            typed = any(str(data.get(f"{form.prefix}-{name}") or "").strip()
                        for name in form.INPUTS)
            count += bool(form.task_id or typed)
        return count

    def clean(self):
        data = super().clean()
        typed = [k for k in self.denominator_keys if data.get(f"denom_{k}") is not None]
        if typed and data.get("baseline_year") is None and "baseline_year" not in self.errors:
            self.add_error("baseline_year", _("填写了%(name)s，请同时填写基准年。")
                           % {"name": self.fields[f"denom_{typed[0]}"].label})
        return data

    # --- reading back -------------------------------------------------------
    def to_plan(self) -> dict:
        """The cleaned fields as a schema-2 plan (see ``pilots.plan``); gives new task rows
        their ids."""
        data = self.cleaned_data
        saved = self.saved
        plan = plan_rules.empty_plan()
        overview = plan["overview"]
        overview["location"] = data["location"].strip()
        overview["boundary"] = data["boundary"].strip()
        overview["area_km2"] = _stored(data["area_km2"])
        overview["key_park"] = data.get("key_park") if self.asks_key_park else \
            saved["overview"].get("key_park")

        baseline = plan["baseline"]
        base_year = data["baseline_year"]
        baseline["year"] = base_year
        baseline["total_emissions_t"] = _stored(data["total_emissions_t"])
        for source in EnergySource.values:
            if data[f"mix_{source}"] is not None:
                baseline["energy_mix"][source] = _stored(data[f"mix_{source}"])
        plan["denominators"] = self._denominators(base_year)

        for indicator in self.indicators:
            code = indicator.code
            milestones = {str(year): _stored(data[f"t_{code}_y{year}"])
                          for year in self.milestone_years
                          if data[f"t_{code}_y{year}"] is not None}
            entry = {"target": _stored(data[f"t_{code}_target"]), "milestones": milestones}
            if f"t_{code}_baseline" in self.fields:  # derived baselines are not stored
                entry = {"baseline": _stored(data[f"t_{code}_baseline"]), **entry}
            if any(v for k, v in entry.items()):
                plan["targets"][code] = entry

        plan["tasks"], plan["task_seq"] = self._task_items()

        plan["investment"]["total_wan_yuan"] = _stored(data["total_wan_yuan"])
        plan["investment"]["support_sought"] = [
            s for s in Support.values if s in data["support_sought"]]
        plan["schedule"]["start_year"] = data["start_year"]
        plan["schedule"]["end_year"] = data["end_year"]
        plan["safeguards"] = data["safeguards"].strip()

        offered = {c.code for c in self.conditions}
        kept = [c for c in (saved.get("eligibility") or {}).get("confirmed") or []
                if c not in offered]  # confirmed conditions no longer asked stay on record
        chosen = data.get("eligibility") or []
        plan["eligibility"]["confirmed"] = [c.code for c in self.conditions
                                            if c.code in chosen] + kept
        return plan

    def _denominators(self, base_year) -> dict:
        """The saved denominators with the baseline year's typed in (other years kept)."""
        saved = self.saved
        old_year = plan_rules.year_of(saved["baseline"].get("year"))
        result = {}
        for key, by_year in saved["denominators"].items():
            if isinstance(by_year, dict):
                result[key] = {y: v for y, v in by_year.items()
                               if plan_rules.year_of(y) not in (old_year, base_year)}
        for key in self.denominator_keys:
            value = self.cleaned_data[f"denom_{key}"]
            if value is not None and base_year is not None:
                result.setdefault(key, {})[str(base_year)] = _stored(value)
        return {key: dict(sorted(by_year.items())) for key, by_year in result.items() if by_year}

    def _task_items(self):
        """The task rows as items: a saved id is kept, a new row gets the next unused id."""
        saved_ids = {t.get("id") for t in plan_rules.tasks_of(self.saved)}
        counter = {"task_seq": plan_rules.task_seq(self.saved)}
        items, seen = [], set()
        for form in self.tasks:
            posted = form.cleaned_data.get("id") or ""
            known = posted in saved_ids and posted not in seen
            if not known and form.is_blank():
                continue
            task_id = posted if known else plan_rules.next_task_id(counter)
            seen.add(task_id)
            form.task_id = task_id
            items.append(form.to_item(task_id))
        return items, counter["task_seq"]

    # --- problems next to their inputs -------------------------------------
    def _task_form(self, task_id):
        return next((form for form in self.tasks if form.task_id == task_id), None)

    def place(self, problem_field: str):
        """Where a ``Problem.field`` path is shown: (form, field name), (None, None) for the
        whole form, or ("tasks", None) for the task list as a whole."""
        fixed = {
            "overview.location": "location",
            "overview.boundary": "boundary",
            "overview.area_km2": "area_km2",
            "overview.key_park": "key_park",
            "baseline.year": "baseline_year",
            "baseline.total_emissions_t": "total_emissions_t",
            "baseline.energy_mix": f"mix_{EnergySource.values[0]}",
            "investment.total_wan_yuan": "total_wan_yuan",
            "investment.support_sought": "support_sought",
            "schedule": "start_year",
            "schedule.start_year": "start_year",
            "schedule.end_year": "end_year",
            "safeguards": "safeguards",
        }
        parts = problem_field.split(".")
        name = fixed.get(problem_field)
        if name is None and parts[0] == "denominators" and len(parts) >= 2:
            name = f"denom_{parts[1]}"
        elif name is None and parts[0] == "eligibility":
            name = "eligibility"
        elif name is None and parts[0] == "targets" and len(parts) >= 2:
            name = self._target_field(parts[1], parts[2:])
        elif parts[0] == "tasks":
            if len(parts) == 1:
                return "tasks", None
            form = self._task_form(parts[1])
            if form is not None:
                input_name = parts[2] if len(parts) > 2 else "measure"
                return form, input_name if input_name in form.fields else "measure"
        return (self, name) if name in self.fields else (None, None)

    def _target_field(self, code, rest):
        if rest[:1] == ["baseline"]:
            return f"t_{code}_baseline"
        if rest[:1] == ["milestones"]:
            year = rest[1] if len(rest) > 1 else None
            if year and f"t_{code}_y{year}" in self.fields:
                return f"t_{code}_y{year}"
            return f"t_{code}_y{self.milestone_years[0]}"
        return f"t_{code}_target"

    def anchor_for(self, problem_field: str) -> str:
        """The HTML id of the input a problem is shown next to ("" when none)."""
        form, name = self.place(problem_field)
        if form == "tasks":
            return "tasks"
        if form is None:
            return ""
        return input_id(form[name])

    def add_problems(self, problems):
        """Show each ``pilots.plan.Problem`` next to its input (call after ``to_plan()``)."""
        for problem in problems:
            form, name = self.place(problem.field)
            if form == "tasks":
                self.task_problems.append(problem.message)
            else:
                (form or self).add_error(name, problem.message)

    # --- laying out ---------------------------------------------------------
    def full_label(self, name) -> str:
        """A field's label that makes sense out of its table, e.g. 人均碳排放量 基准值."""
        label = str(self.fields[name].label)
        indicator = self.indicator_of.get(name)
        return f"{indicator.label} {label}" if indicator else label

    def error_list(self) -> list[dict]:
        """Every input error in page order: {"field" (the input's name), "label", "message",
        "anchor" (the id of the input to go to)}."""
        found = []
        for section in self.sections():
            found += [{"field": bf.name, "label": self.full_label(bf.name), "message": message,
                       "anchor": input_id(bf)}
                      for bf in section.fields for message in bf.errors]
            if section.anchor != "tasks":
                continue
            for form in self.tasks:
                found += [{"field": form[name].html_name,
                           "label": f"{form.title} {form[name].label}", "message": message,
                           "anchor": input_id(form[name])}
                          for name in form.INPUTS for message in form[name].errors]
        return found

    def sections(self) -> list[Section]:
        def bound(names):
            return [self[name] for name in names if name in self.fields]

        codes = [i.code for i in self.indicators]
        target_names = [
            name for code in codes
            for name in (f"t_{code}_baseline", f"t_{code}_target",
                         *(f"t_{code}_y{y}" for y in self.milestone_years))
        ]
        sections = [
            Section(OVERVIEW, bound(["location", "boundary", "area_km2",
                                     *(f"denom_{k}" for k in self.denominator_keys)]),
                    "overview", _("填写试点所在位置、边界和规模；基准年人口、建筑面积等用于计算强度指标。")),
        ]
        if "key_park" in self.fields or "eligibility" in self.fields:
            sections.append(Section(ELIGIBILITY, bound(["key_park", "eligibility"]), "eligibility",
                                    _("工作方案规定的遴选条件；县(区)主管部门审核时对照查看。")))
        return sections + [
            Section(BASELINE, bound(["baseline_year", "total_emissions_t",
                                     *(f"mix_{s}" for s in EnergySource.values)]),
                    "baseline", _("能源结构填写各类能源占能源消费总量的比例(%)，各项之和应为100%。")),
            Section(TARGETS, bound(target_names), "targets",
                    _("逐年目标须填写建设期内的每一年，建设期末一年即目标值；排放类指标应逐年稳步下降，"
                      "意识类指标应逐年提升。强度指标的基准值由基准年碳排放总量除以相应分母自动计算。")),
            Section(TASKS, [], "tasks",
                    _("每项任务写明领域、具体措施、预期成效、投资和实施年份；请至少覆盖%(n)s个领域。")
                    % {"n": plan_rules.MIN_TASK_FIELDS}),
            Section(INVESTMENT, bound(["total_wan_yuan", "support_sought"]), "investment"),
            Section(SCHEDULE, bound(["start_year", "end_year"]), "schedule"),
            Section(SAFEGUARDS, bound(["safeguards"]), "safeguards"),
        ]

    def _figures(self) -> dict:
        """The baseline figures an intensity is computed from: as typed, once they are numbers."""
        data = getattr(self, "cleaned_data", None)
        if not self.is_bound or data is None:
            return self.saved
        year = str(data.get("baseline_year"))
        return {"baseline": {"year": data.get("baseline_year"),
                             "total_emissions_t": _stored(data.get("total_emissions_t"))},
                "denominators": {key: {year: _stored(data.get(f"denom_{key}"))}
                                 for key in self.denominator_keys}}

    def target_rows(self) -> list[TargetRow]:
        rows = []
        figures = self._figures()
        for indicator in self.indicators:
            code = indicator.code
            computed = plan_rules.computed_intensity(figures, indicator)
            rows.append(TargetRow(
                indicator,
                self[f"t_{code}_baseline"] if f"t_{code}_baseline" in self.fields else None,
                self[f"t_{code}_target"],
                [self[f"t_{code}_y{y}"] for y in self.milestone_years],
                number_text(plan_rules.rounded(computed)) if computed is not None else "",
                _denominator_name(indicator.denominator)
                if plan_rules.intensity_scale(indicator) is not None else ""))
        return rows

    def empty_task(self) -> TaskItemForm:
        """The row the page copies when a task is added in the browser."""
        return TaskItemForm(prefix="task-__prefix__")

    def next_task_row(self) -> int:
        return max((int(f.prefix.rsplit("-", 1)[1]) for f in self.tasks), default=-1) + 1


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

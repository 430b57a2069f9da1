"""Selecting a project (``select``): the review opinions (评审指导意见) the ecology admin
compiles from the experts' into one numbered list, carried as the transition's data and
kept as ReviewOpinion rows; the page card to compile them; the demo's scoring and closing.
"""
from decimal import Decimal

from django.utils.translation import gettext as _

from pilots import demo, registry
from pilots.choices import State
from pilots.errors import InvalidInput

from .closing import close_scoring, may_close, scoring_closed
from .demo import declare_no_conflict
from .models import ExpertAssignment, ReviewOpinion
from .results import CENT
from .services import assign_experts
from .sheets import (
    MAX_OPINION_LENGTH,
    MAX_OPINIONS,
    plan_paths,
    results_of,
    save_draft,
    sheet_for,
    submit,
)


def _describe_select(data):
    opinions = data.get("opinions") or []
    lines = [_("评审指导意见%(n)s条：") % {"n": len(opinions)}]
    lines += [f"{number}. {opinion.get('text', '')}"
              for number, opinion in enumerate(opinions, start=1)]
    return lines


def _refuse(errors):
    first = next(iter(errors.values()))[0]
    raise InvalidInput(first if len(errors) == 1 else _("评审指导意见有误，请按提示更正。"),
                       fields=errors)


@registry.register_input("select", describe=_describe_select, custom_form=True)
def clean_select(project, data, actor) -> dict:
    """``{"opinions": [{"text", "plan_path"?}, …]}``: at least one opinion, each text 1 to
    2000 characters, a plan_path (optional) one of the rows of the latest plan version.
    A row with neither text nor path is dropped (the page's way to take one out); errors
    name ``opinions.<n>.<field>`` by the row's position as sent."""
    errors = {}
    for key in sorted(set(data) - {"opinions"}, key=str):
        errors[key] = [_("该操作不接受此项数据。")]
    opinions = data.get("opinions")
    if not isinstance(opinions, list) or not opinions:
        errors["opinions"] = [_("请至少填写一条评审指导意见。")]
        _refuse(errors)
    if len(opinions) > MAX_OPINIONS:
        errors["opinions"] = [_("评审指导意见不能超过%(n)s条。") % {"n": MAX_OPINIONS}]
        _refuse(errors)
    paths = {path for path, _label in plan_paths(project)}
    cleaned = []
    for number, opinion in enumerate(opinions, start=1):
        if not isinstance(opinion, dict):
            errors[f"opinions.{number}"] = [_("每条意见应为对象(text, plan_path)。")]
            continue
        if not any(isinstance(v, str) and v.strip() for v in opinion.values()) \
                and set(opinion) <= {"text", "plan_path"}:
            continue  # a row the admin emptied on the page: taken out of the list
        for key in sorted(set(opinion) - {"text", "plan_path"}, key=str):
            errors[f"opinions.{number}.{key}"] = [_("意见不接受此项数据。")]
        text = opinion.get("text")
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            errors[f"opinions.{number}.text"] = [_("请填写第%(n)s条意见。") % {"n": number}]
        elif len(text) > MAX_OPINION_LENGTH:
            errors[f"opinions.{number}.text"] = [
                _("第%(n)s条意见不能超过%(max)s个字。") % {"n": number, "max": MAX_OPINION_LENGTH}]
        path = opinion.get("plan_path") or ""
        path = path.strip() if isinstance(path, str) else None
        if path is None or (path and path not in paths):
            errors[f"opinions.{number}.plan_path"] = [
                _("第%(n)s条意见指向的方案位置不存在，请从方案内容中选择。") % {"n": number}]
        cleaned.append({"text": text, "plan_path": path or ""})
    if not cleaned and not errors:
        errors["opinions"] = [_("请至少填写一条评审指导意见。")]
    if errors:
        _refuse(errors)
    return {"opinions": cleaned}


@registry.register_effect("select")
def _keep_opinions(project, actor, data):
    ReviewOpinion.objects.bulk_create(
        ReviewOpinion(project=project, number=number, text=opinion["text"],
                      plan_path=opinion["plan_path"], compiled_by=actor)
        for number, opinion in enumerate(data["opinions"], start=1))


# --- The card to compile the opinions ---------------------------------------------------------

@registry.register_section("select", "reviews/select_section.html", order=27)
def select_section(request, project):
    """For the ecology admin, under expert review once scoring is closed: every expert's
    opinions with their authors, and the numbered list to compile, pre-filled with them."""
    if project.state != State.EXPERT_REVIEW or not may_close(request.user) \
            or not scoring_closed(project):
        return None
    results = results_of(project)
    typed = getattr(request, "project_typed", None) or {}
    errors = typed.get("errors", {}) if typed.get("action") == "select" else {}
    if typed.get("action") == "select" and isinstance(typed.get("data"), dict) \
            and isinstance(typed["data"].get("opinions"), list):
        rows = typed["data"]["opinions"]
    else:
        rows = [{"text": o.text, "plan_path": o.plan_path}
                for row in results["rows"] for o in row["opinions"]]
    opinions = [{"number": n, "text": (row or {}).get("text", ""),
                 "plan_path": (row or {}).get("plan_path", ""),
                 "errors": errors.get(f"opinions.{n}.text", [])
                 + errors.get(f"opinions.{n}.plan_path", [])}
                for n, row in enumerate(rows, start=1)]
    opinions.append({"number": len(opinions) + 1, "text": "", "plan_path": "", "errors": [],
                     "new": True})
    return {"project": project, "rows": results["rows"], "opinions": opinions,
            "paths": plan_paths(project),
            "errors": errors.get("opinions", [])}


# --- The demo ---------------------------------------------------------------------------------

# Each demo expert's share of every criterion's weight, and its opinion.
DEMO_SHARES = (Decimal("0.85"), Decimal("0.8"), Decimal("0.75"), Decimal("0.9"))
DEMO_OPINIONS = (
    "建议补充基准年能源消费数据的统计来源，并说明核算边界。",
    "分年度减排目标应与重点任务的投资安排相对应，细化实施进度。",
    "建议增加可再生能源利用的量化指标，突出示范特色。",
    "建议明确碳排放监测平台的数据采集频次和责任人。",
)


def _demo_sheets(project, submitters=None):
    """The demo panel (the project's declared members, the first ``submitters`` of them, or
    all) submits sheets with plausible scores and one opinion each."""
    assignments = ExpertAssignment.objects.filter(project=project, declared_at__isnull=False) \
        .select_related("expert", "project").order_by("assigned_at", "pk")
    for index, assignment in enumerate(assignments[:submitters]):
        sheet = sheet_for(assignment)
        if sheet.submitted:
            continue
        share = DEMO_SHARES[index % len(DEMO_SHARES)]
        scores = {c.code: str((c.weight * share).quantize(CENT))
                  for c in sheet.rubric.criteria.all()}
        save_draft(sheet, assignment.expert, scores=scores, opinions=[
            {"text": DEMO_OPINIONS[index % len(DEMO_OPINIONS)], "plan_path": ""}])
        submit(sheet, assignment.expert, ip_address="127.0.0.1")


def _demo_score_and_close(project, actors):
    """The demo panel submits every sheet, then the ecology admin closes scoring."""
    if scoring_closed(project):
        return
    _demo_sheets(project)
    close_scoring(project, actors["admin"], ip_address="127.0.0.1")


@registry.register_demo_finisher
def _demo_panels(people, extra_project):
    """A selection panel in each state (issue 7 item 10): one being formed (1 member of the
    three), one scoring with 2 of 3 sheets submitted, one whose scoring is closed and waits
    for the admin's decision."""
    project, created = extra_project(demo.TO_CITY_REVIEW)
    if created:
        declare_no_conflict(assign_experts(project, people["admin"], people["experts"][:1]))
    project, created = extra_project(demo.TO_EXPERT_REVIEW)
    if created:
        _demo_sheets(project, submitters=2)
    project, created = extra_project(demo.TO_EXPERT_REVIEW)
    if created:
        _demo_score_and_close(project, people)


registry.register_demo_preparation("select")(_demo_score_and_close)
registry.register_demo_preparation("not_select")(_demo_score_and_close)


@registry.register_demo_input("select")
def _demo_opinions(project):
    """The experts' opinions, in panel order, as the admin would keep them."""
    texts = []
    for row in results_of(project)["rows"]:
        texts += [o.text for o in row["opinions"] if o.text not in texts]
    return {"opinions": [{"text": text, "plan_path": ""}
                         for text in texts or [DEMO_OPINIONS[0]]]}

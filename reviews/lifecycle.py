"""What reviews adds to the lifecycle: events, the input of ``start_expert_review`` and its
effect, the panel card of the project page, the demo's panel. Registered from ready()."""
import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import remove_perm

from pilots import registry
from pilots.errors import InvalidInput

from . import demo, services

# The furthest a scoring deadline may be set ahead (calendar days).
DEADLINE_MAX_DAYS = 90
DEADLINE_DEFAULT_DAYS = 15


def expert_lines(data):
    """A panel event's data in words: the expert, and any conflict overridden with its reason."""
    lines = [_("专家：%(name)s") % {"name": data.get("name", "")}]
    if data.get("override_reason"):
        lines += [_("利益冲突提示：%(text)s") % {"text": text} for text in data.get("conflicts", ())]
        lines.append(_("仍予指派的理由：%(reason)s") % {"reason": data["override_reason"]})
    return lines


registry.register_event(services.PANEL_MEMBER_ADDED, gettext_lazy("指派评审专家"), expert_lines)
registry.register_event(services.PANEL_MEMBER_REMOVED, gettext_lazy("移出评审专家"), expert_lines)


def _describe_start(data):
    return [_("评分截止日期：%(date)s") % {"date": data.get("scoring_deadline", "")}]


@registry.register_input(
    "start_expert_review", describe=_describe_start,
    fields=(("scoring_deadline", gettext_lazy("评分截止日期"), "date", True,
             gettext_lazy("专家组须在此日期前完成评分。")),),
)
def clean_start_expert_review(project, data, actor) -> dict:
    unknown = set(data) - {"scoring_deadline"}
    if unknown:
        raise InvalidInput(_("该操作不接受此项数据。"),
                           fields={key: [_("该操作不接受此项数据。")] for key in sorted(unknown)})
    raw = data.get("scoring_deadline")
    message = None
    try:
        deadline = parse_date(raw.strip()) if isinstance(raw, str) and raw.strip() else None
    except ValueError:  # well formed but no such day, e.g. 2026-13-45
        deadline = None
    today = timezone.localdate()
    if not raw:
        message = _("请填写评分截止日期。")
    elif deadline is None:
        message = _("评分截止日期格式应为年-月-日，如2026-12-31。")
    elif deadline <= today:
        message = _("评分截止日期应晚于今天。")
    elif deadline > today + datetime.timedelta(days=DEADLINE_MAX_DAYS):
        message = _("评分截止日期不能晚于%(n)s天之后。") % {"n": DEADLINE_MAX_DAYS}
    if message:
        raise InvalidInput(message, fields={"scoring_deadline": [message]})
    return {"scoring_deadline": deadline.isoformat()}


@registry.register_effect("start_expert_review")
def _panel_deadline(project, actor, data):
    services.set_scoring_deadline(project, data["scoring_deadline"])


@registry.register_effect("select")
@registry.register_effect("not_select")
def _panel_grants_end(project, actor, data):
    """Expert review is over: no panel member reads the project any more. Its assignment,
    its sheet and the trail stay (the results and the opinions stand on them)."""
    for expert in services.panel_members(project):
        remove_perm("pilots.view_project", expert, project)


@registry.register_demo_preparation("start_expert_review")
def _demo_panel(project, actors):
    added = services.assign_experts(project, actors["admin"],
                                    actors["experts"][:project.batch.expert_panel_min_size])
    demo.declare_no_conflict(added)


@registry.register_demo_input("start_expert_review")
def _demo_deadline(project):
    return {"scoring_deadline": (timezone.localdate()
                                 + datetime.timedelta(days=DEADLINE_DEFAULT_DAYS)).isoformat()}

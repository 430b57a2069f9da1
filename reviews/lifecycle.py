"""What reviews adds to the lifecycle: events, the input of ``start_expert_review`` and its
effect, the panel card of the project page, the demo's panel. Registered from ready()."""
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import remove_perm

from pilots import registry
from pilots.errors import InvalidInput

from . import acceptance_panels, demo, services
from .deadlines import DEADLINE_DEFAULT_DAYS, DEADLINE_MAX_DAYS, clean_deadline  # noqa: F401


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
    return {"scoring_deadline": clean_deadline(data.get("scoring_deadline")).isoformat()}


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


@registry.register_effect("grant_title")
@registry.register_effect("fail_acceptance")
@registry.register_effect("cancel")
def _acceptance_grants_end(project, actor, data):
    """Acceptance is decided (or the pilot ends): the acceptance panels' members no longer
    read the project; a later acceptance panel grants again."""
    acceptance_panels.end_grants(project)


@registry.register_demo_preparation("start_expert_review")
def _demo_panel(project, actors):
    added = services.assign_experts(project, actors["admin"],
                                    actors["experts"][:project.batch.expert_panel_min_size])
    demo.declare_no_conflict(added)


@registry.register_demo_input("start_expert_review")
def _demo_deadline(project):
    return {"scoring_deadline": (timezone.localdate()
                                 + datetime.timedelta(days=DEADLINE_DEFAULT_DAYS)).isoformat()}

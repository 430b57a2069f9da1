"""What publicity adds to the lifecycle (inputs, effects, conditions, events, the project
page's card, the demo's steps). Registered from ready()."""
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import registry
from pilots.errors import InvalidInput

# conditions: of confirm and reject; objections: its events; sections: the project card.
from . import conditions, notices, objections, sections  # noqa: F401
from .models import Period
from .periods import clean_period, current_period, end_of


def _describe_start(data):
    return [_("公示期：%(start)s至%(end)s，共%(n)s个工作日") % {
        "start": data.get("starts_on", ""), "end": data.get("ends_on", ""),
        "n": data.get("working_days", "")}]


@registry.register_input(
    "start_publicity", describe=_describe_start,
    fields=(
        ("starts_on", gettext_lazy("公示开始日期"), "date", True,
         gettext_lazy("今天或以后的日期。")),
        ("working_days", gettext_lazy("公示期(工作日)"), "text", False,
         gettext_lazy("留空则按本批次的设置；截止日期按法定节假日和调休计算。")),
    ),
)
def clean_start_publicity(project, data, actor) -> dict:
    return clean_period(project.batch, data)


@registry.register_effect("start_publicity")
def _open_period(project, actor, data):
    """The project's period, under the notice a bulk start opened, or a notice of its own."""
    starts_on = datetime.date.fromisoformat(data["starts_on"])
    ends_on = datetime.date.fromisoformat(data["ends_on"])
    notice = notices.open_notice()
    if notice is None:
        notice = notices.issue(batch=project.batch, starts_on=starts_on, ends_on=ends_on,
                               working_days=data["working_days"], actor=actor)
    elif (notice.batch_id, notice.starts_on, notice.ends_on) != (
            project.batch_id, starts_on, ends_on):
        raise InvalidInput(_("「%(project)s」的公示期与本次公示公告不一致。")
                           % {"project": project.name})
    Period.objects.create(project=project, notice=notice, starts_on=starts_on,
                          ends_on=ends_on, working_days=data["working_days"])


# --- The demo and the lifecycle matrix ------------------------------------------------

@registry.register_demo_input("start_publicity")
def _demo_period(project):
    today = timezone.localdate()
    days = project.batch.publicity_days
    return {"starts_on": today.isoformat(), "working_days": days,
            "ends_on": end_of(today, days).isoformat()}


@registry.register_demo_preparation("confirm")
def _demo_period_over(project, actors):
    """FOR THE DEMO AND TESTS ONLY: the demo cannot wait for its period to run out, so the
    period (and its notice, when the notice lists this project alone) is moved back to
    the latest one of the same length that ended yesterday or before. Nothing outside
    the demo and tests ever rewrites a period."""
    period = current_period(project)
    if period is None or period.ends_on < timezone.localdate():
        return
    starts_on = timezone.localdate() - datetime.timedelta(days=1)
    while end_of(starts_on, period.working_days) >= timezone.localdate():
        starts_on -= datetime.timedelta(days=1)
    ends_on = end_of(starts_on, period.working_days)
    Period.objects.filter(pk=period.pk).update(starts_on=starts_on, ends_on=ends_on)
    if period.notice.periods.count() == 1:
        type(period.notice).objects.filter(pk=period.notice_id).update(
            starts_on=starts_on, ends_on=ends_on)


@registry.register_demo_preparation("reject_after_publicity")
def _demo_upheld_objection(project, actors):
    """An objection filed in the period and upheld by the ecology admin."""
    objection = objections.file_objection(
        project, name="示范异议人", contact="demo-objector@example.cn",
        grounds="示范：反映该项目申报材料中的基准年排放数据与统计部门数据不一致。",
        client_ip="127.0.0.1")
    objections.decide(objection, actors["admin"], upheld=True,
                      investigation="示范：经核实，基准年排放数据确有出入。",
                      reason="示范：异议成立。")

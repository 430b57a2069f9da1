"""Publicity in bulk: the ecology admin puts several projects on notice at once under one
notice (公示公告), and confirms several once their periods are over; and the daily look
for periods that have ended. Each bulk action is all or nothing."""
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots import services as pilot_services
from pilots.choices import Role, State
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted, ServiceError
from pilots.models import Project, User
from pilots.notify import in_site_language, notify
from pilots.rules import may_manage_programme

from . import notices
from .models import Notice, Objection, ObjectionStatus, Period
from .periods import clean_period, day_text


def may_run_publicity(user) -> bool:
    """Starting publicity and confirming pilots are the ecology admin's (DOMAIN §3)."""
    return may_manage_programme(user)


def _with_related(projects):
    return projects.select_related("batch", "category", "county", "applicant")


def startable():
    """Projects the ecology admin may put on notice: those at revision check."""
    return _with_related(Project.objects.filter(state=State.REVISION_CHECK)).order_by(
        "batch__year", "code", "pk")


def _chosen(queryset, project_ids, label):
    if not project_ids:
        message = _("请至少选择一个项目。")
        raise InvalidInput(message, fields={"projects": [message]})
    found = {p.pk: p for p in queryset.filter(pk__in=project_ids)}
    missing = [pk for pk in project_ids if pk not in found]
    if missing:
        message = _("所选项目中有%(n)s个已不在「%(state)s」阶段，请刷新页面后重新选择。") % {
            "n": len(missing), "state": label}
        raise InvalidInput(message, fields={"projects": [message]})
    return [found[pk] for pk in project_ids]


@dataclass(frozen=True)
class StartPlan:
    """What a bulk start will do, shown before it is confirmed."""

    projects: list
    batch: object
    starts_on: datetime.date
    ends_on: datetime.date
    working_days: int

    @property
    def data(self) -> dict:
        return {"starts_on": self.starts_on.isoformat(), "working_days": self.working_days,
                "ends_on": self.ends_on.isoformat()}


def plan_start(actor, project_ids, *, starts_on, working_days=None, ends_on=None) -> StartPlan:
    """Check a bulk start and compute its end date, changing nothing: the preview."""
    if not may_run_publicity(actor):
        raise NotPermitted(_("只有市生态环境局可以组织公示。"))
    projects = _chosen(startable(), project_ids, State.REVISION_CHECK.label)
    batches = {p.batch_id for p in projects}
    if len(batches) > 1:
        message = _("一份公示公告只能包含同一申报批次的项目，请分批次公示。")
        raise InvalidInput(message, fields={"projects": [message]})
    batch = projects[0].batch
    data = {"starts_on": starts_on, "working_days": working_days}
    if ends_on:
        data["ends_on"] = ends_on
    cleaned = clean_period(batch, data)
    return StartPlan(projects=projects, batch=batch,
                     starts_on=datetime.date.fromisoformat(cleaned["starts_on"]),
                     ends_on=datetime.date.fromisoformat(cleaned["ends_on"]),
                     working_days=cleaned["working_days"])


def _named(project, error):
    """A refusal about one of several projects, naming it; the same kind, so the same
    status (403, 409, 400 with its fields)."""
    message = _("「%(project)s」：%(message)s") % {"project": project.name,
                                                "message": error.message}
    if isinstance(error, InvalidInput):
        return InvalidInput(message, fields=error.fields)
    for kind in (NotPermitted, NotAllowedNow):
        if isinstance(error, kind):
            return kind(message)
    named = ServiceError(message)
    named.status = error.status
    return named


def start_publicity(actor, project_ids, *, starts_on, working_days=None, ends_on=None,
                    ip_address=None) -> Notice:
    """Put the projects on notice under one new notice: ``start_publicity`` is fired for
    each in one transaction; any refusal undoes them all (and the notice's number).
    ``ends_on``, the date the preview showed, must still be the computed one."""
    with transaction.atomic():
        plan = plan_start(actor, project_ids, starts_on=starts_on, working_days=working_days,
                          ends_on=ends_on)
        notice = notices.issue(batch=plan.batch, starts_on=plan.starts_on, ends_on=plan.ends_on,
                               working_days=plan.working_days, actor=actor)
        with notices.opened(notice):
            for project in plan.projects:
                try:
                    pilot_services.fire(project, "start_publicity", actor, data=plan.data,
                                        ip_address=ip_address)
                except ServiceError as error:
                    raise _named(project, error) from error
    return notice


# --- After the period -------------------------------------------------------------------

def _objections(*statuses):
    return Objection.objects.filter(project=OuterRef("pk"), status__in=statuses)


def in_publicity():
    """Projects under publicity with their period's last day (``period_ends_on``) and
    whether an objection is pending or upheld."""
    return _with_related(Project.objects.filter(state=State.PUBLICITY)).annotate(
        period_ends_on=Max("publicity_periods__ends_on"),
        has_pending=Exists(_objections(ObjectionStatus.PENDING)),
        has_upheld=Exists(_objections(ObjectionStatus.UPHELD)),
    )


def ready_to_confirm(today=None):
    """Projects under publicity whose period is over with no objection pending or upheld."""
    today = today or timezone.localdate()
    return in_publicity().filter(period_ends_on__lt=today, has_pending=False,
                                 has_upheld=False).order_by("period_ends_on", "code", "pk")


def confirm_many(actor, project_ids, *, ip_address=None) -> list[Project]:
    """Confirm the projects as pilots, all or nothing (``confirm`` checks each again)."""
    if not may_run_publicity(actor):
        raise NotPermitted(_("只有市生态环境局可以确定试点项目。"))
    projects = _chosen(in_publicity(), project_ids, State.PUBLICITY.label)
    confirmed = []
    with transaction.atomic():
        for project in projects:
            try:
                confirmed.append(pilot_services.fire(project, "confirm", actor,
                                                     ip_address=ip_address))
            except ServiceError as error:
                raise _named(project, error) from error
    return confirmed


def ecology_admins():
    return list(User.objects.filter(is_active=True, role_grants__role=Role.ECOLOGY_ADMIN)
                .distinct().order_by("pk"))


def notify_ended_periods(today=None) -> list[Period]:
    """Tell the ecology admins, in one notification, which projects' periods have ended
    since the last run: those ready to confirm, and those still waiting on objections.
    Each period is told once (marked in the same transaction; a concurrent run skips the
    rows this one holds)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        ids = list(Period.objects.filter(ends_on__lt=today, ended_notified_at__isnull=True,
                                         project__state=State.PUBLICITY)
                   .values_list("pk", flat=True))
        periods = list(Period.objects.select_for_update(skip_locked=True)
                       .filter(pk__in=ids, ended_notified_at__isnull=True)
                       .order_by("ends_on", "pk"))
        if not periods:
            return []
        Period.objects.filter(pk__in=[p.pk for p in periods]).update(
            ended_notified_at=timezone.now())
        by_project = {p.project_id: p for p in periods}
        projects = in_publicity().filter(pk__in=by_project).order_by("code", "pk")
        ready = [p for p in projects if not p.has_pending and not p.has_upheld]
        waiting = [p for p in projects if p.has_pending or p.has_upheld]
        with in_site_language():
            title = _("公示期满：%(n)s个项目可确定为试点项目") % {"n": len(ready)}
            lines = []
            if ready:
                lines.append(_("以下项目公示期已满，没有待处理或成立的异议，可以确定为试点项目："))
                lines += [_("%(code)s %(name)s（公示期至%(date)s）") % {
                    "code": p.code, "name": p.name,
                    "date": day_text(by_project[p.pk].ends_on)} for p in ready]
            if waiting:
                lines.append(_("以下项目公示期已满，但有异议尚未处理或经调查成立，请先处理："))
                lines += [_("%(code)s %(name)s") % {"code": p.code, "name": p.name}
                          for p in waiting]
            lines.append(_("批量确定：%(url)s") % {"url": reverse("publicity-confirm")})
            if waiting:
                lines.append(_("处理异议：%(url)s") % {"url": reverse("objection-list")})
        notify(ecology_admins(), title=title, body="\n".join(lines))
    return periods

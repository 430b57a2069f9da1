"""The one way to tell people something happened: notify() writes the in-app notification,
which is also the outbox row of its email (pilots.outbox sends it after commit)."""
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import lifecycle, outbox, tasks
from .choices import Role
from .models import EmailStatus, Notification, User


def notify(recipients, *, title, body="", project=None) -> list[Notification]:
    """Write one notification per active recipient, in the caller's transaction; their
    emails are queued once it commits (and swept up later if that fails)."""
    recipients = {user.pk: user for user in recipients if user.is_active}
    notifications = Notification.objects.bulk_create(
        Notification(recipient_id=pk, project=project, title=title, body=body,
                     email_status=outbox.email_status_for(user))
        for pk, user in recipients.items()
    )
    ids = [n.pk for n in notifications if n.email_status == EmailStatus.PENDING]
    if ids:
        transaction.on_commit(partial(tasks.enqueue_delivery, ids))
    return notifications


def in_site_language():
    """Notifications are worded in the portal's language (zh-hans), whatever language the
    person whose action caused them has chosen: ``with in_site_language(): notify(...)``."""
    return translation.override(settings.LANGUAGE_CODE)


def who_acts_next(project) -> list[User]:
    """Everyone in whose work queue ``project`` now stands (DOMAIN §2 rules, per transition)."""
    rules = {
        lifecycle.any_transition(name).permission
        for name in lifecycle.queue_transitions_from(project.state)
    }
    roles = set().union(*(r.roles for r in rules)) if rules else set()
    candidates = (
        User.objects.filter(is_active=True, role_grants__role__in=roles)
        .select_related("department", "organisation").distinct()
    )
    return [user for user in candidates if any(r(project, user) for r in rules)]


def applicant_members(project) -> list[User]:
    return list(User.objects.filter(is_active=True, organisation_id=project.applicant_id,
                                    role_grants__role=Role.APPLICANT).distinct())


def notify_transition(project, name, actor, reason=""):
    """After ``name`` was fired: tell those who must act next, and the applicant how its
    project fares (unless it made the change itself)."""
    people = {u.pk: u for u in [*who_acts_next(project), *applicant_members(project)]}
    people.pop(getattr(actor, "pk", None), None)
    recipients = list(people.values())
    if not recipients:
        return []
    with in_site_language():
        title = _("「%(project)s」%(action)s，现为「%(state)s」") % {
            "project": project.name, "action": lifecycle.label(name),
            "state": project.get_state_display(),
        }
        lines = [_("项目编号：%(code)s") % {"code": project.code or "—"}]
        if reason:
            lines.append(_("理由或意见：%(reason)s") % {"reason": reason})
        lines.append(_("查看：%(url)s") % {"url": reverse("project-detail", args=[project.pk])})
    return notify(recipients, title=title, body="\n".join(lines), project=project)

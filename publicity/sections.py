"""The publicity card of the project page: the period and its notice for whoever sees the
project; the objections, with who filed them, for the ecology admin only."""
from django.utils import timezone

from pilots import registry
from pilots.choices import State

from .objections import may_decide, may_read_objectors, objections_for_admin
from .periods import current_period


@registry.register_section("publicity", "publicity/section.html", order=30)
def publicity_section(request, project):
    user = request.user
    period = current_period(project)
    admin = may_read_objectors(user)
    if period is None:
        if admin and project.state == State.REVISION_CHECK:
            return {"project": project, "period": None, "may_start": True}
        return None
    today = timezone.localdate()
    context = {
        "project": project, "period": period, "notice": period.notice,
        "running": period.runs_on(today), "ended": period.ends_on < today,
        "in_publicity": project.state == State.PUBLICITY,
        "objections": list(objections_for_admin(project=project)) if admin else None,
        "may_decide": may_decide(user),
    }
    return context

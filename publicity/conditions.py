"""Conditions publicity adds to ``confirm`` and ``reject_after_publicity`` (DOMAIN §3): a
project is confirmed only once its period is over with no objection undecided or upheld;
it is turned down after publicity only on an upheld objection."""
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.conditions import register

from .models import Objection, ObjectionStatus
from .periods import current_period


def _period_message(project):
    period = current_period(project)
    if period is None:
        return _("该项目没有公示记录，不能确认。")
    return _("公示期至%(month)s月%(day)s日结束，期满后才能确认。") % {
        "month": period.ends_on.month, "day": period.ends_on.day}


@register("confirm", _period_message)
def period_over(project) -> bool:
    period = current_period(project)
    return period is not None and period.ends_on < timezone.localdate()


def _pending_message(project):
    n = Objection.objects.filter(project=project, status=ObjectionStatus.PENDING).count()
    return _("该项目有%(n)s件异议尚未处理，处理完毕后才能确认。") % {"n": n}


@register("confirm", _pending_message)
def none_pending(project) -> bool:
    return not Objection.objects.filter(project=project, status=ObjectionStatus.PENDING).exists()


@register("confirm", gettext_lazy("该项目有异议经调查成立，不能确定为试点项目。"))
def none_upheld(project) -> bool:
    return not has_upheld(project)


@register("reject_after_publicity",
          gettext_lazy("该项目没有经调查成立的异议，不能以公示异议成立为由不予确定。"))
def has_upheld(project) -> bool:
    return Objection.objects.filter(project=project, status=ObjectionStatus.UPHELD).exists()

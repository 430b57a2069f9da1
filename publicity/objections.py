"""Objections (异议): anyone files one on a project during its publicity period; the
ecology admin investigates and decides it once, upheld (成立) or not upheld (不成立).

The objector's name and contact are read only by the ecology admin (the admin pages);
the objector follows its objection with the receipt, which shows the status and the
decision's reason and nothing about who filed it. The decision is an event on the
project's history, worded without the objector's name or contact.
"""
import datetime
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import registry
from pilots.audit import record_event
from pilots.choices import State
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted, ServiceError
from pilots.models import Project
from pilots.rules import may_manage_programme
from pilots.uploads import check_upload

from .models import Objection, ObjectionAllowance, ObjectionStatus
from .periods import current_period, day_text, is_running

NAME_MAX_LENGTH = 50
CONTACT_MAX_LENGTH = 100
GROUNDS_MAX_LENGTH = 2000
DECISION_MAX_LENGTH = 2000
# Evidence an objector may attach: what a phone or a scanner makes, nothing that runs.
ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
# 16 characters of 32 (no 0/O, 1/I): 80 bits, read aloud or typed without confusion.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 16

OBJECTION_FILED = "objection_filed"
OBJECTION_DECIDED = "objection_decided"

_MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?")


class TooManyObjections(ServiceError):
    """The client address has filed as many objections today as the setting allows."""

    status = 429


def may_decide(user) -> bool:
    """Objections are the city Ecology and Environment Bureau's to investigate and decide."""
    return may_manage_programme(user)


def may_read_objectors(user) -> bool:
    """Who filed an objection (name, contact) is for the ecology admin only."""
    return may_manage_programme(user)


def daily_limit() -> int:
    return settings.HECHI_OBJECTIONS_PER_ADDRESS_PER_DAY


def new_receipt() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH))


def normalise_receipt(text) -> str:
    """A receipt as typed (spaces, dashes, lower case) in its stored form."""
    return re.sub(r"[\s-]", "", text).upper() if isinstance(text, str) else ""


def clean_contact(text) -> str:
    """A mainland phone number (mobile or landline) or an email address, else ValueError."""
    text = text.strip() if isinstance(text, str) else ""
    compact = re.sub(r"[\s()（）]", "", text)
    if _MOBILE.fullmatch(compact) or _LANDLINE.fullmatch(compact):
        return compact
    try:
        validate_email(text)
    except ValidationError:
        raise ValueError(text) from None
    return text


def _clean(name, contact, grounds) -> dict:
    errors = {}
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = [_("请填写异议人姓名或单位名称。")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("姓名或单位名称最多%(max)s字。") % {"max": NAME_MAX_LENGTH}]
    raw_contact = contact.strip() if isinstance(contact, str) else ""
    if not raw_contact:
        errors["contact"] = [_("请填写联系电话或电子邮箱。")]
    elif len(raw_contact) > CONTACT_MAX_LENGTH:
        errors["contact"] = [_("联系方式最多%(max)s个字符。") % {"max": CONTACT_MAX_LENGTH}]
    else:
        try:
            contact = clean_contact(raw_contact)
        except ValueError:
            errors["contact"] = [_("联系方式应为手机号码、固定电话(如0778-2200000)或电子邮箱。")]
    grounds = grounds.strip() if isinstance(grounds, str) else ""
    if not grounds:
        errors["grounds"] = [_("请填写异议的具体事实和理由。")]
    elif len(grounds) > GROUNDS_MAX_LENGTH:
        errors["grounds"] = [_("异议内容最多%(max)s字，当前%(n)s字。")
                             % {"max": GROUNDS_MAX_LENGTH, "n": len(grounds)}]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    return {"name": name, "contact": contact, "grounds": grounds}


def _check_attachment(uploaded) -> str:
    """The detected type of the evidence file, checked by content and size."""
    try:
        content_type = check_upload(uploaded)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], fields={"attachment": error.messages}) from error
    if content_type not in ATTACHMENT_TYPES:
        message = _("证明材料仅限PDF、JPG、PNG文件。")
        raise InvalidInput(message, fields={"attachment": [message]})
    return content_type


def _closed_message(project, period):
    if period is not None and period.starts_on > timezone.localdate():
        return _("该项目的公示期自%(date)s开始，届时才能提出异议。") % {
            "date": day_text(period.starts_on)}
    return _("该项目不在公示期内，不能提出异议。")


def file_objection(project, *, name, contact, grounds, attachment=None,
                   client_ip=None) -> Objection:
    """File an objection on ``project`` and return it (its ``receipt`` is the objector's).

    Refused with 409 outside the project's publicity period, 400 naming each bad field,
    429 once ``client_ip`` has filed the day's allowance
    (``HECHI_OBJECTIONS_PER_ADDRESS_PER_DAY``). On any refusal nothing is stored.
    """
    project = Project.objects.get(pk=project.pk)  # as it stands, not as the caller read it
    period = current_period(project)
    if project.state != State.PUBLICITY or not is_running(period):
        raise NotAllowedNow(_closed_message(project, period))
    cleaned = _clean(name, contact, grounds)
    content_type = _check_attachment(attachment) if attachment else ""
    address = str(client_ip or "")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        period = current_period(project)
        if project.state != State.PUBLICITY or not is_running(period):
            raise NotAllowedNow(_closed_message(project, period))
        today = timezone.localdate()
        ObjectionAllowance.objects.get_or_create(address=address, day=today)
        allowance = ObjectionAllowance.objects.select_for_update().get(address=address,
                                                                       day=today)
        if allowance.used >= daily_limit():
            raise TooManyObjections(
                _("同一网络地址每天最多提交%(n)s件异议，今天的次数已用完，请明天再提交。"
                  "如有紧急情况，请通过公示公告所列方式直接联系市生态环境局。")
                % {"n": daily_limit()})
        ObjectionAllowance.objects.filter(pk=allowance.pk).update(used=allowance.used + 1)
        receipt = new_receipt()
        while Objection.objects.filter(receipt=receipt).exists():  # 80 bits: all but never
            receipt = new_receipt()
        objection = Objection(project=project, period=period, receipt=receipt,
                              client_ip=client_ip or None, **cleaned)
        if attachment:
            file_name = (attachment.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
            objection.attachment_name = file_name
            objection.attachment_type = content_type
            objection.attachment_size = attachment.size
            objection.attachment.save(file_name, attachment, save=False)
        try:
            objection.save()
            record_event(project, OBJECTION_FILED, None, {"filed_at": objection.filed_at},
                         ip_address=client_ip or None)
        except Exception:
            if objection.attachment:
                objection.attachment.delete(save=False)
            raise
    return objection


@dataclass(frozen=True)
class ObjectionStatusView:
    """What the holder of a receipt may read: never the objector's name or contact."""

    receipt: str
    project_code: str
    project_name: str
    filed_at: datetime.datetime
    status: str
    status_label: str
    decision_reason: str
    decided_at: datetime.datetime | None


def objection_status(receipt) -> ObjectionStatusView | None:
    """The status of the objection with ``receipt`` (as typed), or None: no such receipt."""
    receipt = normalise_receipt(receipt)
    if len(receipt) != RECEIPT_LENGTH:
        return None
    objection = (Objection.objects.select_related("project")
                 .filter(receipt=receipt).first())
    if objection is None:
        return None
    decided = objection.status != ObjectionStatus.PENDING
    return ObjectionStatusView(
        receipt=objection.receipt, project_code=objection.project.code or "",
        project_name=objection.project.name, filed_at=objection.filed_at,
        status=objection.status, status_label=str(objection.get_status_display()),
        decision_reason=objection.decision_reason if decided else "",
        decided_at=objection.decided_at)


def _clean_text(value, field, missing):
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise InvalidInput(missing, fields={field: [missing]})
    if len(value) > DECISION_MAX_LENGTH:
        message = _("最多%(max)s字，当前%(n)s字。") % {"max": DECISION_MAX_LENGTH, "n": len(value)}
        raise InvalidInput(message, fields={field: [message]})
    return value


def decide(objection, actor, *, upheld: bool, investigation, reason,
           ip_address=None) -> Objection:
    """The ecology admin decides ``objection`` once: upheld or not, with the investigation
    and the reason; the decision is an event on the project's history."""
    if not may_decide(actor):
        raise NotPermitted(_("只有市生态环境局可以处理公示异议。"))
    if not isinstance(upheld, bool):
        message = _("请选择处理结果：异议成立或异议不成立。")
        raise InvalidInput(message, fields={"upheld": [message]})
    investigation = _clean_text(investigation, "investigation", _("请填写调查核实情况。"))
    reason = _clean_text(reason, "reason", _("请填写处理意见及理由。"))
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=objection.project_id)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.status != ObjectionStatus.PENDING:
            raise NotAllowedNow(_("该异议已于%(date)s处理，不能再次处理。")
                                % {"date": day_text(timezone.localdate(objection.decided_at))})
        if project.state != State.PUBLICITY:
            raise NotAllowedNow(_("项目已不在公示阶段，不能再处理异议。"))
        objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.NOT_UPHELD
        objection.investigation = investigation
        objection.decision_reason = reason
        objection.decided_by = actor
        objection.decided_at = timezone.now()
        objection.save(update_fields=["status", "investigation", "decision_reason",
                                      "decided_by", "decided_at"])
        record_event(project, OBJECTION_DECIDED, actor, {
            "objection_id": objection.pk, "filed_at": objection.filed_at,
            "upheld": upheld, "investigation": investigation,
        }, reason=reason, ip_address=ip_address)
    return objection


def objections_for_admin(*, project=None):
    """Objections as the ecology admin's list shows them: pending first (oldest first,
    to be handled in turn), then decided ones, latest decision first."""
    objections = Objection.objects.select_related(
        "project__category", "project__county", "period", "decided_by")
    if project is not None:
        objections = objections.filter(project=project)
    return objections.annotate(
        pending_first=Case(When(status=ObjectionStatus.PENDING, then=Value(0)),
                           default=Value(1), output_field=IntegerField()),
    ).order_by("pending_first", "filed_at", "pk")


# --- The history ----------------------------------------------------------------------

def _when(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return str(value or "")
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _describe_filed(data):
    return [_("提交时间：%(when)s") % {"when": _when(data.get("filed_at"))}]


def _describe_decided(data):
    lines = [_("异议提交时间：%(when)s") % {"when": _when(data.get("filed_at"))},
             _("处理结果：%(result)s") % {
                 "result": ObjectionStatus.UPHELD.label if data.get("upheld")
                 else ObjectionStatus.NOT_UPHELD.label}]
    if data.get("investigation"):
        lines.append(_("调查核实情况：%(text)s") % {"text": data["investigation"]})
    return lines


registry.register_event(OBJECTION_FILED, gettext_lazy("收到公示异议"), _describe_filed)
registry.register_event(OBJECTION_DECIDED, gettext_lazy("处理公示异议"), _describe_decided)

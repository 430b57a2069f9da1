"""The annual carbon disclosure (年度碳排放信息披露): the builder prepares it for a year with
activity data, the county ecology bureau checks it and publishes it or sends it back.

States: ``draft`` → ``county_check`` → ``returned`` (back to the builder, with a reason)
or ``published``. A returned disclosure is edited and submitted again. The figures are
never typed: they are computed by ``disclosure.calculation`` from the year's activity data
and the factor rule when the builder saves and again when it submits; the county checks
those, and publishing keeps them as they are (with every factor used). A published
disclosure is frozen: a correction is a new version (``version + 1``) with a note, which
goes through the same check; the old version stays public, marked superseded.

Every change is one function here, in a transaction with the disclosure (or, to create
one, the project) locked, and is recorded on the project's history. Who acts next is told
(``pilots.notify``): the county ecology bureau of a submission, the builder of a return
or a publication.
"""
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import plan as plan_rules
from pilots import registry, rules
from pilots.audit import record_event
from pilots.choices import Role
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import Project, User
from pilots.notify import applicant_members, in_site_language, notify

from . import activity, calculation
from .models import ActivityYear, Disclosure, DisclosureState

MEASURES_MAX = 3000
NARRATIVE_MAX = 1000  # a short narrative
NOTE_MAX = 500
REASON_MAX = 1000

OPEN_STATES = (DisclosureState.DRAFT, DisclosureState.RETURNED)  # the builder may edit
# A pilot discloses from construction on (DOMAIN §3), also once titled.
DISCLOSING_STATES = activity.ENTRY_STATES

PREPARED = "disclosure_prepared"
SAVED = "disclosure_saved"
SUBMITTED = "disclosure_submitted"
RETURNED = "disclosure_returned"
PUBLISHED = "disclosure_published"


# --- Who may ------------------------------------------------------------------------------

def may_prepare(project, user) -> bool:
    """The builder (or a consultant it allowed to submit), while the pilot discloses."""
    return project.state in DISCLOSING_STATES and rules.may_submit(project, user)


def may_check(project, user) -> bool:
    """The ecology bureau of the pilot's county (属地生态环境部门)."""
    return rules.is_county_ecology(project, user)


def may_follow(project, user) -> bool:
    """Who reads a disclosure once submitted (in check, returned): the builder, the county
    ecology bureau, the city body of the category and the ecology admin. A draft is the
    builder's alone; a published one anyone may read, on the public page too."""
    return (rules.may_submit(project, user) or rules.is_county_ecology(project, user)
            or rules.is_city_officer_or_admin(project, user))


def readable(disclosures, project, user) -> list[Disclosure]:
    """Those of ``disclosures`` (of ``project``) that ``user``, who sees the project, may read."""
    builder = rules.may_submit(project, user)
    follows = builder or may_follow(project, user)
    return [d for d in disclosures
            if d.state == DisclosureState.PUBLISHED
            or (d.state == DisclosureState.DRAFT and builder)
            or (d.state != DisclosureState.DRAFT and follows)]


# --- Reading --------------------------------------------------------------------------------

def versions(project, year) -> list[Disclosure]:
    """Every version of ``project``'s disclosure of ``year``, the newest first."""
    return list(Disclosure.objects.filter(project=project, year=year)
                .select_related("prepared_by", "checked_by").order_by("-version"))


def superseded_versions(disclosures) -> set[int]:
    """The pks of the published versions a later published version of the same year
    replaces (derived, never stored)."""
    latest = {}
    for d in disclosures:
        if d.state == DisclosureState.PUBLISHED:
            key = (d.project_id, d.year)
            latest[key] = max(latest.get(key, 0), d.version)
    return {d.pk for d in disclosures if d.state == DisclosureState.PUBLISHED
            and d.version < latest[(d.project_id, d.year)]}


def disclosable_years(project, today=None) -> list[int]:
    """The years the builder may disclose: ended years with activity data entered."""
    this_year = (today or timezone.localdate()).year
    entered = ActivityYear.objects.filter(project=project, year__lt=this_year)
    return sorted(entered.values_list("year", flat=True))


def compute_figures(project, year) -> dict:
    """The figures of ``project``'s ``year`` from its activity data and the factor rule;
    InvalidInput (in words) when they cannot be computed."""
    row = ActivityYear.objects.filter(project=project, year=year).prefetch_related(
        "records").first()
    if row is None:
        raise InvalidInput(_("%(year)s年尚未填报活动数据，请先填报。") % {"year": year})
    try:
        figures = calculation.figures_for(project, row)
    except calculation.CalculationError as error:
        raise InvalidInput(error.message) from error
    figures["plan"] = plan_targets(project)
    return figures


def plan_targets(project) -> dict:
    """What the year is held against, kept with its figures (frozen with them once
    published): the plan's baseline year, term, and each indicator's baseline, target and
    yearly milestones, from the plan of record (its latest frozen version)."""
    plan = activity.plan_of(project)
    indicators = {}
    for indicator in project.category.indicators.all():
        entry = plan["targets"].get(indicator.code)
        if not isinstance(entry, dict) or not entry:
            continue
        milestones = entry.get("milestones") if isinstance(entry.get("milestones"), dict) else {}
        indicators[indicator.code] = {
            "baseline": calculation.text(plan_rules.indicator_baseline(plan, indicator)),
            "target": calculation.text(plan_rules.number(entry.get("target"))),
            "milestones": {str(y): calculation.text(plan_rules.number(v))
                           for y, v in sorted(milestones.items())
                           if plan_rules.number(v) is not None},
        }
    return {"baseline_year": plan_rules.year_of(plan["baseline"].get("year")),
            "start_year": plan_rules.year_of(plan["schedule"].get("start_year")),
            "end_year": plan_rules.year_of(plan["schedule"].get("end_year")),
            "indicators": indicators}


# --- Changing ---------------------------------------------------------------------------------

def _clean(measures, narrative, correction_note) -> dict:
    errors, cleaned = {}, {}
    for field, value, limit, label in (
            ("measures", measures, MEASURES_MAX, _("本年度采取的措施")),
            ("narrative", narrative, NARRATIVE_MAX, _("情况说明")),
            ("correction_note", correction_note, NOTE_MAX, _("更正说明"))):
        text = value.strip() if isinstance(value, str) else ""
        if len(text) > limit:
            errors[field] = [_("%(label)s最多%(n)s字，现有%(count)s字。")
                             % {"label": label, "n": limit, "count": len(text)}]
        cleaned[field] = text
    if errors:
        raise InvalidInput(_("填写的内容过长，未保存。"), fields=errors)
    return cleaned


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("年份无效。")) from None
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("年份无效。"))
    return year


def _refuse_preparing(project, user):
    if not rules.may_submit(project, user):
        raise NotPermitted(_("只有本试点的建设单位可以编制碳排放信息披露。"))
    if project.state not in DISCLOSING_STATES:
        raise NotAllowedNow(_("项目当前处于「%(state)s」，不能编制碳排放信息披露。")
                            % {"state": project.get_state_display()})


def _event_data(disclosure) -> dict:
    """What the history keeps: the year, the version and the total, never the texts (they
    are the builder's until published, and a return's reason is the entry's reason)."""
    return {"year": disclosure.year, "version": disclosure.version,
            "total_t": (disclosure.figures or {}).get("total_t")}


def prepare(project, user, year, *, measures="", narrative="", correction_note="",
            ip_address=None) -> Disclosure:
    """Create or update the open disclosure (draft or returned) of ``year``, its figures
    computed afresh. With a published version of that year, a new version is a correction
    and needs a note. In check it cannot be changed."""
    year = _year(year)
    texts = _clean(measures, narrative, correction_note)
    with transaction.atomic():
        project = Project.objects.select_for_update(of=("self",)).select_related(
            "category").get(pk=project.pk)
        _refuse_preparing(project, user)
        if year not in disclosable_years(project):
            raise InvalidInput(_("%(year)s年不能披露：只能披露已结束、且已填报活动数据的年度。")
                               % {"year": year})
        latest = (Disclosure.objects.select_for_update().filter(project=project, year=year)
                  .order_by("-version").first())
        if latest is not None and latest.state == DisclosureState.COUNTY_CHECK:
            raise NotAllowedNow(_("%(year)s年的披露正在属地生态环境部门审核，不能修改。")
                                % {"year": year})
        creating = latest is None or latest.state == DisclosureState.PUBLISHED
        version = latest.version + 1 if creating and latest else (latest.version if latest else 1)
        if version > 1 and not texts["correction_note"]:
            raise InvalidInput(_("%(year)s年的披露已公开，更正须说明更正的内容和原因。")
                               % {"year": year},
                               fields={"correction_note": [_("请填写更正说明。")]})
        if version == 1:
            texts["correction_note"] = ""
        figures = compute_figures(project, year)
        if creating:
            disclosure = Disclosure.objects.create(project=project, year=year, version=version,
                                                   prepared_by=user, figures=figures, **texts)
            record_event(project, PREPARED, user, _event_data(disclosure), ip_address=ip_address)
            return disclosure
        disclosure = latest
        changed = disclosure.figures != figures or any(
            getattr(disclosure, field) != value for field, value in texts.items())
        if changed:
            for field, value in texts.items():
                setattr(disclosure, field, value)
            disclosure.figures, disclosure.prepared_by = figures, user
            disclosure.save()
            record_event(project, SAVED, user, _event_data(disclosure), ip_address=ip_address)
    return disclosure


def prepare_and_submit(project, user, year, *, measures="", narrative="", correction_note="",
                       ip_address=None) -> Disclosure:
    """Save what the builder typed and submit it, both or neither."""
    with transaction.atomic():
        disclosure = prepare(project, user, year, measures=measures, narrative=narrative,
                             correction_note=correction_note, ip_address=ip_address)
        return submit(disclosure, user, ip_address=ip_address)


def _locked(disclosure) -> Disclosure:
    return Disclosure.objects.select_for_update(of=("self",)).select_related(
        "project__category", "project__county").get(pk=disclosure.pk)


def submit(disclosure, user, *, ip_address=None) -> Disclosure:
    """Hand the disclosure to the county ecology bureau, its figures computed once more
    from the activity data as it stands (what the county checks is what gets published)."""
    with transaction.atomic():
        disclosure = _locked(disclosure)
        project = disclosure.project
        _refuse_preparing(project, user)
        if disclosure.state not in OPEN_STATES:
            raise NotAllowedNow(_("该披露当前为「%(state)s」，不能提交。")
                                % {"state": disclosure.get_state_display()})
        errors = {}
        if not disclosure.measures:
            errors["measures"] = [_("请填写本年度采取的减排措施。")]
        if not disclosure.narrative:
            errors["narrative"] = [_("请填写情况说明。")]
        if disclosure.version > 1 and not disclosure.correction_note:
            errors["correction_note"] = [_("请填写更正说明。")]
        if errors:
            raise InvalidInput(_("披露内容不完整，未提交。"), fields=errors)
        disclosure.figures = compute_figures(project, disclosure.year)
        disclosure.state = DisclosureState.COUNTY_CHECK
        disclosure.submitted_at = timezone.now()
        disclosure.save()
        record_event(project, SUBMITTED, user, _event_data(disclosure), ip_address=ip_address)
        with in_site_language():
            _tell(county_ecology(project), disclosure,
                  _("「%(project)s」%(year)s年碳排放信息披露待审核"))
    return disclosure


def _refuse_checking(disclosure, user):
    if not may_check(disclosure.project, user):
        raise NotPermitted(_("只有项目所在县(区)的生态环境部门可以审核碳排放信息披露。"))
    if disclosure.state != DisclosureState.COUNTY_CHECK:
        raise NotAllowedNow(_("该披露当前为「%(state)s」，不在审核中。")
                            % {"state": disclosure.get_state_display()})


def return_to_builder(disclosure, user, reason, *, ip_address=None) -> Disclosure:
    """Send the disclosure back to the builder with a reason."""
    reason = reason.strip() if isinstance(reason, str) else ""
    with transaction.atomic():
        disclosure = _locked(disclosure)
        _refuse_checking(disclosure, user)
        if not reason:
            raise InvalidInput(_("退回须说明理由。"), fields={"reason": [_("请填写退回理由。")]})
        if len(reason) > REASON_MAX:
            raise InvalidInput(_("退回理由最多%(n)s字。") % {"n": REASON_MAX},
                               fields={"reason": [_("退回理由最多%(n)s字。") % {"n": REASON_MAX}]})
        disclosure.state = DisclosureState.RETURNED
        disclosure.returned_reason = reason
        disclosure.checked_by = user
        disclosure.save()
        record_event(disclosure.project, RETURNED, user, _event_data(disclosure), reason=reason,
                     ip_address=ip_address)
        with in_site_language():
            _tell(applicant_members(disclosure.project), disclosure,
                  _("「%(project)s」%(year)s年碳排放信息披露被退回"),
                  _("退回理由：%(reason)s") % {"reason": reason})
    return disclosure


def publish(disclosure, user, *, ip_address=None) -> Disclosure:
    """Publish the disclosure as checked: its figures and factors are frozen from now on.
    An earlier published version of the year stays public, marked superseded."""
    with transaction.atomic():
        disclosure = _locked(disclosure)
        _refuse_checking(disclosure, user)
        disclosure.state = DisclosureState.PUBLISHED
        disclosure.returned_reason = ""
        disclosure.checked_by = user
        disclosure.published_at = timezone.now()
        disclosure.save()
        record_event(disclosure.project, PUBLISHED, user, _event_data(disclosure),
                     ip_address=ip_address)
        with in_site_language():
            _tell(applicant_members(disclosure.project), disclosure,
                  _("「%(project)s」%(year)s年碳排放信息披露已公开"))
    return disclosure


def county_ecology(project) -> list[User]:
    """The staff of the ecology bureau of ``project``'s county (``rules.is_county_ecology``)."""
    staff = User.objects.filter(is_active=True, role_grants__role=Role.COUNTY_ECOLOGY,
                                department__county_id=project.county_id).distinct()
    return [user for user in staff.select_related("department")
            if rules.is_county_ecology(project, user)]


def _tell(recipients, disclosure, title, line=""):
    project = disclosure.project
    body = [_("项目编号：%(code)s") % {"code": project.code or "—"}]
    if line:
        body.append(line)
    body.append(_("查看：%(url)s") % {
        "url": reverse("disclosure-year", args=[project.pk, disclosure.year])})
    notify(recipients, project=project,
           title=title % {"project": project.name, "year": disclosure.year},
           body="\n".join(body))


def latest_version(project, year) -> int:
    return Disclosure.objects.filter(project=project, year=year).aggregate(
        top=Max("version"))["top"] or 0


# --- The history, in words ---------------------------------------------------------------

def _describe(data) -> list[str]:
    lines = [_("披露年度：%(year)s年(第%(version)s版)")
             % {"year": data.get("year", ""), "version": data.get("version", "")}]
    if data.get("total_t") not in (None, ""):
        lines.append(_("碳排放总量：%(total)s 吨二氧化碳") % {"total": data["total_t"]})
    return lines


registry.register_event(PREPARED, gettext_lazy("编制年度碳排放信息披露"), _describe)
registry.register_event(SAVED, gettext_lazy("修改年度碳排放信息披露"), _describe)
registry.register_event(SUBMITTED, gettext_lazy("提交碳排放信息披露审核"), _describe)
registry.register_event(RETURNED, gettext_lazy("退回碳排放信息披露"), _describe)
registry.register_event(PUBLISHED, gettext_lazy("公开碳排放信息披露"), _describe)

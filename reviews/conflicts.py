"""Conflicts of interest between an expert and a project, typed as HotCRP types them.

Detected from the pool: the expert's employer is the applicant or a consultancy invited
onto the project (institutional, blocking); the expert declared a relation with one of
them (its declared type, blocking); the expert belongs to the project's county, for
selection only (a warning the organiser may override with a recorded reason).
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from pilots.services import invited_consultants

from .choices import ConflictType, ReviewKind
from .models import ExpertProfile


@dataclass(frozen=True)
class Conflict:
    type: str            # a ConflictType value
    reason_text: str
    blocking: bool

    @property
    def type_label(self) -> str:
        return str(ConflictType(self.type).label)


@dataclass(frozen=True)
class Parties:
    """What an expert's ties are checked against, for one project."""

    project_id: int
    applicant_id: int
    applicant_name: str
    consultancies: dict = field(default_factory=dict)  # organisation id → name
    county_id: int | None = None
    county_name: str = ""


def parties_of(project) -> Parties:
    """The applicant, the consultancies invited onto ``project`` and its county (one query
    for the consultancies; the applicant and the county are read from ``project``)."""
    consultancies = {c.organisation_id: c.organisation.name
                     for c in invited_consultants(project) if c.organisation_id}
    consultancies.pop(project.applicant_id, None)
    return Parties(project.pk, project.applicant_id, project.applicant.name, consultancies,
                   project.county_id, str(project.county) if project.county_id else "")


def profiles_of(users) -> dict[int, ExpertProfile]:
    """The pool profile of each of ``users`` that has one, with employer and relations
    (two queries whatever the number of users)."""
    ids = [getattr(u, "pk", u) for u in users]
    profiles = (ExpertProfile.objects.filter(user_id__in=ids)
                .select_related("employer", "county")
                .prefetch_related("relations__organisation"))
    return {p.user_id: p for p in profiles}


def _check_kind(kind):
    if kind not in ReviewKind.values:
        raise ValueError(f"unknown review kind {kind!r}")


def conflicts_between(profile: ExpertProfile | None, parties: Parties, *, kind) -> list[Conflict]:
    """The conflicts of the expert of ``profile`` with the project of ``parties``, blocking
    ones first; no profile, no known ties, no conflict."""
    _check_kind(kind)
    if profile is None:
        return []
    found = []
    if profile.employer_id == parties.applicant_id:
        found.append(Conflict(ConflictType.INSTITUTIONAL, _(
            "工作单位「%(org)s」是本项目的申报单位。") % {"org": parties.applicant_name}, True))
    elif profile.employer_id in parties.consultancies:
        found.append(Conflict(ConflictType.INSTITUTIONAL, _(
            "工作单位「%(org)s」是受邀参与本项目的专业机构。")
            % {"org": parties.consultancies[profile.employer_id]}, True))
    for relation in profile.relations.all():
        facts = {"org": relation.organisation.name, "kind": relation.get_kind_display(),
                 "since": relation.since.isoformat()}
        if relation.organisation_id == parties.applicant_id:
            text = _("申报了与申报单位「%(org)s」的%(kind)s（%(since)s起）。") % facts
        elif relation.organisation_id in parties.consultancies:
            text = _("申报了与本项目专业机构「%(org)s」的%(kind)s（%(since)s起）。") % facts
        else:
            continue
        found.append(Conflict(relation.kind, text, True))
    if (kind == ReviewKind.SELECTION and profile.county_id is not None
            and profile.county_id == parties.county_id):
        found.append(Conflict(ConflictType.OTHER, _(
            "专家与项目同属%(county)s。") % {"county": parties.county_name}, False))
    return sorted(found, key=lambda c: not c.blocking)


def conflicts(expert, project, *, kind) -> list[Conflict]:
    """Every conflict between ``expert`` (a user) and ``project`` for a panel of ``kind``
    (``selection`` or ``acceptance``), blocking ones first."""
    _check_kind(kind)
    profile = profiles_of([expert]).get(expert.pk)
    return conflicts_between(profile, parties_of(project), kind=kind)

"""The demo's expert pool: where expert1..6 work, their county, fields and declared relations.

expert1..3 (the demo's panels) have no tie to any demo applicant; expert4..6 belong to
宜州区 (a warning on its projects), and expert5 advised 宜州区第一初级中学 (blocking on
its projects), so the panel card shows each case.
"""
import datetime

from django.utils import timezone

from pilots import registry
from pilots.choices import OrganisationType
from pilots.demo import credit_code
from pilots.models import Organisation

from .choices import ConflictType
from .choices import ExpertiseField as F
from .declarations import declare
from .models import DeclaredRelation, ExpertProfile

# name: (county code, serial of its credit code)
EMPLOYERS = {
    "河池市建筑设计研究院": ("jinchengjiang", 700101),
    "河池学院": ("yizhou", 700102),
    "宜州区能源技术服务中心": ("yizhou", 700103),
}
CONSULTANCY = "consultancy"
# username: (employer, county code or None, fields)
PROFILES = {
    "expert1": ("河池市建筑设计研究院", None, [F.ENERGY, F.INDUSTRY, F.CARBON_ACCOUNTING]),
    "expert2": ("河池市建筑设计研究院", None, [F.BUILDINGS, F.TRANSPORT, F.MANAGEMENT]),
    "expert3": (None, None, [F.CARBON_ACCOUNTING, F.ECOLOGY_CARBON_SINK, F.MANAGEMENT]),
    "expert4": ("宜州区能源技术服务中心", "yizhou", [F.ENERGY, F.BUILDINGS, F.INDUSTRY]),
    "expert5": ("河池学院", "yizhou", [F.TRANSPORT, F.ECOLOGY_CARBON_SINK, F.MANAGEMENT]),
    "expert6": (CONSULTANCY, "yizhou", [F.ENERGY, F.CARBON_ACCOUNTING, F.MANAGEMENT]),
}
# username: (applicant key, kind, note)
RELATIONS = {
    "expert5": (("yizhou", "campus"), ConflictType.COLLABORATOR, "为其校园节能诊断提供咨询"),
}


@registry.register_demo_seed
def seed_pool(people):
    counties = people["counties"]
    employers = {CONSULTANCY: people["consultancy"]}
    for name, (county, serial) in EMPLOYERS.items():
        employers[name], _ = Organisation.objects.get_or_create(name=name, defaults={
            "org_type": OrganisationType.OTHER, "county": counties[county],
            "credit_code": credit_code(county, "other", serial),
            "contact_name": "联系人", "contact_phone": "0778-2230000"})
    by_name = {u.username: u for u in people["experts"]}
    for username, (employer, county, fields) in PROFILES.items():
        if username not in by_name:
            continue
        profile, _ = ExpertProfile.objects.get_or_create(user=by_name[username], defaults={
            "employer": employers.get(employer), "county": counties.get(county),
            "fields": [str(f) for f in fields]})
        if username in RELATIONS:
            key, kind, note = RELATIONS[username]
            since = datetime.date(timezone.localdate().year - 1, 3, 1)
            DeclaredRelation.objects.get_or_create(
                profile=profile, organisation=people["applicants"][key].organisation,
                defaults={"kind": kind, "note": note, "since": since})


def declare_no_conflict(assignments):
    """The demo's panel members declare no conflict as soon as they are assigned, so the
    demo world shows experts who read the plans they review."""
    for assignment in assignments:
        declare(assignment, assignment.expert, conflict=False, ip_address="127.0.0.1")

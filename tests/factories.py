"""factory_boy factories for the people and organisations a test needs beyond the demo world."""
import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from pilots import services
from pilots.choices import OrganisationType, Role
from pilots.demo import demo_plan
from pilots.models import Batch, Category, County, Organisation, RoleGrant, User
from pilots.validators import uscc_check_character


def uscc(n, region="451203", authority="12"):
    """A valid unified social credit code, distinct for each ``n``."""
    first17 = f"{authority}{region}{n:09d}"
    return first17 + uscc_check_character(first17)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试单位{n}")
    org_type = OrganisationType.SCHOOL
    county = factory.LazyFunction(lambda: County.objects.get(code="yizhou"))
    credit_code = factory.Sequence(lambda n: uscc(900000 + n))
    contact_name = "联系人"
    contact_phone = "0778-7200000"


class MemberFactory(DjangoModelFactory):
    """A user of an organisation with its roles (``roles=[...]``, applicant by default)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or [Role.APPLICANT]:
            RoleGrant.objects.get_or_create(user=self, role=role)
        self.__dict__.pop("roles", None)  # the cached role set, if it was read already


def applicant(username, *, county="yizhou", organisation=None, **org):
    """An applicant user of an organisation of its own, reloaded so its roles are fresh."""
    county = County.objects.get(code=county)
    user = MemberFactory(username=username,
                         organisation__name=organisation or f"{county.name}{username}",
                         organisation__county=county, **{f"organisation__{k}": v for k, v in org.items()})
    return User.objects.get(pk=user.pk)


def consultant(username, *, organisation="广西测试碳管理咨询有限公司"):
    user = MemberFactory(username=username, roles=[Role.CONSULTANT],
                         organisation__name=organisation,
                         organisation__org_type=OrganisationType.CONSULTANCY)
    return User.objects.get(pk=user.pk)


def projects(user, names, *, category="campus", submit=False):
    """Projects of ``user``'s organisation in the current batch, complete plans; submitted if asked."""
    category = Category.objects.get(code=category)
    batch = Batch.objects.get(year=timezone.localdate().year)
    made = []
    for name in names:
        project = services.create_project(actor=user, batch=batch, category=category, name=name)
        if submit:
            services.save_plan(project, user, demo_plan(category))
            project = services.fire(project, "submit", user)
        made.append(project)
    return made

"""The admin: every registered list and form renders; projects and the audit trail are read-only."""
import pytest
from django.contrib import admin

from pilots.choices import State
from pilots.models import Project

MODELS = sorted(f"{m._meta.app_label}/{m._meta.model_name}" for m in admin.site._registry)


@pytest.fixture
def superuser(demo, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.cn", "x")


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_renders_with_its_filters(client, superuser, model):
    client.force_login(superuser)
    assert client.get(f"/admin/{model}/").status_code == 200


def test_the_project_state_cannot_be_set_from_the_admin(client, superuser, demo):
    project = demo.project_in(State.COUNTY_REVIEW)
    client.force_login(superuser)
    page = client.get(f"/admin/pilots/project/{project.pk}/change/").content.decode()
    assert 'name="state"' not in page
    assert client.get("/admin/pilots/project/add/").status_code == 403
    assert client.post(f"/admin/pilots/project/{project.pk}/delete/").status_code == 403


def test_the_state_field_is_protected(demo):
    project = demo.project_in(State.COUNTY_REVIEW)
    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        project.state = State.TITLED
    assert Project.objects.get(pk=project.pk).state == State.COUNTY_REVIEW


def test_a_staff_officer_sees_only_the_projects_the_selector_allows(client, demo):
    officer = demo.user("yizhou_education")
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    from django.contrib.auth.models import Permission

    officer.user_permissions.add(Permission.objects.get(codename="view_project"))
    client.force_login(officer)

    page = client.get("/admin/pilots/project/").content.decode()

    visible = Project.objects.filter(county__code="yizhou", category__code="campus",
                                     code__isnull=False)
    assert page.count('<th class="field-code">') == visible.count()
    for project in visible:
        assert project.code in page

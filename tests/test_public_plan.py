"""The public summary of a creation plan: the allow-listed fields of the frozen version only."""
from decimal import Decimal

import pytest
from django.utils import translation

from pilots.choices import State
from pilots.models import PlanVersion, Project
from pilots.public_plan import frozen_version, public_plan, with_public_plan

pytestmark = pytest.mark.django_db


def test_frozen_version_is_the_latest_version_not_the_draft(demo):
    project = demo.project_in(State.REVISION_CHECK)
    latest = project.versions.order_by("-number").first()
    assert frozen_version(project) == latest
    project.plan = dict(project.plan, overview=dict(project.plan["overview"], location="草稿里的新位置"))
    project.save()
    assert public_plan(frozen_version(project))["location"] == latest.content["overview"]["location"]
    prefetched = with_public_plan(Project.objects.filter(pk=project.pk)).get()
    assert frozen_version(prefetched) == latest


def test_a_project_never_submitted_has_no_frozen_version(demo):
    assert frozen_version(demo.project_in(State.DRAFT)) is None
    assert public_plan(None) == {
        "location": "", "area_km2": None, "area": "", "start_year": None, "end_year": None,
        "baseline_year": None, "baseline_total_t": None, "baseline_total": "",
        "targets": [], "tasks": []}


def test_only_the_allow_listed_fields(demo):
    project = demo.project_in(State.PUBLICITY) or demo.project_in(State.REVISION_CHECK)
    version = frozen_version(project)
    content = version.content
    summary = public_plan(version)
    assert set(summary) == {"location", "area_km2", "area", "start_year", "end_year",
                            "baseline_year", "baseline_total_t", "baseline_total",
                            "targets", "tasks"}
    assert summary["location"] == content["overview"]["location"]
    assert summary["area_km2"] == Decimal(content["overview"]["area_km2"])
    assert summary["baseline_total_t"] == Decimal(content["baseline"]["total_emissions_t"])
    assert summary["start_year"] == content["schedule"]["start_year"]
    assert summary["end_year"] == content["schedule"]["end_year"]
    total = next(t for t in summary["targets"] if t["code"] == "total")
    assert total["baseline"] == Decimal(content["baseline"]["total_emissions_t"])
    assert total["target"] == Decimal(content["targets"]["total"]["target"])
    assert total["target_year"] == content["schedule"]["end_year"]
    assert [t["measure"] for t in summary["tasks"]] == [
        t["measure"].strip() for t in content["tasks"] if t["measure"].strip()]
    assert set(summary["tasks"][0]) == {"field", "field_label", "measure"}
    text = repr(summary)
    for task in content["tasks"]:
        assert task["expected_result"] not in text
    assert content["safeguards"] not in text
    assert content["overview"]["boundary"] not in text


def test_texts_follow_the_language(demo):
    version = PlanVersion.objects.filter(
        content__overview__area_km2__isnull=False).order_by("pk").first()
    area = public_plan(version)["area_km2"]
    with translation.override("zh-hans"):
        assert public_plan(version)["area"].endswith(" 平方公里")
    with translation.override("en"):
        summary = public_plan(version)
        assert summary["area"].endswith(" km²")
        assert summary["baseline_total"].endswith(" tCO₂")
    assert area is not None

"""A pilot's yearly activity data: entering it by form, prefilling from the plan, who may
read and enter it, and its card on the project page.

Expected figures are written out here as Decimals; the stored rows are read back with
plain ORM queries.
"""
from decimal import Decimal

import pytest
from django.utils import timezone

from disclosure.models import ActivityRecord, ActivityYear
from pilots import services
from pilots.choices import State
from pilots.demo import demo_plan
from pilots.models import AuditEntry, Batch, Category, Project
from tests import factories

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
BASE_YEAR = THIS_YEAR - 1  # the demo plan's baseline year; construction starts this year


def pilot(username, *, category="campus", county="yizhou", denominators=None,
          state=State.CONSTRUCTION, name=None):
    """A pilot of a new applicant ``username``: its demo plan submitted (frozen as version
    1), then standing in ``state``. ``denominators`` replaces the plan's."""
    user = factories.applicant(username, county=county)
    category = Category.objects.get(code=category)
    project = services.create_project(actor=user, batch=Batch.objects.get(
        year=THIS_YEAR), category=category, name=name or f"{username}的试点")
    plan = demo_plan(category)
    if denominators is not None:
        plan["denominators"] = denominators
    services.save_plan(project, user, plan)
    project = services.fire(project, "submit", user)
    Project.objects.filter(pk=project.pk).update(state=state)
    return Project.objects.get(pk=project.pk), user


def page(project, year):
    return f"/projects/{project.pk}/activity/{year}/"


def stored(project, year):
    """{(source, fuel code): (amount, unit)} of the year's records."""
    return {(r.source, r.fuel_code): (r.amount, r.unit) for r in
            ActivityRecord.objects.filter(activity_year__project=project, activity_year__year=year)}


FORM = {
    "purchased_electricity": "1234567.8912",
    "green_electricity": "300000",
    "onsite_renewable": "52000.5",
    "fuel-natural_gas": "1.25",
    "fuel-diesel": "0",
    "fuel-gasoline": "",
    "fuel-lpg": " 2.5 ",
    "purchased_heat": "",
    "sink": "30.5",
    "population": "2450",
}


def test_the_form_stores_exact_decimals_in_fixed_units(client, demo):
    project, user = pilot("act_form")
    client.force_login(user)
    response = client.post(page(project, THIS_YEAR), FORM)
    assert response.status_code == 302
    assert response.url == page(project, THIS_YEAR)
    assert stored(project, THIS_YEAR) == {
        ("purchased_electricity", ""): (Decimal("1234567.8912"), "kWh"),
        ("green_electricity", ""): (Decimal("300000"), "kWh"),
        ("onsite_renewable", ""): (Decimal("52000.5"), "kWh"),
        ("fuel", "natural_gas"): (Decimal("1.25"), "万Nm³"),
        ("fuel", "diesel"): (Decimal("0"), "t"),
        ("fuel", "lpg"): (Decimal("2.5"), "t"),
        ("sink", ""): (Decimal("30.5"), "tCO2"),
    }
    row = ActivityYear.objects.get(project=project, year=THIS_YEAR)
    assert (row.population, row.floor_area_m2, row.entered_by) == (Decimal("2450"), None, user)
    entry = AuditEntry.objects.filter(project=project, kind="activity_saved").get()
    assert entry.actor == user
    assert entry.data_lines[:2] == [f"核算年份：{THIS_YEAR}年", "方式：在线填报"]

    # Shown back as typed, without trailing zeros.
    body = client.get(page(project, THIS_YEAR)).content.decode()
    assert 'value="1234567.8912"' in body
    assert 'value="1.25"' in body
    assert 'value="0"' in body


def test_a_second_save_changes_what_changed_and_an_emptied_item_has_no_data(client, demo):
    project, user = pilot("act_edit")
    client.force_login(user)
    client.post(page(project, THIS_YEAR), FORM)
    changed = dict(FORM, **{"fuel-natural_gas": "", "purchased_heat": "12.0001",
                            "purchased_electricity": "1234567.8912"})
    assert client.post(page(project, THIS_YEAR), changed).status_code == 302
    records = stored(project, THIS_YEAR)
    assert ("fuel", "natural_gas") not in records
    assert records[("purchased_heat", "")] == (Decimal("12.0001"), "GJ")
    assert records[("purchased_electricity", "")] == (Decimal("1234567.8912"), "kWh")
    assert AuditEntry.objects.filter(project=project, kind="activity_saved").count() == 2
    # The same figures again: nothing changes and nothing is recorded.
    client.post(page(project, THIS_YEAR), changed)
    assert AuditEntry.objects.filter(project=project, kind="activity_saved").count() == 2


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("purchased_electricity", "-1", "不能为负数。"),
    ("purchased_electricity", "1.23456", "最多保留4位小数。"),
    ("fuel-diesel", "12吨", "「12吨」不是数字，请只填写数字(不带单位和千位分隔符)。"),
    ("fuel-diesel", "1,200", "「1,200」不是数字，请只填写数字(不带单位和千位分隔符)。"),
    ("purchased_heat", "1e20", "数值过大：整数部分最多14位。"),
    ("population", "0", "应大于0。"),
    ("green_electricity", "1234567.8913",
     "购入绿色电力(1234567.8913 kWh)不能多于外购电力(1234567.8912 kWh)：它是外购电力的一部分；"
     "光伏等自发自用的电量请填在「自发自用可再生能源电力」。"),
])
def test_a_bad_amount_is_named_and_nothing_is_saved(client, demo, field, typed, message):
    project, user = pilot("act_bad")
    client.force_login(user)
    client.post(page(project, THIS_YEAR), FORM)
    before = stored(project, THIS_YEAR)
    posted = dict(FORM, **{"fuel-natural_gas": "99", field: typed})
    response = client.post(page(project, THIS_YEAR), posted)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "请更正下面标出的内容，本次未保存任何数据。" in body
    assert stored(project, THIS_YEAR) == before  # natural gas is not 99 either
    assert ActivityYear.objects.get(project=project, year=THIS_YEAR).population == Decimal("2450")


def test_denominators_are_prefilled_from_the_plan_of_that_year_or_else_the_baseline(client, demo):
    project, user = pilot("act_prefill", category="commercial", denominators={
        "floor_area": {str(BASE_YEAR): "85000", str(THIS_YEAR): "86500.5"},
        "population": {str(BASE_YEAR): "3400"}})
    client.force_login(user)
    response = client.get(page(project, THIS_YEAR))
    form = response.context["form"]
    assert form.initial["floor_area"] == Decimal("86500.5")
    assert form.initial["population"] is None  # the plan's this-year figures: floor area only
    assert response.context["prefilled_from"] == THIS_YEAR
    assert f"指标分母已按创建方案中{THIS_YEAR}年的数值预填，请核对后保存。" in response.content.decode()

    project2, user2 = pilot("act_prefill2", category="commercial", denominators={
        "floor_area": {str(BASE_YEAR): "85000"}, "population": {str(BASE_YEAR): "3400"}})
    client.force_login(user2)
    response = client.get(page(project2, THIS_YEAR))
    assert response.context["form"].initial["floor_area"] == Decimal("85000")
    assert response.context["form"].initial["population"] == Decimal("3400")
    assert response.context["prefilled_from"] == BASE_YEAR
    # Nothing is stored by looking; once saved, the stored figures are shown, not the plan's.
    assert not ActivityYear.objects.filter(project=project2).exists()
    client.post(page(project2, THIS_YEAR), {"floor_area": "90000", "population": "3500"})
    response = client.get(page(project2, THIS_YEAR))
    assert response.context["form"].initial["floor_area"] == Decimal("90000")
    assert response.context["prefilled_from"] is None


def test_items_follow_the_category(demo):
    from disclosure.activity import items_for

    park, _user = pilot("act_park", category="park")
    commercial, _user = pilot("act_commercial", category="commercial")
    park_keys = [i.key for i in items_for(park)]
    commercial_keys = [i.key for i in items_for(commercial)]
    fuels = ["fuel-gasoline", "fuel-diesel", "fuel-lpg", "fuel-natural_gas"]
    electricity = ["purchased_electricity", "green_electricity", "onsite_renewable"]
    assert park_keys == [*electricity, *fuels, "purchased_heat", "process", "sink",
                         "output_value", "value_added"]
    # A commercial venue is a building: no process emissions, no sinks to count.
    assert commercial_keys == [*electricity, *fuels, "purchased_heat", "floor_area",
                               "population"]
    community, _user2 = pilot("act_community", category="community")
    assert [i.key for i in items_for(community)] == [
        *electricity, *fuels, "purchased_heat", "sink", "population", "awareness"]
    # An item the category does not have is refused, not stored.
    from disclosure.activity import save_activity
    from pilots.errors import InvalidInput

    with pytest.raises(InvalidInput):
        save_activity(commercial, _user, THIS_YEAR, {"process": "5"})
    assert not ActivityYear.objects.filter(project=commercial).exists()


def test_residents_awareness_is_a_percentage(client, demo):
    project, user = pilot("act_awareness", category="community")
    client.force_login(user)
    response = client.post(page(project, THIS_YEAR), {"population": "12000", "awareness": "100.5"})
    assert response.status_code == 400
    assert "不能大于100。" in response.content.decode()
    assert not ActivityYear.objects.filter(project=project).exists()
    assert client.post(page(project, THIS_YEAR),
                       {"population": "12000", "awareness": "72.5"}).status_code == 302
    row = ActivityYear.objects.get(project=project, year=THIS_YEAR)
    assert (row.population, row.awareness_percent) == (Decimal("12000"), Decimal("72.5"))


def test_years_are_the_baseline_and_construction_years_only(client, demo):
    project, user = pilot("act_years")
    client.force_login(user)
    for year in (BASE_YEAR, THIS_YEAR):
        assert client.get(page(project, year)).status_code == 200
    for year in (BASE_YEAR - 1, THIS_YEAR + 1):
        assert client.get(page(project, year)).status_code == 404
        assert client.post(page(project, year), FORM).status_code == 404
    assert not ActivityYear.objects.filter(project=project).exists()


# who, expected status of the page (GET) and of saving (POST)
MATRIX = [
    ("builder", 200, 302),
    ("other_applicant", 404, 404),
    ("county_ecology", 200, 403),
    ("other_county_ecology", 404, 404),
    ("county_officer", 403, 403),     # the county education bureau: not its business
    ("city_officer", 200, 403),       # the city education bureau runs the campus call
    ("other_city_officer", 404, 404),
    ("ecology_admin", 200, 403),
    ("expert", 404, 404),
]


@pytest.mark.parametrize(("who", "get_status", "post_status"), MATRIX)
def test_who_reads_and_who_enters(client, demo, who, get_status, post_status):
    project, builder = pilot("act_matrix")
    users = {
        "builder": builder,
        "other_applicant": factories.applicant("act_other"),
        "county_ecology": demo.user("yizhou_ecology"),
        "other_county_ecology": demo.user("jinchengjiang_ecology"),
        "county_officer": demo.user("yizhou_education"),
        "city_officer": demo.user("city_education"),
        "other_city_officer": demo.user("city_commerce"),
        "ecology_admin": demo.user("eco_admin"),
        "expert": demo.user("expert1"),
    }
    client.force_login(users[who])
    response = client.get(page(project, THIS_YEAR))
    assert response.status_code == get_status
    if get_status == 200:
        # Only the builder has the form; the others read the figures.
        assert ('id="activity-form"' in response.content.decode()) == (who == "builder")
    assert client.post(page(project, THIS_YEAR), FORM).status_code == post_status
    assert ActivityYear.objects.filter(project=project).exists() == (who == "builder")


def test_before_construction_and_after_revocation(client, demo):
    project, user = pilot("act_states", state=State.COUNTY_REVIEW)
    client.force_login(user)
    assert client.get(page(project, THIS_YEAR)).status_code == 404
    Project.objects.filter(pk=project.pk).update(state=State.CONSTRUCTION)
    assert client.post(page(project, THIS_YEAR), FORM).status_code == 302
    Project.objects.filter(pk=project.pk).update(state=State.REVOKED)
    response = client.get(page(project, THIS_YEAR))
    assert response.status_code == 200
    assert 'id="activity-form"' not in response.content.decode()
    assert client.post(page(project, THIS_YEAR), dict(FORM, sink="1")).status_code == 403
    assert stored(project, THIS_YEAR)[("sink", "")] == (Decimal("30.5"), "tCO2")


def test_the_card_on_the_project_page(client, demo):
    project, user = pilot("act_card")
    client.force_login(user)
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'id="activity"' in body
    assert "尚未填报年度活动数据。" in body
    assert f'href="{page(project, BASE_YEAR)}" data-year="{BASE_YEAR}"' in body
    assert f'href="{page(project, THIS_YEAR)}" data-year="{THIS_YEAR}"' in body
    client.post(page(project, THIS_YEAR), FORM)
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'<tr data-year="{THIS_YEAR}">' in body
    assert f'data-year="{THIS_YEAR}">{THIS_YEAR}年</a>' not in body  # no longer to add
    assert f'href="{page(project, BASE_YEAR)}" data-year="{BASE_YEAR}"' in body

    client.force_login(demo.user("yizhou_ecology"))
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'<tr data-year="{THIS_YEAR}">' in body
    assert 'id="activity-add"' not in body
    client.force_login(demo.user("yizhou_education"))
    assert 'id="activity"' not in client.get(f"/projects/{project.pk}/").content.decode()

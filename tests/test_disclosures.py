"""The annual disclosure (issue 9 item 5): the builder prepares a year from its activity
data, the county ecology bureau of its county publishes it or sends it back with a reason;
a published disclosure is frozen (a new factor version changes nothing in it), a
correction is a new version and the old one stays public, marked superseded; the pilot's
public page shows the yearly series as charts with their tables, and the PDF of a year.

The figures are worked by hand in ``tests.disclosure_helpers`` from the shipped factors.
"""
from decimal import Decimal

import pytest
from django.core.cache import cache

from disclosure import disclosures
from disclosure.factors import add_factor_version
from disclosure.models import Disclosure, DisclosureState
from pilots.models import AuditEntry
from tests.disclosure_helpers import (
    MEASURES,
    NARRATIVE,
    PER_CAPITA,
    TOTAL,
    Y1,
    disclosing_pilot,
    publish_year,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def page(project, year):
    return f"/projects/{project.pk}/disclosures/{year}/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def followed_messages(client, response) -> list[str]:
    assert response.status_code == 302, response.status_code
    return messages_of(client.get(response.url))


def history(project) -> list[tuple]:
    return [(e.kind, e.actor.username if e.actor else None, e.data_lines, e.reason)
            for e in AuditEntry.objects.filter(project=project, kind__startswith="disclosure_")
            .select_related("actor").order_by("pk")]


def test_the_builder_prepares_the_county_returns_then_publishes(client, demo):
    project, builder = disclosing_pilot("dis_flow")
    county = demo.user("yizhou_ecology")

    # The builder opens a year with data: the figures computed, nothing stored yet.
    client.force_login(builder)
    response = client.get(page(project, Y1))
    assert response.status_code == 200
    assert response.context["figures"]["total_t"] == Decimal(TOTAL[Y1])
    assert f"按{Y1}年活动数据和现行排放因子计算，保存时记入披露。" in response.content.decode()
    assert not Disclosure.objects.filter(project=project).exists()

    # Saved as a draft.
    response = client.post(page(project, Y1), {"action": "save", "measures": MEASURES,
                                               "narrative": ""})
    assert followed_messages(client, response) == [f"{Y1}年碳排放信息披露已保存。"]
    disclosure = Disclosure.objects.get(project=project, year=Y1)
    assert (disclosure.state, disclosure.version, disclosure.measures, disclosure.narrative) == (
        DisclosureState.DRAFT, 1, MEASURES, "")
    assert disclosure.figures["total_t"] == TOTAL[Y1]
    assert disclosure.figures["indicators"]["per_capita"]["value"] == PER_CAPITA[Y1]

    # Submitting without a narrative is refused, naming it; nothing changes.
    response = client.post(page(project, Y1), {"action": "submit", "measures": MEASURES,
                                               "narrative": "  "})
    assert response.status_code == 400
    assert messages_of(response) == ["披露内容不完整，未提交。"]
    assert "请填写情况说明。" in response.content.decode()
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.DRAFT

    response = client.post(page(project, Y1), {"action": "submit", "measures": MEASURES,
                                               "narrative": NARRATIVE})
    assert followed_messages(client, response) == ["已提交属地生态环境部门审核。"]
    disclosure.refresh_from_db()
    assert (disclosure.state, disclosure.narrative) == (DisclosureState.COUNTY_CHECK, NARRATIVE)
    assert disclosure.submitted_at is not None

    # In check the builder cannot change it.
    response = client.post(page(project, Y1), {"action": "save", "measures": "改了",
                                               "narrative": NARRATIVE})
    assert response.status_code == 409
    assert messages_of(response) == [f"{Y1}年的披露正在属地生态环境部门审核，不能修改。"]
    # Nor publish it.
    assert client.post(page(project, Y1), {"action": "publish"}).status_code == 403

    # A county officer of the category's body (not the ecology bureau) may not check it.
    client.force_login(demo.user("yizhou_education"))
    assert client.post(page(project, Y1), {"action": "publish"}).status_code == 403
    # Another county's ecology bureau does not even see the project.
    client.force_login(demo.user("jinchengjiang_ecology"))
    assert client.get(page(project, Y1)).status_code == 404
    assert client.post(page(project, Y1), {"action": "publish"}).status_code == 404

    # The county ecology bureau sends it back: a reason is needed.
    client.force_login(county)
    response = client.get(page(project, Y1))
    assert response.status_code == 200
    assert response.context["checker"] is True
    response = client.post(page(project, Y1), {"action": "return", "reason": " "})
    assert response.status_code == 400
    assert messages_of(response) == ["退回须说明理由。"]
    reason = "外购电力数量与供电局结算单不一致，请核对后重新提交。"
    response = client.post(page(project, Y1), {"action": "return", "reason": reason})
    assert followed_messages(client, response) == ["已退回建设单位。"]
    disclosure.refresh_from_db()
    assert (disclosure.state, disclosure.returned_reason, disclosure.checked_by) == (
        DisclosureState.RETURNED, reason, county)
    # Returned, it is no longer in check.
    response = client.post(page(project, Y1), {"action": "publish"})
    assert response.status_code == 409
    assert messages_of(response) == [f"{Y1}年没有待审核的碳排放信息披露。"]

    # The builder reads the reason, edits and submits again; the county publishes.
    client.force_login(builder)
    body = client.get(page(project, Y1)).content.decode()
    assert reason in body
    response = client.post(page(project, Y1), {"action": "submit", "measures": MEASURES,
                                               "narrative": NARRATIVE + "已核对结算单。"})
    assert followed_messages(client, response) == ["已提交属地生态环境部门审核。"]
    client.force_login(county)
    response = client.post(page(project, Y1), {"action": "publish"})
    assert followed_messages(client, response) == [f"{Y1}年碳排放信息披露已公开。"]
    disclosure.refresh_from_db()
    assert (disclosure.state, disclosure.returned_reason, disclosure.checked_by) == (
        DisclosureState.PUBLISHED, "", county)
    assert disclosure.published_at is not None
    # Published: the check is over.
    assert client.post(page(project, Y1), {"action": "publish"}).status_code == 409

    lines = [f"披露年度：{Y1}年(第1版)", f"碳排放总量：{TOTAL[Y1]} 吨二氧化碳"]
    assert history(project) == [
        ("disclosure_prepared", "dis_flow", lines, ""),
        ("disclosure_saved", "dis_flow", lines, ""),
        ("disclosure_submitted", "dis_flow", lines, ""),
        ("disclosure_returned", "yizhou_ecology", lines, reason),
        ("disclosure_saved", "dis_flow", lines, ""),
        ("disclosure_submitted", "dis_flow", lines, ""),
        ("disclosure_published", "yizhou_ecology", lines, ""),
    ]
    labels = [str(e.label) for e in AuditEntry.objects.filter(
        project=project, kind__startswith="disclosure_").order_by("pk")]
    assert labels == ["编制年度碳排放信息披露", "修改年度碳排放信息披露", "提交碳排放信息披露审核",
                      "退回碳排放信息披露", "修改年度碳排放信息披露", "提交碳排放信息披露审核",
                      "公开碳排放信息披露"]


def test_a_published_disclosure_keeps_its_figures_when_a_factor_version_is_added(client, demo):
    project, builder = disclosing_pilot("dis_frozen")
    county, admin = demo.user("yizhou_ecology"), demo.user("eco_admin")
    published = publish_year(project, builder, county, Y1)
    before = published.figures
    assert before["factors"][0]["code"] == "grid_electricity"
    assert (before["factors"][0]["value"], before["factors"][0]["region"]) == ("0.4042",
                                                                               "southern_grid")

    # The 2023 southern grid factor is checked against the announcement: a new version.
    add_factor_version(admin, code="grid_electricity", region="southern_grid", data_year=2023,
                       value="0.4100", source="生态环境部、国家统计局公告(核对后)", confirmed=True)

    published.refresh_from_db()
    assert published.figures == before
    body = client.get(f"/pilots/{project.code}/").content.decode()
    assert "0.4042" in body and "0.41 " not in body
    api = client.get("/api/public/disclosures/").json()
    mine = [r for r in api["results"] if r["project"] == project.code]
    assert [(r["total_t"], r["factors"][0]["value"]) for r in mine] == [(TOTAL[Y1], "0.4042")]

    # A correction is computed afresh: with the new version (6,000,000 kWh × 0.00041 = 2460).
    correction = disclosures.prepare(project, builder, Y1, measures=MEASURES,
                                     narrative=NARRATIVE, correction_note="电力排放因子更新。")
    assert correction.version == 2
    assert correction.figures["factors"][0]["value"] == "0.41"
    assert correction.figures["total_t"] == "3630.75836"
    published.refresh_from_db()
    assert published.figures == before

"""The annual disclosure (issue 9 item 5): the builder prepares a year from its activity
data, the county ecology bureau of its county publishes it or sends it back with a reason;
a published disclosure is frozen (a new factor version changes nothing in it), a
correction is a new version and the old one stays public, marked superseded; the pilot's
public page shows the yearly series as charts with their tables, and the PDF of a year.

The figures are worked by hand in ``tests.disclosure_helpers`` from the shipped factors.
"""
import re
import subprocess
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.utils import timezone

from disclosure import activity, disclosures
from disclosure.factors import add_factor_version
from disclosure.models import Disclosure, DisclosureState
from pilots.choices import State
from pilots.models import AuditEntry, Notification, Project
from tests.disclosure_helpers import (
    BASE_YEAR,
    MEASURES,
    MILESTONES_TOTAL,
    NARRATIVE,
    PER_CAPITA,
    THIS_YEAR,
    TOTAL,
    Y1,
    Y2,
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
    # Who acts next was told: the county of each submission, the builder of the return and
    # of the publication.
    told = [(n.recipient.username, n.title, n.body.splitlines()[-1]) for n in
            Notification.objects.filter(project=project, title__contains="碳排放信息披露")
            .select_related("recipient")
            .order_by("pk")]
    name, link = project.name, f"查看：{page(project, Y1)}"
    assert told == [
        ("yizhou_ecology", f"「{name}」{Y1}年碳排放信息披露待审核", link),
        ("dis_flow", f"「{name}」{Y1}年碳排放信息披露被退回", link),
        ("yizhou_ecology", f"「{name}」{Y1}年碳排放信息披露待审核", link),
        ("dis_flow", f"「{name}」{Y1}年碳排放信息披露已公开", link),
    ]
    assert f"退回理由：{reason}" in Notification.objects.get(
        project=project, title__endswith="被退回").body
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


def test_a_correction_is_a_new_version_and_the_old_one_stays_public_marked(client, demo):
    project, builder = disclosing_pilot("dis_correct")
    county = demo.user("yizhou_ecology")
    first = publish_year(project, builder, county, Y1)

    # A correction must say what it corrects.
    client.force_login(builder)
    response = client.post(page(project, Y1), {"action": "save", "measures": MEASURES,
                                               "narrative": NARRATIVE, "correction_note": ""})
    assert response.status_code == 400
    assert messages_of(response) == [f"{Y1}年的披露已公开，更正须说明更正的内容和原因。"]
    assert "请填写更正说明。" in response.content.decode()
    assert Disclosure.objects.filter(project=project, year=Y1).count() == 1

    note = "更正：措施中补充了食堂改造的完成时间。"
    response = client.post(page(project, Y1), {
        "action": "submit", "measures": MEASURES + "食堂改造于当年9月完成。",
        "narrative": NARRATIVE, "correction_note": note})
    assert followed_messages(client, response) == ["已提交属地生态环境部门审核。"]
    second = Disclosure.objects.get(project=project, year=Y1, version=2)
    assert (second.state, second.correction_note) == (DisclosureState.COUNTY_CHECK, note)
    first.refresh_from_db()
    assert first.state == DisclosureState.PUBLISHED  # still public while the correction is checked

    # Until the correction is published, the public reads the first version as current.
    body = client.get(f"/pilots/{project.code}/").content.decode()
    assert "已被更正" not in body and note not in body

    disclosures.publish(second, county)
    response = client.get(f"/pilots/{project.code}/")
    shown = [(d.year, d.version, d.superseded) for d in response.context["disclosures"]]
    assert shown == [(Y1, 2, False), (Y1, 1, True)]
    body = response.content.decode()
    assert note in body
    assert f"第1版({first_day(project, Y1)}公开，已被更正)" in body
    assert f"/pilots/{project.code}/disclosures/{Y1}.pdf?version=1" in body

    # The old version's PDF says it was corrected; the current one does not.
    old_pdf = pdf_text(client.get(f"/pilots/{project.code}/disclosures/{Y1}.pdf?version=1"))
    assert "本版本已被更正，现行版本见试点公开页面。" in old_pdf
    current_pdf = pdf_text(client.get(f"/pilots/{project.code}/disclosures/{Y1}.pdf"))
    assert "本版本已被更正" not in current_pdf
    assert note in squeezed(current_pdf)
    assert client.get(f"/pilots/{project.code}/disclosures/{Y1}.pdf?version=3").status_code == 404

    # The history names both versions.
    published = [lines[0] for kind, _who, lines, _r in history(project)
                 if kind == "disclosure_published"]
    assert published == [f"披露年度：{Y1}年(第1版)", f"披露年度：{Y1}年(第2版)"]


def pdf_text(response, *, layout=True) -> str:
    """The PDF's text: laid out as printed (a table row on one line), or in reading order."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    command = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(command, input=response.content, capture_output=True,
                          check=True).stdout.decode()


def squeezed(text) -> str:
    return re.sub(r"\s+", "", text)


def test_the_pdf_of_a_year_reads_back_with_its_figures_factors_and_series(client, demo):
    project, builder = disclosing_pilot("dis_pdf", name="宜州区示范校园(披露PDF)")
    county = demo.user("yizhou_ecology")
    for year in (BASE_YEAR, Y1, Y2):
        publish_year(project, builder, county, year)

    response = client.get(f"/pilots/{project.code}/disclosures/{Y1}.pdf")
    assert response["Content-Disposition"] == (
        f'inline; filename="disclosure-{project.code}-{Y1}-v1.pdf"; '
        f"filename*=UTF-8''{quote(f'{project.code}-{Y1}年碳排放信息披露.pdf', safe='')}")
    text = pdf_text(response)
    flat = squeezed(pdf_text(response, layout=False))
    lines = [squeezed(line) for line in text.splitlines() if line.strip()]

    def line_starting(prefix):
        return next((line for line in lines if line.startswith(prefix)), None)

    assert f"{Y1}年度碳排放信息披露" in lines
    assert "宜州区示范校园(披露PDF)" in lines
    assert f"项目编号：{project.code}建设单位：宜州区dis_pdf" in lines
    assert "公开日期：" + first_day(project, Y1) + "审核单位：宜州区生态环境部门" in lines
    # The year's figures (tonnes to 2 decimals), its indicators with baseline and milestone.
    assert "范围一(直接排放)1190.76" in lines
    assert "范围二(外购电力、热力间接排放)2425.2" in lines
    assert "排放量合计3615.96" in lines
    assert "碳汇20" in lines
    assert "碳排放总量(已扣除碳汇)3595.96" in lines
    assert "人均碳排放量1.46771.81.71" in lines
    assert "碳排放总量3595.9583643204104" in lines
    assert "外购电力范围二7500000kWh0.4042kgCO2/kWh2425.2" in lines
    assert "扣除绿色电力1500000kWh" in lines
    assert "天然气范围一55万Nm³21.650152tCO2/万Nm³1190.76" in lines
    # The factors used, with their sources, marked unconfirmed as shipped.
    assert line_starting("电网电力0.4042kgCO2/kWh2023南方区域电网生态环境部、国家统计局") is not None
    assert line_starting("天然气21.650152tCO2/万Nm³2015全国GB/T32150-2015") is not None
    assert "《关于发布2023年电力二氧化碳排放因子的公告》(文号待核实)" in flat
    assert flat.count("来源待核实") == 2
    # The series up to this year (not the later one), each year with its milestone.
    assert "逐年变化" in lines
    assert lines.count(f"{BASE_YEAR}1.7133—") == 1
    assert lines.count(f"{BASE_YEAR}4111.90912—") == 1
    assert f"{Y1}1.46771.71" in lines and f"{Y1}3595.958364104" in lines
    assert f"{Y2}—1.62" in lines and f"{Y2}—3888" in lines
    assert f"{THIS_YEAR}—1.53" in lines and f"{THIS_YEAR}—3672" in lines
    assert MEASURES in flat and NARRATIVE in flat
    assert client.get(f"/pilots/{project.code}/disclosures/{THIS_YEAR}.pdf").status_code == 404
    assert client.get(f"/pilots/HC-NOPE/disclosures/{Y1}.pdf").status_code == 404


def first_day(project, year) -> str:
    published = Disclosure.objects.get(project=project, year=year, version=1).published_at
    return timezone.localdate(published).isoformat()


def test_the_public_page_lists_published_years_with_charts_and_tables(client, demo,
                                                                       django_assert_num_queries):
    project, builder = disclosing_pilot("dis_public")
    county = demo.user("yizhou_ecology")
    url = f"/pilots/{project.code}/"
    body = client.get(url).content.decode()
    assert "尚无公开的年度碳排放信息。" in body

    publish_year(project, builder, county, Y1)
    with django_assert_num_queries(PILOT_PAGE_QUERIES):
        client.get(url)
    # A draft and a year in check are not public.
    disclosures.prepare(project, builder, Y2, measures="草稿中的措施文字", narrative="")
    disclosures.prepare_and_submit(project, builder, BASE_YEAR, measures="审核中的措施文字",
                                   narrative="审核中的说明文字")
    response = client.get(url)
    body = response.content.decode()
    assert [(d.year, d.version) for d in response.context["disclosures"]] == [(Y1, 1)]
    assert "草稿中的措施文字" not in body and "审核中的措施文字" not in body

    publish_year(project, builder, county, Y2)
    disclosures.publish(Disclosure.objects.get(project=project, year=BASE_YEAR), county)
    with django_assert_num_queries(PILOT_PAGE_QUERIES):
        response = client.get(url)
    body = response.content.decode()
    assert [d.year for d in response.context["disclosures"]] == [Y2, Y1, BASE_YEAR]

    # One chart a charted indicator, each with its table: the years disclosed and the
    # milestones of the plan frozen with the latest year.
    charts = response.context["disclosure_charts"]
    assert [c["code"] for c in charts] == ["per_capita", "total"]
    total = charts[1]
    assert [(r["year"], r["value"], r["milestone"]) for r in total["rows"]] == [
        (BASE_YEAR, Decimal(TOTAL[BASE_YEAR]), None),
        (Y1, Decimal(TOTAL[Y1]), MILESTONES_TOTAL[Y1]),
        (Y2, Decimal(TOTAL[Y2]), MILESTONES_TOTAL[Y2]),
        (THIS_YEAR, None, MILESTONES_TOTAL[THIS_YEAR]),
    ]
    assert total["baseline"] == Decimal("4320")
    assert [b.value for b in total["chart"]["bars"]] == ["4112", "3596", "3162"]
    assert len(total["chart"]["milestones"]) == 3
    assert body.count('<svg class="series-chart"') == 2
    assert body.count('class="list figures series-table"') == 2
    assert '<rect x="' in body and 'class="milestone"' in body and 'class="baseline"' in body
    # Each year's figures and the factors it used, with value, unit, year and source.
    assert f'id="y{Y2}-v1-factors"' in body
    assert "0.4042" in body and "kgCO2/kWh" in body and "21.650152" in body
    assert "GB/T 32150-2015《工业企业温室气体排放核算和报告通则》附录" in body
    assert f'href="/pilots/{project.code}/disclosures/{Y2}.pdf"' in body

    # In English the chart and its table are there too.
    client.cookies["django_language"] = "en"
    assert client.get(url).content.decode().count('<svg class="series-chart"') == 2


PILOT_PAGE_QUERIES = 6  # the same whether one or three years are published


# --- Who may see and do what -------------------------------------------------------------

# (user, GET while only a draft, GET while in check, GET once published, POST save, POST
# publish while in check). "builder" is the pilot's own; "other" an applicant elsewhere.
MATRIX = [
    ("builder", 200, 200, 200, 302, 403),
    ("yizhou_ecology", 404, 200, 200, 403, 302),
    ("eco_admin", 404, 200, 200, 403, 403),
    ("city_education", 404, 200, 200, 403, 403),
    ("yizhou_education", 404, 404, 200, 403, 403),
    ("jinchengjiang_ecology", 404, 404, 404, 404, 404),
    ("app_campus_yizhou", 404, 404, 404, 404, 404),
    ("expert1", 404, 404, 404, 404, 404),
]


@pytest.mark.parametrize(("who", "draft", "in_check", "published", "save", "publish"), MATRIX)
def test_who_may_see_and_act_on_a_year(client, demo, who, draft, in_check, published, save,
                                       publish):
    project, builder = disclosing_pilot(f"dis_m_{who}"[:30])
    user = builder if who == "builder" else demo.user(who)
    county = demo.user("yizhou_ecology")
    url = page(project, Y1)
    client.force_login(user)

    disclosures.prepare(project, builder, Y1, measures=MEASURES, narrative=NARRATIVE)
    assert client.get(url).status_code == draft
    disclosure = disclosures.submit(Disclosure.objects.get(project=project, year=Y1), builder)
    assert client.get(url).status_code == in_check
    assert client.post(page(project, Y2), {"action": "save", "measures": MEASURES,
                                           "narrative": ""}).status_code == save
    assert client.post(url, {"action": "publish"}).status_code == publish
    if publish != 302:
        disclosures.publish(disclosure, county)
    assert client.get(url).status_code == published


def test_anonymous_is_sent_to_log_in(client, demo):
    project, _builder = disclosing_pilot("dis_anon")
    response = client.get(page(project, Y1))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_only_ended_years_with_data_and_a_disclosing_pilot(client, demo):
    project, builder = disclosing_pilot("dis_years")
    client.force_login(builder)
    # This year has not ended (even with its data entered); a year without data has none.
    activity.save_activity(project, builder, THIS_YEAR, {"purchased_electricity": "100"})
    assert client.get(page(project, THIS_YEAR)).status_code == 404
    response = client.post(page(project, THIS_YEAR), {"action": "save", "measures": MEASURES})
    assert response.status_code == 400
    assert messages_of(response) == [
        f"{THIS_YEAR}年不能披露：只能披露已结束、且已填报活动数据的年度。"]
    assert client.get(page(project, BASE_YEAR - 1)).status_code == 404
    assert not Disclosure.objects.filter(project=project).exists()

    # A pilot whose title was revoked no longer discloses; what it published stays readable.
    publish_year(project, builder, demo.user("yizhou_ecology"), Y1)
    Project.objects.filter(pk=project.pk).update(state=State.REVOKED)
    response = client.post(page(project, Y2), {"action": "save", "measures": MEASURES})
    assert response.status_code == 409
    assert messages_of(response) == ["项目当前处于「已取消称号」，不能编制碳排放信息披露。"]
    assert client.get(page(project, Y1)).status_code == 200
    assert client.get(page(project, Y2)).status_code == 404
    assert list(Disclosure.objects.filter(project=project).values_list("year", "state")) == [
        (Y1, "published")]


def test_texts_too_long_are_refused_by_name(client, demo):
    project, builder = disclosing_pilot("dis_long")
    client.force_login(builder)
    response = client.post(page(project, Y1), {"action": "save", "measures": "措" * 3001,
                                               "narrative": "说" * 1001})
    assert response.status_code == 400
    assert messages_of(response) == ["填写的内容过长，未保存。"]
    body = response.content.decode()
    assert "本年度采取的措施最多3000字，现有3001字。" in body
    assert "情况说明最多1000字，现有1001字。" in body
    assert not Disclosure.objects.filter(project=project).exists()


def test_the_project_page_card(client, demo):
    project, builder = disclosing_pilot("dis_card")
    county = demo.user("yizhou_ecology")
    client.force_login(builder)
    card = client.get(f"/projects/{project.pk}/").context["sections"]
    mine = next(s["context"] for s in card if s["key"] == "disclosures")
    assert (mine["years"], mine["open_years"]) == ([], [BASE_YEAR, Y1, Y2])
    # The county sees no card while nothing was submitted.
    client.force_login(county)
    assert "disclosures" not in [s["key"] for s in
                                 client.get(f"/projects/{project.pk}/").context["sections"]]

    publish_year(project, builder, county, Y1)
    disclosures.prepare_and_submit(project, builder, Y2, measures=MEASURES, narrative=NARRATIVE)
    body = client.get(f"/projects/{project.pk}/").content.decode()
    rows = re.findall(r'<tr data-year="(\d+)" data-state="(\w+)">', body)
    assert rows == [(str(Y2), "county_check"), (str(Y1), "published")]
    assert f'href="/projects/{project.pk}/disclosures/{Y2}/">审核</a>' in body
    client.force_login(builder)
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'href="/projects/{project.pk}/disclosures/{Y1}/">查看或更正</a>' in body
    card = body[body.index('<section class="card" id="disclosures">'):]
    card = card[:card.index("</section>")]
    assert re.findall(r'<a class="button" href="[^"]+" data-year="(\d+)">', card) == [
        str(BASE_YEAR)]

"""The public side (no login): home and its figures, publicity, the pilot directory, a pilot's
page with the objection form, the objection status, and the open data API with its cache.

Against the demo world (pilots/demo.py and the apps' demo steps): one project under
publicity, confirmed pilots in every state from construction to revoked, and projects in
every other state, which the public must not see. What is expected is written here as
plain filters on the states the public may see.
"""
import datetime
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pilots import services
from pilots.choices import State
from pilots.models import Category, County, Organisation, Project
from public import charts
from public import views as public_views
from publicity import objections
from publicity.models import Notice, Objection, ObjectionAllowance, ObjectionStatus, Period
from publicity.services import start_publicity

# What the public sees, written out here (public/states.py decides it for the code).
DIRECTORY_STATES = ["construction", "acceptance_check", "acceptance_review", "titled",
                    "recheck", "revoked"]
COUNTED_STATES = ["publicity", *DIRECTORY_STATES]
NOT_PUBLIC_STATES = ["county_review", "returned", "city_review", "expert_review", "revision",
                     "revision_check", "not_selected", "withdrawn", "cancelled"]
GOOD_OBJECTION = {"name": "张三", "contact": "13907780001",
                  "grounds": "该项目申报的基准年排放数据与园区统计公报不一致。"}


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def fresh_cache():
    """The cache outlives a test's rolled-back transaction: each test starts empty."""
    cache.clear()
    yield
    cache.clear()


def html(response) -> str:
    return response.content.decode()


def codes_in(page: str) -> list[str]:
    return re.findall(r'<tr data-code="([^"]+)">', page)


def row_cells(page: str, attribute: str, value: str) -> list[str]:
    row = re.search(rf'<tr {attribute}="{value}">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r"<td[^>]*>(\d+)</td>", row)


def under_publicity() -> str:
    """The code of the demo's one project under publicity."""
    return Project.objects.get(state=State.PUBLICITY).code


def directory_codes(**filters) -> list[str]:
    """The directory as a plain filter on the states written above, in code order."""
    return sorted(Project.objects.filter(state__in=DIRECTORY_STATES, **filters)
                  .values_list("code", flat=True))


def not_public(state) -> Project:
    """The demo's project in ``state`` (for not_selected: one never put on notice)."""
    projects = Project.objects.filter(state=state)
    if state == State.NOT_SELECTED:
        projects = projects.filter(publicity_periods__isnull=True)
    return projects.order_by("pk").first()


def test_the_demo_stands_as_these_tests_expect(demo):
    assert Project.objects.filter(state="publicity").count() == 1
    assert Project.objects.get(state="publicity").publicity_periods.count() == 1
    for state in DIRECTORY_STATES:
        assert Project.objects.filter(state=state).exists(), state
    for state in NOT_PUBLIC_STATES:
        assert not_public(state) is not None, state
    # The query counts below compare one pilot with three or more.
    assert len(directory_codes(state="titled")) == 1
    assert len(directory_codes()) >= 3


# --- Home -------------------------------------------------------------------------------

def test_a_visitor_sees_the_programme_and_live_figures(demo, client):
    response = client.get("/")

    assert response.status_code == 200
    page = html(response)
    assert "<h1>河池市近零碳排放区试点</h1>" in page
    assert '<a class="menu-end" href="/accounts/login/">登录</a>' in page
    for name in ("近零碳排放区域", "近零碳排放园区", "近零碳排放社区", "近零碳排放校园",
                 "近零碳排放商业场所", "其他"):
        assert f"<strong>{name}</strong>" in page
    # Columns: publicity, construction, acceptance check, acceptance review, titled,
    # recheck, revoked, total; the counts are plain filters on the states written above.
    totals = {}
    for category in Category.objects.all():
        counts = [Project.objects.filter(state=s, category=category).count() for s in COUNTED_STATES]
        assert row_cells(page, "data-category", category.code) == [str(n) for n in [*counts, sum(counts)]]
        totals[category.code] = sum(counts)
    assert totals["other"] == 0
    assert totals["park"] >= 2  # under publicity and confirmed: two columns filled
    for county in County.objects.all():
        n = Project.objects.filter(state__in=COUNTED_STATES, county=county).count()
        assert row_cells(page, "data-county", county.code) == [str(n)]
    assert row_cells(page, "data-county", "nandan") == ["0"]
    everything = Project.objects.filter(state__in=COUNTED_STATES).count()
    assert f"已确定的试点和正在公示的项目共 {everything} 个" in page
    # The chart: the longest bar takes the chart's width less room for its value; the
    # others in proportion, in the categories' order.
    room = charts.WIDTH - charts.VALUE_ROOM
    order = list(Category.objects.order_by("order", "code").values_list("code", flat=True))
    most = max(totals.values())
    chart = re.search(r'<svg class="bar-chart".*?</svg>', page, re.S).group(0)
    bars = re.findall(r'<rect class="bar" x="0" y="\d+" width="(\d+)"', chart)
    assert bars == [str(round(room * totals[c] / most)) for c in order]
    assert str(room) in bars
    assert re.findall(r'<text class="bar-value"[^>]*>(\d+)</text>', chart) == [
        str(totals[c]) for c in order]


def test_the_home_page_in_english(demo, client):
    client.cookies["django_language"] = "en"

    page = html(client.get("/"))

    assert '<html lang="en">' in page
    assert "<strong>Near-zero carbon park</strong>" in page
    assert "园区管理委员会" not in page  # the builder types are written in Chinese only


def test_a_signed_in_user_still_lands_on_its_work_queue(demo, client):
    client.force_login(demo.user("eco_admin"))

    response = client.get("/")

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "pilots/home.html"
    assert "<h1>工作台</h1>" in html(response)


# --- Publicity ---------------------------------------------------------------------------

def test_publicity_lists_the_projects_under_publicity_and_the_notices(demo, client):
    period = Period.objects.get(project__code=under_publicity())

    page = html(client.get("/publicity/"))

    table = re.search(r'<table class="list" id="under-publicity">.*?</table>', page, re.S).group(0)
    assert codes_in(table) == [under_publicity()]
    dates = f"{period.starts_on:%Y-%m-%d} 至 {period.ends_on:%Y-%m-%d}"
    assert dates in table
    assert f'<a href="/publicity/notices/{period.notice_id}/">{period.notice.number}</a>' in table
    notices = re.findall(r'<li>\s*<a href="/publicity/notices/(\d+)/">', page)
    assert notices == [str(pk) for pk in Notice.objects.order_by("-issued_at", "-pk")
                       .values_list("pk", flat=True)[:10]]


def test_publicity_says_so_when_nothing_is_under_publicity(demo, client):
    Project.objects.filter(state=State.PUBLICITY).update(state=State.REVISION_CHECK)

    assert "目前没有正在公示的项目。" in html(client.get("/publicity/"))


# --- The directory ---------------------------------------------------------------------

def test_the_directory_lists_confirmed_titled_and_revoked_pilots(demo, client):
    page = html(client.get("/pilots/"))

    assert codes_in(page) == directory_codes()
    assert f"共 {len(directory_codes())} 个试点" in page
    assert under_publicity() not in page


@pytest.mark.parametrize(("query", "filters"), [
    ("category=park", {"category__code": "park"}),
    ("county=jinchengjiang", {"county__code": "jinchengjiang"}),
    ("state=titled", {"state": "titled"}),
    ("state=revoked&county=jinchengjiang", {"state": "revoked", "county__code": "jinchengjiang"}),
    ("category=park&county=jinchengjiang&state=recheck",
     {"category__code": "park", "county__code": "jinchengjiang", "state": "recheck"}),
    ("state=publicity", None),  # not a directory state: nothing, not the projects under publicity
    ("state=draft", None),
    ("category=nonsense", None),
])
def test_the_directory_filters(demo, client, query, filters):
    response = client.get(f"/pilots/?{query}")

    assert response.status_code == 200
    expected = directory_codes(**filters) if filters is not None else []
    assert codes_in(html(response)) == expected
    if filters is not None:
        assert expected  # the demo has one to find
    else:
        assert "没有符合条件的试点。" in html(response)


def test_the_directory_pages(demo, client, monkeypatch):
    monkeypatch.setattr(public_views, "PAGE_SIZE", 3)
    codes = directory_codes()
    count = -(-len(codes) // 3)

    pages = [codes_in(html(client.get(f"/pilots/?page={n}"))) for n in range(1, count + 1)]

    assert pages == [codes[i:i + 3] for i in range(0, len(codes), 3)]
    assert f"第 1/{count} 页" in html(client.get("/pilots/"))
    monkeypatch.setattr(public_views, "PAGE_SIZE", 1)  # the filters go with the next page
    assert 'href="?category=&amp;county=jinchengjiang&amp;state=&amp;page=2"' in html(
        client.get("/pilots/?county=jinchengjiang"))


def _pilot_page_queries(client, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/pilots/?{query}")
    return len(codes_in(html(response))), len(queries)


def test_the_directory_runs_a_fixed_number_of_queries(demo, client):
    assert _pilot_page_queries(client, "state=titled") == (1, 5)
    many, queries = _pilot_page_queries(client, "")
    assert (many >= 3, queries) == (True, 5)


# --- A pilot's page ----------------------------------------------------------------------

@pytest.mark.parametrize("state", COUNTED_STATES)
def test_every_public_state_has_a_page(demo, client, state):
    project = demo.project_in(state)

    response = client.get(f"/pilots/{project.code}/")

    assert response.status_code == 200
    page = html(response)
    assert f"<h1>{project.name}</h1>" in page
    assert f'<dd id="builder">{project.applicant.name}</dd>' in page
    assert f'<span class="state state-{project.state}" id="stage">{project.get_state_display()}</span>' in page


@pytest.mark.parametrize("state", [*NOT_PUBLIC_STATES, "unknown"])
def test_a_project_the_public_may_not_see_answers_404(demo, client, state):
    code = not_public(state).code if state != "unknown" else "HC-2099-NOPE-001"
    assert client.get(f"/pilots/{code}/").status_code == 404
    assert client.post(f"/pilots/{code}/objections/", GOOD_OBJECTION).status_code == 404
    assert Objection.objects.count() == 0


def test_a_draft_without_a_code_has_no_page(demo, client):
    assert client.get("/pilots/None/").status_code == 404


def test_a_project_turned_down_after_publicity_keeps_its_page_but_not_a_directory_row(demo, client):
    code = under_publicity()
    Project.objects.filter(code=code).update(state=State.NOT_SELECTED)

    page = html(client.get(f"/pilots/{code}/"))

    assert '<span class="state state-not_selected" id="stage">未入选</span>' in page
    assert '<p class="note" id="objections-closed">公示期已结束，不再受理异议。</p>' in page
    assert 'id="objection"' not in page
    assert code not in html(client.get("/pilots/"))


def test_the_pilot_page_shows_the_public_plan_of_the_frozen_version(demo, client):
    project = Project.objects.get(code=under_publicity())
    version = project.versions.order_by("-number").first()
    project.plan = {**project.plan, "overview": {**project.plan["overview"], "location": "草稿中的新位置"}}
    project.save()

    page = html(client.get(f"/pilots/{under_publicity()}/"))

    assert f"<dd>{version.content['overview']['location']}</dd>" in page
    assert "草稿中的新位置" not in page
    end = version.content["schedule"]["end_year"]
    total = version.content["targets"]["total"]["target"]
    baseline = version.content["baseline"]["total_emissions_t"]
    assert re.search(rf'<tr data-indicator="total">\s*<td data-label="指标">碳排放总量</td>\s*'
                     rf'<td data-label="基准值">{baseline} 吨二氧化碳</td>\s*'
                     rf'<td data-label="目标值">{total} 吨二氧化碳</td>\s*'
                     rf'<td data-label="目标年份">{end}年</td>', page)
    assert '<span class="tag">能源</span> <span class="longtext">建设屋顶分布式光伏3兆瓦，推进电能替代。</span>' in page
    assert version.content["tasks"][0]["expected_result"] not in page
    assert version.content["safeguards"] not in page
    total_investment = version.content["investment"]["total_wan_yuan"]
    assert f"{total_investment} 万元" not in page
    assert "计划总投资" not in page


def test_under_publicity_the_page_shows_the_period_and_the_form(demo, client):
    period = Period.objects.get(project__code=under_publicity())

    page = html(client.get(f"/pilots/{under_publicity()}/"))

    assert (f"公示期：{period.starts_on:%Y-%m-%d} 至 {period.ends_on:%Y-%m-%d}"
            f"({period.working_days}个工作日)") in page
    assert f'action="/pilots/{under_publicity()}/objections/"' in page
    assert '<button type="submit" class="primary">提交异议</button>' in page


def test_a_confirmed_pilot_shows_its_closed_period_and_empty_slots(demo, client):
    page = html(client.get(f"/pilots/{demo.project_in('construction').code}/"))

    assert '<p class="note" id="objections-closed">公示期已结束，不再受理异议。</p>' in page
    assert 'id="objection"' not in page
    assert "尚未授予称号。" in page
    assert "尚无公开的年度碳排放信息。" in page


def test_before_the_period_starts_the_form_is_closed(demo, client):
    period = Period.objects.get(project__code=under_publicity())
    period.starts_on = timezone.localdate() + datetime.timedelta(days=3)
    period.ends_on = period.starts_on + datetime.timedelta(days=7)
    period.save()

    page = html(client.get(f"/pilots/{under_publicity()}/"))

    assert "公示尚未开始，开始后方可提出异议。" in page
    assert 'id="objection"' not in page


# --- Filing an objection on the page -------------------------------------------------------

def test_filing_an_objection_gives_a_receipt_to_keep(demo, client):
    response = client.post(f"/pilots/{under_publicity()}/objections/", GOOD_OBJECTION)

    objection = Objection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/objections/{objection.receipt}/"
    assert (objection.name, objection.contact, objection.grounds) == (
        "张三", "13907780001", GOOD_OBJECTION["grounds"])
    assert objection.client_ip == "127.0.0.1"
    page = html(client.get(response["Location"]))
    assert (f"异议已提交。回执号：{objection.receipt}。请妥善保存回执号，凭它查询处理结果。") in page
    assert f'<strong id="receipt">{objection.receipt}</strong>' in page
    assert '<span class="state objection-pending" id="status">待处理</span>' in page
    assert "张三" not in page and "13907780001" not in page


def test_an_objection_with_a_pdf_attachment(demo, client):
    evidence = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                                  content_type="application/pdf")

    response = client.post(f"/pilots/{under_publicity()}/objections/",
                           {**GOOD_OBJECTION, "attachment": evidence})

    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.attachment_name, objection.attachment_type) == ("证明.pdf", "application/pdf")


def test_a_bad_objection_is_refused_at_its_fields_and_nothing_is_stored(demo, client):
    response = client.post(f"/pilots/{under_publicity()}/objections/",
                           {"name": "", "contact": "随便", "grounds": "有问题"})

    assert response.status_code == 400
    page = html(response)
    assert '<p class="field-error">请填写异议人姓名或单位名称。</p>' in page
    assert '<p class="field-error">联系方式应为手机号码、固定电话(如0778-2200000)或电子邮箱。</p>' in page
    assert 'value="随便"' in page  # what was typed stays
    assert Objection.objects.count() == 0
    assert ObjectionAllowance.objects.filter(used__gt=0).count() == 0


def test_an_attachment_that_is_not_evidence_is_refused(demo, client):
    script = SimpleUploadedFile("evidence.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")

    response = client.post(f"/pilots/{under_publicity()}/objections/",
                           {**GOOD_OBJECTION, "attachment": script})

    assert response.status_code == 400
    assert 'class="field-error"' in html(response)
    assert Objection.objects.count() == 0


def test_outside_the_period_the_page_refuses_an_objection(demo, client):
    response = client.post(f"/pilots/{demo.project_in('construction').code}/objections/",
                           GOOD_OBJECTION)

    assert response.status_code == 409
    assert '<li class="msg msg-error">该项目不在公示期内，不能提出异议。</li>' in html(response)
    assert 'id="objection"' not in html(response)  # no form to fill in again
    assert Objection.objects.count() == 0


def test_the_daily_limit_per_address_answers_429(demo, client, settings):
    settings.HECHI_OBJECTIONS_PER_ADDRESS_PER_DAY = 2
    for _i in range(2):
        assert client.post(f"/pilots/{under_publicity()}/objections/", GOOD_OBJECTION).status_code == 302

    response = client.post(f"/pilots/{under_publicity()}/objections/", GOOD_OBJECTION)

    assert response.status_code == 429
    assert "同一网络地址每天最多提交2件异议，今天的次数已用完，请明天再提交。" in html(response)
    assert Objection.objects.count() == 2


def test_the_form_needs_a_post(demo, client):
    assert client.get(f"/pilots/{under_publicity()}/objections/").status_code == 405


# --- An objection's status ---------------------------------------------------------------

def _file(client_ip="203.0.113.9"):
    project = Project.objects.get(code=under_publicity())
    return objections.file_objection(project, client_ip=client_ip, **GOOD_OBJECTION)


def test_the_status_page_shows_the_decision(demo, client):
    objection = _file()
    objections.decide(objection, demo.user("eco_admin"), upheld=False,
                      investigation="经核实，园区统计口径不同，数据无误。内部核查记录。",
                      reason="经核实，申报数据与统计公报口径一致，异议不成立。")

    page = html(client.get(f"/objections/{objection.receipt}/"))

    assert '<span class="state objection-not_upheld" id="status">异议不成立</span>' in page
    assert '<p class="longtext" id="decision-reason">经核实，申报数据与统计公报口径一致，异议不成立。</p>' in page
    assert "内部核查记录" not in page
    assert "张三" not in page and "13907780001" not in page
    # A receipt typed in lower case with dashes finds the same objection.
    typed = "-".join([objection.receipt[:8], objection.receipt[8:]]).lower()
    assert client.get(f"/objections/{typed}/").status_code == 200


def test_an_unknown_receipt_answers_404(demo, client):
    assert client.get("/objections/ABCDEFGHJKLMNPQR/").status_code == 404
    assert client.get("/objections/x/").status_code == 404


# --- The open data API -----------------------------------------------------------------------

def _item(code):
    project = Project.objects.select_related("category", "county", "applicant").get(code=code)
    period = project.publicity_periods.order_by("-starts_on").first()
    return {"code": code, "name": project.name, "category": project.category.code,
            "county": project.county.code, "builder": project.applicant.name,
            "state": project.state,
            "publicity": {"starts_on": period.starts_on.isoformat(),
                          "ends_on": period.ends_on.isoformat()} if period else None,
            "title": None}


def test_the_publicity_feed(demo, client):
    response = client.get("/api/public/publicity/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"count": 1, "next": None, "previous": None,
                               "results": [_item(under_publicity())]}
    body = response.json()["results"][0]
    project = Project.objects.get(state="publicity")
    assert body["name"] == project.name
    assert body["builder"] == project.applicant.name
    assert set(body) == {"code", "name", "category", "county", "builder", "state", "publicity",
                         "title"}


def test_the_pilot_feed_and_its_filters(demo, client):
    body = client.get("/api/public/pilots/").json()
    assert body == {"count": len(directory_codes()), "next": None, "previous": None,
                    "results": [_item(code) for code in directory_codes()]}

    titled = client.get("/api/public/pilots/?state=titled").json()
    assert titled["results"] == [_item(code) for code in directory_codes(state="titled")]
    assert titled["results"][0]["title"] is None
    parks = client.get("/api/public/pilots/?category=park&county=jinchengjiang").json()
    assert [r["code"] for r in parks["results"]] == directory_codes(
        category__code="park", county__code="jinchengjiang")


def test_the_pilot_feed_pages(demo, client, monkeypatch):
    from public.api import PublicPagination

    monkeypatch.setattr(PublicPagination, "page_size", 3)

    codes = directory_codes()
    pages = -(-len(codes) // 3)
    assert pages >= 2

    first = client.get("/api/public/pilots/").json()
    last = client.get(f"/api/public/pilots/?page={pages}").json()

    assert (first["count"], first["previous"]) == (len(codes), None)
    assert first["next"] == "http://testserver/api/public/pilots/?page=2"
    assert [r["code"] for r in first["results"]] == codes[:3]
    assert last["next"] is None
    assert last["previous"] == ("http://testserver/api/public/pilots/" if pages == 2
                                else f"http://testserver/api/public/pilots/?page={pages - 1}")
    assert [r["code"] for r in last["results"]] == codes[(pages - 1) * 3:]
    assert client.get(f"/api/public/pilots/?page={pages + 1}").status_code == 404


def test_an_unknown_state_is_a_400_naming_the_field(demo, client):
    response = client.get("/api/public/pilots/?state=draft")

    assert response.status_code == 400
    assert response.json() == {"detail": "未知的状态：draft", "state": ["未知的状态：draft"]}


def test_the_feeds_need_no_login_and_ignore_a_bad_token(demo, client):
    response = client.get("/api/public/pilots/", HTTP_AUTHORIZATION="Token nonsense")

    assert response.status_code == 200


def _feed_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).json()
    return body["count"], len(queries)


def _put_under_publicity(codes):
    """Projects moved under publicity by hand (a notice and a running period each)."""
    today = timezone.localdate()
    for code in codes:
        project = Project.objects.get(code=code)
        old = project.publicity_periods.get()
        Period.objects.create(project=project, notice=old.notice, starts_on=today,
                              ends_on=today + datetime.timedelta(days=6), working_days=5)
        Project.objects.filter(pk=project.pk).update(state=State.PUBLICITY)


def test_the_feeds_run_a_fixed_number_of_queries(demo, client):
    assert _feed_queries(client, "/api/public/pilots/?state=titled") == (1, 3)
    many, queries = _feed_queries(client, "/api/public/pilots/")
    assert (many >= 3, queries) == (True, 3)
    assert _feed_queries(client, "/api/public/publicity/") == (1, 3)
    _put_under_publicity([demo.project_in("recheck").code, demo.project_in("titled").code])
    assert _feed_queries(client, "/api/public/publicity/") == (3, 3)
    # Served from the cache, a feed asks the database nothing.
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/public/publicity/")
    assert len(queries) == 0


def test_the_publicity_page_runs_a_fixed_number_of_queries(demo, client):
    with CaptureQueriesContext(connection) as one:
        assert len(codes_in(html(client.get("/publicity/")))) == 1
    _put_under_publicity([demo.project_in("recheck").code, demo.project_in("titled").code])
    with CaptureQueriesContext(connection) as three:
        assert len(codes_in(html(client.get("/publicity/")))) == 3
    assert len(one) == len(three) == 3


def test_filing_an_objection_through_the_api(demo, api):
    response = api.post("/api/public/objections/", {"project": under_publicity(), **GOOD_OBJECTION},
                        format="json")

    assert response.status_code == 201
    objection = Objection.objects.get()
    assert response.json() == {"receipt": objection.receipt}
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{16}", objection.receipt)

    status = api.get(f"/api/public/objections/{objection.receipt}/")
    assert status.status_code == 200
    assert status.json() == {"project": under_publicity(),
                             "filed_at": timezone.localtime(objection.filed_at).isoformat(),
                             "status": "pending", "decision_reason": ""}


def test_the_api_names_the_bad_fields(demo, api):
    response = api.post("/api/public/objections/",
                        {"project": under_publicity(), "name": "", "contact": "x@", "grounds": "理由"},
                        format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "请填写异议人姓名或单位名称。",
        "name": ["请填写异议人姓名或单位名称。"],
        "contact": ["联系方式应为手机号码、固定电话(如0778-2200000)或电子邮箱。"]}
    missing = api.post("/api/public/objections/", {"project": under_publicity()}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {"detail": "请填写异议人姓名或单位名称。",
                              "name": ["请填写异议人姓名或单位名称。"],
                              "contact": ["请填写联系电话或电子邮箱。"],
                              "grounds": ["请填写异议的具体事实和理由。"]}
    no_project = api.post("/api/public/objections/", GOOD_OBJECTION, format="json")
    assert no_project.json() == {"detail": "请填写项目编号。", "project": ["请填写项目编号。"]}
    code = demo.project_in("revision_check").code
    unknown = api.post("/api/public/objections/", {**GOOD_OBJECTION, "project": code},
                       format="json")
    assert unknown.status_code == 400
    assert unknown.json()["project"] == [f"没有编号为{code}的公示项目。"]
    assert Objection.objects.count() == 0


def test_the_api_answers_409_outside_the_period(demo, api):
    period = Period.objects.get(project__code=under_publicity())
    period.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    period.starts_on = period.ends_on - datetime.timedelta(days=6)
    period.save()

    response = api.post("/api/public/objections/", {"project": under_publicity(), **GOOD_OBJECTION},
                        format="json")
    confirmed = api.post("/api/public/objections/",
                         {"project": demo.project_in("construction").code, **GOOD_OBJECTION},
                         format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": "该项目不在公示期内，不能提出异议。"}
    assert confirmed.status_code == 409
    assert Objection.objects.count() == 0


def test_the_api_answers_429_over_the_daily_limit(demo, api, settings):
    settings.HECHI_OBJECTIONS_PER_ADDRESS_PER_DAY = 1
    body = {"project": under_publicity(), **GOOD_OBJECTION}
    assert api.post("/api/public/objections/", body, format="json").status_code == 201

    response = api.post("/api/public/objections/", body, format="json")

    assert response.status_code == 429
    assert response.json()["detail"].startswith("同一网络地址每天最多提交1件异议")
    assert Objection.objects.count() == 1


def test_an_unknown_receipt_in_the_api_is_404(demo, api):
    assert api.get("/api/public/objections/ABCDEFGHJKLMNPQR/").status_code == 404


# --- The cache follows every change ------------------------------------------------------------

def test_a_cached_feed_is_really_cached(demo, client):
    before = client.get("/api/public/pilots/?state=titled").json()
    # A write no signal sees (a bulk update) is not noticed until something else changes.
    Project.objects.filter(state="titled").update(name="改名后的项目")
    assert client.get("/api/public/pilots/?state=titled").json() == before


def test_a_transition_shows_at_once(demo, client):
    before = len(directory_codes())
    assert client.get("/api/public/pilots/").json()["count"] == before
    project = demo.project_in("construction")

    services.fire(project, "cancel", demo.user("eco_admin"), reason="建设主体申请终止。")

    body = client.get("/api/public/pilots/").json()
    assert body["count"] == before - 1
    assert project.code not in [r["code"] for r in body["results"]]
    assert client.get(f"/pilots/{project.code}/").status_code == 404


def test_a_new_period_shows_at_once(demo, client):
    assert client.get("/api/public/publicity/").json()["count"] == 1
    already = under_publicity()
    project = demo.project_in("revision_check")

    start_publicity(demo.user("eco_admin"), [project.pk],
                    starts_on=timezone.localdate().isoformat(), working_days=5)

    body = client.get("/api/public/publicity/").json()
    assert body["count"] == 2
    assert [r["code"] for r in body["results"]] == sorted([already, project.code])


def test_a_decision_shows_at_once(demo, client):
    objection = _file()
    url = f"/api/public/objections/{objection.receipt}/"
    assert client.get(url).json()["status"] == "pending"

    objections.decide(objection, demo.user("eco_admin"), upheld=True,
                      investigation="核实属实。", reason="基准年数据有误，异议成立。")

    assert client.get(url).json() == {
        "project": under_publicity(),
        "filed_at": timezone.localtime(objection.filed_at).isoformat(),
        "status": "upheld", "decision_reason": "基准年数据有误，异议成立。"}


def test_a_builder_renamed_shows_at_once(demo, client):
    assert client.get("/api/public/publicity/").json()["results"][0]["builder"] == "宜州区工业园区管理委员会"
    organisation = Organisation.objects.get(name="宜州区工业园区管理委员会")
    organisation.name = "宜州区产业园区管理委员会"
    organisation.save()

    assert client.get("/api/public/publicity/").json()["results"][0]["builder"] == "宜州区产业园区管理委员会"


def test_the_home_figures_follow_a_transition(demo, client):
    project = demo.project_in("construction")
    county = project.county.code
    before = Project.objects.filter(state__in=COUNTED_STATES, county__code=county).count()
    assert row_cells(html(client.get("/")), "data-county", county) == [str(before)]

    services.fire(project, "cancel", demo.user("eco_admin"), reason="建设主体申请终止。")

    assert row_cells(html(client.get("/")), "data-county", county) == [str(before - 1)]


def test_the_schema_lists_the_public_endpoints(demo, client):
    client.force_login(demo.user("eco_admin"))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    for path in ("/api/public/publicity/", "/api/public/pilots/", "/api/public/objections/",
                 "/api/public/objections/{receipt}/"):
        assert path in schema
    assert ObjectionStatus.NOT_UPHELD.value in schema

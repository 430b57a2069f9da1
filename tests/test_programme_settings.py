"""Programme settings pages: the ecology admin keeps batches, category settings, the key park
list and eligibility conditions as data; everyone else is refused and nothing changes."""
import datetime
import re
from html import unescape

import pytest

from pilots.models import Batch, Category, County, EligibilityCondition, KeyPark, KeyParkLevel

ADMIN = "eco_admin"
LIST_PAGES = ["/programme/", "/programme/categories/", "/programme/conditions/",
              "/programme/parks/"]


def _errors(response):
    """Field error messages on a settings form, in page order."""
    return [unescape(m) for m in
            re.findall(r'<p class="field-error">([^<]*)</p>', response.content.decode())]


def _cells(response, table_id):
    html = response.content.decode()
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def _batch_post(batch, **changes):
    data = {"name": batch.name, "opens_on": batch.opens_on.isoformat(),
            "closes_on": batch.closes_on.isoformat(), "publicity_days": batch.publicity_days,
            "expert_panel_min_size": batch.expert_panel_min_size}
    data.update(changes)
    return data


def _snapshot(batch):
    b = Batch.objects.get(pk=batch.pk)
    return (b.name, b.opens_on, b.closes_on, b.publicity_days, b.expert_panel_min_size)


@pytest.fixture
def batch(demo):
    return Batch.objects.order_by("-year").first()


@pytest.fixture
def park(demo):
    return KeyPark.objects.create(name="测试产业园区", name_en="Test Industrial Park",
                                  level=KeyParkLevel.REGIONAL,
                                  county=County.objects.get(code="jinchengjiang"),
                                  source="桂工信园区〔2023〕1号")


@pytest.fixture
def condition(demo):
    return EligibilityCondition.objects.create(
        category=Category.objects.get(code="campus"), code="test-c1",
        text="学校已建立能源管理制度", text_en="The school has an energy management system")


# --- Batches ---------------------------------------------------------------------------

def test_the_admin_sets_a_batchs_publicity_period_and_the_list_shows_it(demo, client, batch):
    client.force_login(demo.user(ADMIN))

    response = client.post(f"/programme/batches/{batch.pk}/", _batch_post(batch, publicity_days=7))

    assert response.status_code == 302
    assert response["Location"] == "/programme/"
    assert Batch.objects.get(pk=batch.pk).publicity_days == 7
    page = client.get("/programme/")
    row = next(r for r in _cells(page, "batches") if r[0] == str(batch.year))
    assert row[3:5] == ["7", str(batch.expert_panel_min_size)]
    assert [str(m) for m in page.context["messages"]] == [f"已保存申报批次「{batch.name}」。"]


def test_the_edit_form_starts_from_the_batchs_values(demo, client, batch):
    client.force_login(demo.user(ADMIN))

    form = client.get(f"/programme/batches/{batch.pk}/").context["form"]

    assert {name: form[name].value() for name in form.fields} == {
        "name": batch.name, "opens_on": batch.opens_on, "closes_on": batch.closes_on,
        "publicity_days": batch.publicity_days,
        "expert_panel_min_size": batch.expert_panel_min_size}


@pytest.mark.parametrize(("changes", "errors"), [
    ({"publicity_days": "0"}, ["公示期须为 1 至 30 个工作日。"]),
    ({"publicity_days": "31", "expert_panel_min_size": "0"},
     ["公示期须为 1 至 30 个工作日。", "专家组最少人数须为 1 至 15 人。"]),
    ({"publicity_days": "七"}, ["请输入整数。"]),
    ({"opens_on": "2031-06-01", "closes_on": "2031-05-31"}, ["申报截止日期不能早于申报开始日期。"]),
    ({"opens_on": "2031-02-30"}, ["请输入有效日期，如 2025-01-01。"]),
    ({"name": ""}, ["请填写批次名称。"]),
], ids=["publicity-0", "out-of-range", "not-a-number", "closes-before-opens", "no-such-day",
        "no-name"])
def test_bad_batch_input_is_explained_in_chinese_and_changes_nothing(demo, client, batch,
                                                                     changes, errors):
    client.force_login(demo.user(ADMIN))
    before = _snapshot(batch)

    response = client.post(f"/programme/batches/{batch.pk}/", _batch_post(batch, **changes))

    assert response.status_code == 400
    assert _errors(response) == errors
    assert "请更正下面标出的内容，设置尚未保存。" in response.content.decode()
    assert _snapshot(batch) == before


def test_the_admin_creates_next_years_batch_from_the_latest_one(demo, client, batch):
    Batch.objects.filter(pk=batch.pk).update(publicity_days=8, expert_panel_min_size=5)
    client.force_login(demo.user(ADMIN))
    year = batch.year + 1

    form = client.get("/programme/batches/new/").context["form"]
    initial = {name: form[name].value() for name in form.fields}
    response = client.post("/programme/batches/new/", {
        **initial, "opens_on": f"{year}-01-01", "closes_on": f"{year}-12-31"})

    assert initial == {
        "year": year, "name": f"{year}年度近零碳排放区试点申报",
        "opens_on": datetime.date(year, 1, 1), "closes_on": datetime.date(year, 12, 31),
        "publicity_days": 8, "expert_panel_min_size": 5}
    assert response.status_code == 302
    created = Batch.objects.get(year=year)
    assert (created.name, created.opens_on, created.closes_on, created.publicity_days,
            created.expert_panel_min_size) == (
        f"{year}年度近零碳排放区试点申报", datetime.date(year, 1, 1),
        datetime.date(year, 12, 31), 8, 5)


def test_a_second_batch_for_the_same_year_is_refused(demo, client, batch):
    client.force_login(demo.user(ADMIN))
    count = Batch.objects.count()

    response = client.post("/programme/batches/new/", {**_batch_post(batch), "year": batch.year})

    assert response.status_code == 400
    assert _errors(response) == [f"{batch.year}年度的申报批次已存在。"]
    assert Batch.objects.count() == count


# --- Categories ------------------------------------------------------------------------

def test_the_admin_sets_a_categorys_recheck_interval(demo, client):
    campus = Category.objects.get(code="campus")
    client.force_login(demo.user(ADMIN))

    response = client.post(f"/programme/categories/{campus.pk}/", {
        "is_open": "on", "recheck_interval_days": "365", "title": "近零碳排放校园",
        "title_en": "Near-zero carbon campus"})

    assert response.status_code == 302
    campus.refresh_from_db()
    assert (campus.is_open, campus.recheck_interval_days) == (True, 365)
    row = next(r for r in _cells(client.get("/programme/categories/"), "categories")
               if r[0] == "近零碳排放校园")
    assert row[1:4] == ["是", "近零碳排放校园", "365"]


def test_closing_a_category_stops_new_applications(demo, client):
    campus = Category.objects.get(code="campus")
    client.force_login(demo.user(ADMIN))

    client.post(f"/programme/categories/{campus.pk}/", {
        "recheck_interval_days": "730", "title": campus.title, "title_en": campus.title_en})

    assert Category.objects.get(pk=campus.pk).is_open is False
    client.force_login(demo.user("app_campus_yizhou"))
    labels = [c.label for c in client.get("/projects/new/").context["form"].fields[
        "category"].queryset]
    assert "近零碳排放校园" not in labels
    assert "近零碳排放园区" in labels


@pytest.mark.parametrize(("code", "data", "errors"), [
    ("campus", {"is_open": "on", "recheck_interval_days": "29", "title": "近零碳排放校园"},
     ["复核周期须为 30 至 3650 天。"]),
    ("campus", {"is_open": "on", "recheck_interval_days": "730", "title": " "},
     ["开放申报的类别须填写验收通过后授予的称号。"]),
    ("other", {"is_open": "on", "recheck_interval_days": "730", "title": "近零碳排放企业"},
     ["该类别尚未确定组织申报的市级主管部门，不能开放申报。"]),
], ids=["interval-too-short", "open-without-title", "open-without-city-body"])
def test_bad_category_input_is_explained_and_changes_nothing(demo, client, code, data, errors):
    category = Category.objects.get(code=code)
    before = (category.is_open, category.recheck_interval_days, category.title)
    client.force_login(demo.user(ADMIN))

    response = client.post(f"/programme/categories/{category.pk}/", data)

    assert response.status_code == 400
    assert _errors(response) == errors
    category.refresh_from_db()
    assert (category.is_open, category.recheck_interval_days, category.title) == before


# --- Key parks -----------------------------------------------------------------------

def test_the_admin_adds_a_key_park(demo, client):
    client.force_login(demo.user(ADMIN))
    yizhou = County.objects.get(code="yizhou")

    response = client.post("/programme/parks/new/", {
        "name": "测试新增园区", "name_en": "", "level": "regional", "county": yizhou.pk,
        "source": "桂政办发〔2023〕5号", "order": ""})

    assert response.status_code == 302
    park = KeyPark.objects.get(name="测试新增园区")
    assert (park.level, park.county, park.source, park.is_listed, park.order) == (
        "regional", yizhou, "桂政办发〔2023〕5号", True, 0)


def test_a_park_name_already_on_the_list_is_refused(demo, client, park):
    client.force_login(demo.user(ADMIN))

    response = client.post("/programme/parks/new/", {"name": park.name, "level": "national"})

    assert response.status_code == 400
    assert _errors(response) == ["名录中已有同名园区。"]
    assert KeyPark.objects.filter(name=park.name).count() == 1


def test_taking_a_park_off_the_list_keeps_it_and_shows_it_as_removed(demo, client, park):
    client.force_login(demo.user(ADMIN))

    response = client.post(f"/programme/parks/{park.pk}/listing/", {"listed": "0"})

    assert response.status_code == 302
    park.refresh_from_db()
    assert park.is_listed is False
    page = client.get("/programme/parks/")
    rows = _cells(page, "parks")
    assert rows[-1] == [
        "测试产业园区", "自治区级", "金城江区", "桂工信园区〔2023〕1号", "已移出", "修改 重新列入"]
    assert [str(m) for m in page.context["messages"]] == [
        "已将「测试产业园区」移出名录，该园区不再能申报。"]

    client.post(f"/programme/parks/{park.pk}/listing/", {"listed": "1"})
    assert KeyPark.objects.get(pk=park.pk).is_listed is True


def test_a_malformed_listing_request_changes_nothing(demo, client, park):
    client.force_login(demo.user(ADMIN))

    response = client.post(f"/programme/parks/{park.pk}/listing/", {"listed": "maybe"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["请求无效，名录未改变。"]
    assert KeyPark.objects.get(pk=park.pk).is_listed is True


# --- Eligibility conditions --------------------------------------------------------

def test_the_admin_adds_edits_and_deactivates_a_condition(demo, client, condition):
    campus = condition.category
    client.force_login(demo.user(ADMIN))

    client.post("/programme/conditions/new/", {
        "category": campus.pk, "text": "校园建筑面积不少于1万平方米", "required": "", "order": "2"})
    added = EligibilityCondition.objects.get(category=campus, text="校园建筑面积不少于1万平方米")
    client.post(f"/programme/conditions/{condition.pk}/", {
        "text": "学校已建立能源管理制度并运行一年以上", "text_en": "", "required": "on",
        "order": "1"})
    client.post(f"/programme/conditions/{added.pk}/activation/", {"active": "0"})

    rows = [(c.text, c.required, c.is_active, c.order) for c in
            EligibilityCondition.objects.filter(pk__in=[condition.pk, added.pk]).order_by("pk")]
    assert rows == [("学校已建立能源管理制度并运行一年以上", True, True, 1),
                    ("校园建筑面积不少于1万平方米", False, False, 2)]
    assert added.code not in set(EligibilityCondition.objects.filter(category=campus)
                                 .exclude(pk=added.pk).values_list("code", flat=True))
    page = client.get("/programme/conditions/")
    shown = [r[:4] for r in _cells(page, "conditions") if r[1] in {rows[0][0], rows[1][0]}]
    assert shown == [
        ["近零碳排放校园", "学校已建立能源管理制度并运行一年以上", "必须", "是"],
        ["近零碳排放校园", "校园建筑面积不少于1万平方米", "优先", "已停用"]]


def test_a_condition_without_text_is_refused(demo, client):
    client.force_login(demo.user(ADMIN))
    count = EligibilityCondition.objects.count()

    response = client.post("/programme/conditions/new/", {"category": "999999", "text": ""})

    assert response.status_code == 400
    assert _errors(response) == ["请选择试点类别。", "请填写条件内容。"]
    assert EligibilityCondition.objects.count() == count


# --- Who may ---------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["city_ecology", "yizhou_ecology", "app_campus_yizhou",
                                      "expert1"])
def test_everyone_but_the_ecology_admin_is_refused_and_nothing_changes(demo, client, batch,
                                                                       park, condition, username):
    client.force_login(demo.user(username))
    campus = condition.category
    before = (_snapshot(batch), Category.objects.get(pk=campus.pk).recheck_interval_days,
              Batch.objects.count(), KeyPark.objects.count())

    statuses = [client.get(url).status_code for url in [
        *LIST_PAGES, f"/programme/batches/{batch.pk}/", "/programme/batches/new/",
        f"/programme/categories/{campus.pk}/", "/programme/parks/new/",
        f"/programme/parks/{park.pk}/", "/programme/conditions/new/",
        f"/programme/conditions/{condition.pk}/"]]
    statuses += [
        client.post(f"/programme/batches/{batch.pk}/",
                    _batch_post(batch, publicity_days=7)).status_code,
        client.post("/programme/batches/new/",
                    {**_batch_post(batch), "year": batch.year + 1}).status_code,
        client.post(f"/programme/categories/{campus.pk}/",
                    {"is_open": "on", "recheck_interval_days": "100",
                     "title": "近零碳排放校园"}).status_code,
        client.post("/programme/parks/new/", {"name": "新园区", "level": "national"}).status_code,
        client.post(f"/programme/parks/{park.pk}/listing/", {"listed": "0"}).status_code,
        client.post(f"/programme/conditions/{condition.pk}/activation/",
                    {"active": "0"}).status_code,
    ]

    assert statuses == [403] * 17
    assert (_snapshot(batch), Category.objects.get(pk=campus.pk).recheck_interval_days,
            Batch.objects.count(), KeyPark.objects.count()) == before
    assert KeyPark.objects.get(pk=park.pk).is_listed is True
    assert EligibilityCondition.objects.get(pk=condition.pk).is_active is True


def test_an_anonymous_visitor_is_sent_to_log_in(demo, client):
    assert [client.get(url)["Location"] for url in LIST_PAGES] == [
        f"/accounts/login/?next={url}" for url in LIST_PAGES]


def test_only_the_ecology_admin_sees_the_menu_link(demo, client):
    link = '<a href="/programme/">项目管理设置</a>'
    client.force_login(demo.user(ADMIN))
    assert link in client.get("/").content.decode()
    client.force_login(demo.user("city_ecology"))
    assert link not in client.get("/").content.decode()


def test_unknown_rows_are_not_found(demo, client):
    client.force_login(demo.user(ADMIN))
    assert [client.get(url).status_code for url in [
        "/programme/batches/999999/", "/programme/categories/999999/",
        "/programme/parks/999999/", "/programme/conditions/999999/"]] == [404] * 4


# --- Cost does not grow with the rows ----------------------------------------------------

def _add_batches(n):
    top = Batch.objects.order_by("-year").first().year
    for year in range(top + 1, top + 1 + n):
        Batch.objects.create(year=year, name=f"{year}年度近零碳排放区试点申报",
                             opens_on=datetime.date(year, 1, 1),
                             closes_on=datetime.date(year, 12, 31))


def _add_categories(n):
    start = Category.objects.count()
    for i in range(start, start + n):
        Category.objects.create(code=f"extra{i}", name=f"其他类别{i}", order=100 + i)


def _add_parks(n):
    start = KeyPark.objects.count()
    counties = list(County.objects.order_by("order"))
    for i in range(start, start + n):
        KeyPark.objects.create(name=f"测试重点园区{i}", level=KeyParkLevel.NATIONAL,
                               county=counties[i % len(counties)])


def _add_conditions(n):
    campus = Category.objects.get(code="campus")
    start = EligibilityCondition.objects.count()
    for i in range(start, start + n):
        EligibilityCondition.objects.create(category=campus, code=f"test-{i}", text=f"条件{i}")


# url: (table id, the model listed, how to add rows)
LISTS = {
    "/programme/": ("batches", Batch, _add_batches),
    "/programme/categories/": ("categories", Category, _add_categories),
    "/programme/conditions/": ("conditions", EligibilityCondition, _add_conditions),
    "/programme/parks/": ("parks", KeyPark, _add_parks),
}


@pytest.mark.parametrize("url", LIST_PAGES)
def test_the_list_pages_run_a_fixed_number_of_queries(demo, client, django_assert_num_queries,
                                                     url):
    """With 1 and 3 rows more than the reference data brings (rows that projects may hold
    on to, such as the demo's batch and the plan's six categories, stay)."""
    table, model, add = LISTS[url]
    client.force_login(demo.user(ADMIN))
    base = model.objects.count()
    for size in (base + 1, base + 3):
        add(size - model.objects.count())
        with django_assert_num_queries(6):
            response = client.get(url)
        assert len(_cells(response, table)) == size

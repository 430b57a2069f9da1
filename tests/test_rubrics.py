"""Rubrics and results: the default rubrics, editing them until the first sheet locks them,
the admin's pages, and the panel results worked out by hand."""
import re
from decimal import Decimal as D
from html import unescape

import pytest
from django.test import override_settings

from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import Batch, Category
from reviews import results
from reviews.choices import ReviewKind
from reviews.models import Criterion, Rubric
from reviews.results import Grade
from reviews.rubrics import lock_rubric, rubric_for, rubric_is_locked, update_rubric

ADMIN = "eco_admin"


@pytest.fixture
def batch(demo):
    """A call of its own, with no rubric yet: the demo's call has the rubrics its selected
    projects were scored on, locked."""
    latest = Batch.objects.order_by("-year").first()
    return Batch.objects.create(year=latest.year + 1, name=f"{latest.year + 1}年度试点申报",
                                opens_on=latest.opens_on.replace(year=latest.year + 1),
                                closes_on=latest.closes_on.replace(year=latest.year + 1))


@pytest.fixture
def campus(demo):
    return Category.objects.get(code="campus")


@pytest.fixture
def selection(batch, campus):
    return rubric_for(batch, campus, ReviewKind.SELECTION)


def _criteria(rubric):
    return [(c.code, c.name, c.weight) for c in Criterion.objects.filter(rubric=rubric)]


def _state(rubric):
    """Everything the editor can change, read back from the database."""
    fresh = Rubric.objects.get(pk=rubric.pk)
    return (fresh.pass_line, fresh.excellent_line, fresh.locked_at,
            [(c.pk, c.code, c.name, c.name_en, c.weight, c.order)
             for c in Criterion.objects.filter(rubric=rubric)])


def _rows(rubric, **weights):
    """The rubric's criteria as the editor posts them, some weights changed."""
    return [{"id": c.pk, "code": c.code, "name": c.name, "name_en": c.name_en,
             "weight": weights.get(c.code, c.weight)} for c in rubric.criteria.all()]


# --- Results, by hand ------------------------------------------------------------------

class Max:
    """A criterion as the results see it: a code and its maximum points."""

    def __init__(self, code, name, weight):
        self.code, self.name, self.weight = code, name, D(weight)


SELECTION = [Max("distinctive", "特色鲜明", "30"), Max("indicators", "指标设置科学", "30"),
             Max("replication", "有复制推广价值", "20"), Max("feasibility", "可操作性", "20")]


def test_weighted_totals_of_three_sheets_and_their_mean():
    sheets = [
        {"distinctive": D("27"), "indicators": D("24.5"), "replication": D("16"),
         "feasibility": D("15")},  # 27 + 24.5 + 16 + 15 = 82.5
        {"distinctive": "21", "indicators": 18, "replication": D("12"),
         "feasibility": 10.5},  # 21 + 18 + 12 + 10.5 = 61.5
        {"distinctive": D("30"), "indicators": D("28"), "replication": D("19.5"),
         "feasibility": D("18")},  # 30 + 28 + 19.5 + 18 = 95.5
    ]

    totals = [results.weighted_total(sheet, SELECTION) for sheet in sheets]

    assert totals == [D("82.5"), D("61.5"), D("95.5")]
    score = results.panel_score(totals)
    # (82.5 + 61.5 + 95.5) / 3 = 239.5 / 3 = 79.8333…; fewer than five sheets: no trimming.
    assert score.sheets == 3
    assert results.for_display(score.mean) == D("79.83")
    assert score.mean * 3 == D("239.5000000000000000000000000")
    assert score.trimmed_mean is None
    assert score.score == score.mean
    assert score.spread == D("34")  # 95.5 − 61.5


def test_five_sheets_score_the_trimmed_mean():
    totals = [D("90"), D("40"), D("82"), D("75"), D("80")]

    score = results.panel_score(totals)

    assert score.mean == D("73.4")  # 367 / 5
    assert score.trimmed_mean == D("79")  # 90 and 40 dropped: (82 + 80 + 75) / 3 = 237 / 3
    assert score.score == D("79")


def test_four_sheets_are_not_trimmed_and_no_sheet_has_no_score():
    four = results.panel_score([D("90"), D("40"), D("82"), D("76")])
    assert (four.mean, four.trimmed_mean, four.score) == (D("72"), None, D("72"))
    assert results.panel_score([]) == results.PanelScore(0, None, None, None, None)


def test_the_spread_is_flagged_only_beyond_the_limit():
    assert results.spread_flag([D("70"), D("80"), D("90")]) is False  # exactly 20
    assert results.spread_flag([D("70"), D("80"), D("90.01")]) is True  # 20.01
    assert results.spread_flag([D("70"), D("85.5")], limit=15) is True
    assert results.spread_flag([D("100")]) is False


@override_settings(REVIEW_SPREAD_POINTS=10)
def test_the_default_spread_is_the_setting():
    assert results.spread_flag([D("70"), D("80")]) is False
    assert results.spread_flag([D("70"), D("80.01")]) is True


def test_grades_at_the_lines():
    rubric = Rubric()  # Shenzhen's lines: 通过 ≥ 60, 优秀 ≥ 85
    assert (rubric.pass_line, rubric.excellent_line) == (D("60"), D("85"))
    assert results.grade(D("60.00"), rubric) == Grade.PASS
    assert results.grade(D("59.99"), rubric) == Grade.FAIL
    assert results.grade(D("85"), rubric) == Grade.EXCELLENT
    assert results.grade(D("84.99"), rubric) == Grade.PASS
    assert [str(g.label) for g in Grade] == ["优秀", "通过", "不通过"]


@pytest.mark.parametrize(("scores", "field", "message"), [
    ({"indicators": "30.01"}, "indicators", "「指标设置科学」的得分应在0至30分之间，最多两位小数。"),
    ({"replication": "-1"}, "replication", "「有复制推广价值」的得分应在0至20分之间，最多两位小数。"),
    ({"feasibility": "10.005"}, "feasibility", "「可操作性」的得分应在0至20分之间，最多两位小数。"),
    ({"feasibility": True}, "feasibility", "「可操作性」的得分应在0至20分之间，最多两位小数。"),
    ({"feasibility": "NaN"}, "feasibility", "「可操作性」的得分应在0至20分之间，最多两位小数。"),
    ({"distinctive": None}, "distinctive", "请为「特色鲜明」打分。"),
    ({"novelty": "5"}, "novelty", "评分标准中没有此评分项。"),
])
def test_a_score_out_of_bounds_is_refused_naming_the_criterion(scores, field, message):
    sheet = {"distinctive": "20", "indicators": "20", "replication": "10", "feasibility": "10"}
    sheet.update(scores)

    with pytest.raises(InvalidInput) as refused:
        results.weighted_total(sheet, SELECTION)

    assert refused.value.fields == {field: [message]}


def test_scores_at_zero_and_at_the_maximum_count():
    sheet = {"distinctive": "30", "indicators": "0", "replication": "20", "feasibility": "0"}
    assert results.weighted_total(sheet, SELECTION) == D("50")


def test_the_ranking_of_a_panel():
    rubric = Rubric(pass_line=D("60"), excellent_line=D("85"))
    rows = [
        ("甲", [D("70"), D("62")]),  # 66
        ("乙", [D("90"), D("86")]),  # 88
        ("丙", []),  # no sheet yet
        ("丁", [D("59.99")]),  # 59.99
        ("戊", [D("60"), D("72")]),  # 66, after 甲 as given
    ]

    ranked = results.ranking(rows, rubric)

    assert [(r.subject, r.rank, r.result.score, r.grade, r.passed) for r in ranked] == [
        ("乙", 1, D("88"), Grade.EXCELLENT, True),
        ("甲", 2, D("66"), Grade.PASS, True),
        ("戊", 2, D("66"), Grade.PASS, True),
        ("丁", 4, D("59.99"), Grade.FAIL, False),
        ("丙", None, None, None, None),
    ]
    assert [r.spread_flag for r in results.ranking(rows, rubric, spread_limit=7)] == [
        False, True, True, False, False]


# --- Rubrics ---------------------------------------------------------------------------

def test_the_default_rubrics(batch, campus):
    selection = rubric_for(batch, campus, ReviewKind.SELECTION)
    acceptance = rubric_for(batch, campus, ReviewKind.ACCEPTANCE)

    assert _criteria(selection) == [
        ("distinctive", "特色鲜明", D("30")), ("indicators", "指标设置科学", D("30")),
        ("replication", "有复制推广价值", D("20")), ("feasibility", "可操作性", D("20"))]
    assert _criteria(acceptance) == [
        ("targets", "目标完成情况", D("40")), ("tasks", "任务完成情况", D("30")),
        ("management", "管理与保障", D("15")), ("disclosure", "信息披露", D("15"))]
    assert (selection.pass_line, selection.excellent_line) == (D("60"), D("85"))
    assert rubric_is_locked(selection) is False


def test_asking_for_a_rubric_twice_gives_the_same_one(batch, campus, selection):
    again = rubric_for(batch, campus, "selection")

    assert again.pk == selection.pk
    assert Rubric.objects.filter(batch=batch, category=campus).count() == 1
    assert Criterion.objects.filter(rubric=selection).count() == 4


def test_the_admin_adds_changes_and_removes_criteria_at_once(demo, selection):
    rows = _rows(selection, distinctive=D("25"), feasibility=D("15"))
    rows = [r for r in rows if r["code"] != "replication"]  # removed: 20 points
    rows[1]["name"] = "指标设置科学合理"
    rows.append({"id": None, "code": "innovation", "name": "创新性", "name_en": "Innovation",
                 "weight": "30"})  # 25 + 30 + 15 + 30 = 100

    update_rubric(selection, demo.user(ADMIN), pass_line="65", excellent_line=D("90"),
                  criteria=rows)

    assert _criteria(selection) == [
        ("distinctive", "特色鲜明", D("25")), ("indicators", "指标设置科学合理", D("30")),
        ("feasibility", "可操作性", D("15")), ("innovation", "创新性", D("30"))]
    fresh = Rubric.objects.get(pk=selection.pk)
    assert (fresh.pass_line, fresh.excellent_line) == (D("65"), D("90"))


def test_codes_may_be_swapped_between_criteria(demo, selection):
    rows = _rows(selection)
    rows[0]["code"], rows[1]["code"] = rows[1]["code"], rows[0]["code"]
    ids = [r["id"] for r in rows]

    update_rubric(selection, demo.user(ADMIN), pass_line=60, excellent_line=85, criteria=rows)

    assert [(c.pk, c.code) for c in Criterion.objects.filter(rubric=selection)][:2] == [
        (ids[0], "indicators"), (ids[1], "distinctive")]


def test_weights_not_summing_to_100_are_refused_and_nothing_changes(demo, selection):
    before = _state(selection)
    rows = _rows(selection, feasibility=D("15"))  # 30 + 30 + 20 + 15 = 95
    rows[0]["name"] = "特色"

    with pytest.raises(InvalidInput) as refused:
        update_rubric(selection, demo.user(ADMIN), pass_line=70, excellent_line=90,
                      criteria=rows)

    assert refused.value.message == "各评分项分值合计应为100分，现为95分。"
    assert refused.value.fields == {"weight": ["各评分项分值合计应为100分，现为95分。"]}
    assert _state(selection) == before


@pytest.mark.parametrize(("change", "fields"), [
    ({"pass_line": "85"}, {"excellent_line": ["优秀线应高于通过线。"]}),
    ({"pass_line": "0"}, {"pass_line": ["通过线应为0至100之间的分数，最多两位小数。"]}),
    ({"excellent_line": "100.5"}, {"excellent_line": ["优秀线应为0至100之间的分数，最多两位小数。"]}),
])
def test_lines_out_of_order_are_refused(demo, selection, change, fields):
    before = _state(selection)
    lines = {"pass_line": "60", "excellent_line": "85", **change}

    with pytest.raises(InvalidInput) as refused:
        update_rubric(selection, demo.user(ADMIN), criteria=_rows(selection), **lines)

    assert refused.value.fields == fields
    assert _state(selection) == before


def test_repeated_or_bad_codes_are_refused(demo, selection):
    rows = _rows(selection)
    rows[1]["code"] = "distinctive"
    rows[2]["code"] = "有复制"

    with pytest.raises(InvalidInput) as refused:
        update_rubric(selection, demo.user(ADMIN), pass_line=60, excellent_line=85,
                      criteria=rows)

    assert refused.value.fields == {"code": [
        "代码「distinctive」重复。",
        "代码「有复制」无效：只能用小写字母、数字、下划线和连字符，不超过40个字符。"]}


def test_a_criterion_of_another_rubric_is_refused(demo, batch, campus, selection):
    other = rubric_for(batch, campus, ReviewKind.ACCEPTANCE)
    before = _state(other)
    rows = _rows(selection)
    rows[0]["id"] = other.criteria.first().pk

    with pytest.raises(InvalidInput):
        update_rubric(selection, demo.user(ADMIN), pass_line=60, excellent_line=85,
                      criteria=rows)

    assert _state(other) == before


def test_a_locked_rubric_cannot_change(demo, selection):
    lock_rubric(selection)
    first = Rubric.objects.get(pk=selection.pk).locked_at
    lock_rubric(selection)  # a second sheet keeps the first time
    before = _state(selection)

    with pytest.raises(NotAllowedNow) as refused:
        update_rubric(selection, demo.user(ADMIN), pass_line=70, excellent_line=90,
                      criteria=_rows(selection))

    assert refused.value.message == "评分标准已锁定：已有专家提交评分表，不能再修改。"
    assert before[2] == first
    assert rubric_is_locked(selection) is True
    assert _state(selection) == before


def test_only_the_ecology_admin_edits_a_rubric(demo, selection):
    before = _state(selection)
    with pytest.raises(NotPermitted):
        update_rubric(selection, demo.user("city_ecology"), pass_line=70, excellent_line=90,
                      criteria=_rows(selection))
    assert _state(selection) == before


# --- Pages ---------------------------------------------------------------------------

def _edit_url(rubric_or_batch, category="campus", kind="selection"):
    return f"/programme/rubrics/{rubric_or_batch.pk}/{category}/{kind}/"


def _post(rubric, weights=None, lines=("60", "85"), extra=None):
    """The editor's form as a browser posts it: each criterion, then one blank row."""
    criteria = list(rubric.criteria.all())
    data = {"pass_line": lines[0], "excellent_line": lines[1],
            "criteria-TOTAL_FORMS": str(len(criteria) + 1),
            "criteria-INITIAL_FORMS": str(len(criteria)),
            "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "20"}
    for i, c in enumerate(criteria):
        data.update({f"criteria-{i}-id": str(c.pk), f"criteria-{i}-code": c.code,
                     f"criteria-{i}-name": c.name, f"criteria-{i}-name_en": c.name_en,
                     f"criteria-{i}-weight": str((weights or {}).get(c.code, c.weight))})
    blank = len(criteria)
    data.update({f"criteria-{blank}-id": "", f"criteria-{blank}-code": "",
                 f"criteria-{blank}-name": "", f"criteria-{blank}-name_en": "",
                 f"criteria-{blank}-weight": ""})
    data.update(extra or {})
    return data


def _messages(response, css):
    return [unescape(m) for m in
            re.findall(rf'<p class="{css}">([^<]*)</p>', response.content.decode())]


def _row(response, category, kind):
    html = response.content.decode()
    row = html.split(f'id="rubric-{category}-{kind}"', 1)[1].split("</tr>", 1)[0]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


@pytest.mark.parametrize("username", ["city_ecology", "expert1", "app_campus_yizhou"])
def test_the_rubric_pages_are_the_ecology_admins(demo, client, batch, selection, username):
    client.force_login(demo.user(username))
    before = _state(selection)

    assert client.get("/programme/rubrics/").status_code == 403
    assert client.get(_edit_url(batch)).status_code == 403
    assert client.post(_edit_url(batch), _post(selection, lines=("70", "90"))).status_code == 403
    assert client.get(_edit_url(batch, "park", "acceptance")).status_code == 403
    assert not Rubric.objects.filter(batch=batch, category__code="park").exists()
    assert _state(selection) == before


def test_a_visitor_is_sent_to_log_in(client, batch):
    response = client.get("/programme/rubrics/")
    assert (response.status_code, response["Location"]) == (
        302, "/accounts/login/?next=/programme/rubrics/")


def test_the_list_shows_defaults_set_rubrics_and_locks(demo, client, batch, selection):
    update_rubric(selection, demo.user(ADMIN), pass_line="65", excellent_line="90",
                  criteria=_rows(selection))
    acceptance = rubric_for(batch, selection.category, ReviewKind.ACCEPTANCE)
    lock_rubric(acceptance)
    client.force_login(demo.user(ADMIN))

    page = client.get("/programme/rubrics/")

    assert page.status_code == 200
    assert _row(page, "campus", "selection") == [
        "近零碳排放校园", "遴选评审", "特色鲜明 30；指标设置科学 30；有复制推广价值 20；可操作性 20",
        "65", "90", "可修改", "修改"]
    assert _row(page, "campus", "acceptance")[5:] == ["已锁定", "查看"]
    assert _row(page, "park", "selection") == [
        "近零碳排放园区", "遴选评审", "特色鲜明 30；指标设置科学 30；有复制推广价值 20；可操作性 20",
        "60", "85", "默认", "修改"]
    assert not Rubric.objects.filter(batch=batch, category__code="park").exists()  # the list writes nothing


def test_the_list_runs_a_fixed_number_of_queries(demo, client, batch, django_assert_num_queries):
    client.force_login(demo.user(ADMIN))
    categories = list(Category.objects.order_by("order", "code"))
    rubric_for(batch, categories[0], ReviewKind.SELECTION)
    with django_assert_num_queries(9):
        page = client.get("/programme/rubrics/")
    assert page.content.decode().count("可修改") == 1
    rubric_for(batch, categories[1], ReviewKind.SELECTION)
    rubric_for(batch, categories[1], ReviewKind.ACCEPTANCE)
    with django_assert_num_queries(9):
        page = client.get("/programme/rubrics/")
    assert page.content.decode().count("可修改") == 3


def test_opening_a_rubric_creates_the_default_and_saving_changes_it(demo, client, batch):
    client.force_login(demo.user(ADMIN))

    page = client.get(_edit_url(batch, "park", "acceptance"))

    assert page.status_code == 200
    rubric = Rubric.objects.get(batch=batch, category__code="park", kind="acceptance")
    assert [c.code for c in rubric.criteria.all()] == ["targets", "tasks", "management",
                                                        "disclosure"]
    data = _post(rubric, weights={"targets": "35", "tasks": "35"}, lines=("60", "88"),
                 extra={"criteria-4-code": "safety", "criteria-4-name": "安全生产",
                        "criteria-4-weight": "10", "criteria-3-DELETE": "on",
                        "criteria-2-weight": "20"})

    response = client.post(_edit_url(batch, "park", "acceptance"), data)

    assert response.status_code == 302
    assert response["Location"] == f"/programme/rubrics/?batch={batch.pk}"
    assert _criteria(rubric) == [("targets", "目标完成情况", D("35")),
                                 ("tasks", "任务完成情况", D("35")),
                                 ("management", "管理与保障", D("20")),
                                 ("safety", "安全生产", D("10"))]
    assert Rubric.objects.get(pk=rubric.pk).excellent_line == D("88")


def test_the_page_refuses_weights_not_summing_to_100(demo, client, batch, selection):
    client.force_login(demo.user(ADMIN))
    before = _state(selection)

    response = client.post(_edit_url(batch), _post(selection, weights={"indicators": "20"},
                                                   lines=("70", "90")))

    assert response.status_code == 400
    assert _messages(response, "form-errors") == [
        "各评分项分值合计应为100分，现为90分。", "请更正下面标出的内容，评分标准尚未保存。"]
    assert _state(selection) == before


def test_the_page_shows_a_bad_line_at_its_input(demo, client, batch, selection):
    client.force_login(demo.user(ADMIN))
    before = _state(selection)

    response = client.post(_edit_url(batch), _post(selection, lines=("90", "85")))

    assert response.status_code == 400
    assert _messages(response, "field-error") == ["优秀线应高于通过线。"]
    assert _state(selection) == before


def test_a_locked_rubric_shows_locked_and_refuses_changes(demo, client, batch, selection):
    lock_rubric(selection)
    before = _state(selection)
    client.force_login(demo.user(ADMIN))

    page = client.get(_edit_url(batch))
    response = client.post(_edit_url(batch), _post(selection, lines=("70", "90")))

    assert page.status_code == 200
    assert 'id="rubric-locked"' in page.content.decode()
    assert "已锁定" in page.content.decode()
    assert "<form method=\"post\" class=\"card\"" not in page.content.decode()
    assert response.status_code == 409
    assert _messages(response, "form-errors") == ["评分标准已锁定：已有专家提交评分表，不能再修改。"]
    assert _state(selection) == before


@pytest.mark.parametrize("url", ["/programme/rubrics/?batch=999999",
                                 "/programme/rubrics/?batch=abc",
                                 "/programme/rubrics/{batch}/campus/final/",
                                 "/programme/rubrics/{batch}/nosuch/selection/",
                                 "/programme/rubrics/999999/campus/selection/"])
def test_unknown_batches_categories_and_kinds_are_not_found(demo, client, batch, url):
    client.force_login(demo.user(ADMIN))
    assert client.get(url.format(batch=batch.pk)).status_code == 404
    assert not Rubric.objects.filter(batch=batch).exists()


def test_criteria_are_named_in_english_for_an_english_reader(demo, client, batch, selection):
    client.force_login(demo.user(ADMIN))
    client.cookies["django_language"] = "en"

    page = client.get("/programme/rubrics/")

    expected = ("Distinctive features 30；Scientifically set indicators 30；"
                "Value for replication 20；Feasibility 20")
    assert _row(page, "campus", "selection")[2] == expected  # set up
    assert _row(page, "park", "selection")[2] == expected  # the default, not yet set up

"""One application walked in real Chromium: drafted, returned, resubmitted, forwarded, sent to experts.

Every step asserts what the page says (the texts of the templates) and leaves a numbered
screenshot under ``test-artifacts/browser/``.
"""
import datetime
import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pilots.models import Batch, Project
from reviews.models import Panel

from .conftest import PAGE_TIMEOUT_MS, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = "app_campus_yizhou"
COUNTY_OFFICER = "yizhou_education"
CITY_OFFICER = "city_education"
COUNTY_ECOLOGY = "yizhou_ecology"
NAME = "宜州区实验中学近零碳排放校园"
CATEGORY = "近零碳排放校园"
LOCATION_V1 = "河池市宜州区庆远镇城西路88号"
LOCATION_V2 = "河池市宜州区庆远镇城西路88号（含北校区）"
RETURN_REASON = "请补充基准年能源统计来源。"
FORWARD_OPINION = "方案完整，同意上报。"
EXPERTS = ["李建华", "王晓梅", "陈志远"]  # expert1..3 of the demo pool
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PDF_NAME = "基准年能源统计台账.pdf"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploads of the run go to a temporary folder, not the developer's media/.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def success(page: Page):
    return page.locator(".messages .msg-success")


def fact(page: Page, term: str):
    """The <dd> of the facts list whose <dt> is ``term``."""
    return page.locator(".facts > div").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(term)}$"))).locator("dd")


def fill_plan(page: Page, year: int) -> None:
    """Type a complete campus plan into the editor; the construction period is the batch's 5 years."""
    def field(label):
        return page.get_by_label(label, exact=True)

    field("项目位置").fill(LOCATION_V1)
    field("试点边界范围").fill("以学校围墙为界，含教学楼、宿舍楼、食堂和运动场，详见附件边界图。")
    field("占地面积(平方公里)").fill("0.35")
    field("基准年人口(人)").fill("2,400")
    field("以学校为建设主体").check()

    field("基准年").fill(str(year - 1))
    field("基准年碳排放总量(吨二氧化碳)").fill("4300")
    for source, share in [("外购电力", "55"), ("油品", "5"), ("天然气", "10"),
                          ("可再生能源", "30")]:
        field(f"{source}占比(%)").fill(share)

    targets = {  # no baseline typed: per capita's is computed, the total's is the baseline total
        "人均碳排放量": ("1.2", ["1.7", "1.55", "1.4", "1.3", "1.2"]),
        "碳排放总量": ("2900", ["4100", "3800", "3500", "3200", "2900"]),
    }
    for indicator, (goal, milestones) in targets.items():
        field(f"{indicator} 目标值").fill(goal)
        for offset, value in enumerate(milestones):
            field(f"{indicator} {year + offset}年").fill(value)

    tasks = [  # field, measure, expected result, investment, years from the start
        ("energy", "建设屋顶分布式光伏500千瓦，食堂炉灶全面电气化。", "年发电约50万千瓦时。", "600", 0, 1),
        ("buildings", "教学楼节能改造1.2万平方米，更换LED照明。", "教学楼能耗下降20%。", "400", 1, 3),
        ("transport", "校车更新为新能源车，校内增设充电桩20个。", "校车全部电动化。", "200", 2, 4),
        ("low_carbon_living", "开设低碳课程，开展节能主题班会。", "每学期开课不少于8课时。", "0", 0, 4),
    ]
    page.get_by_role("button", name="添加一项任务").click()  # three rows are offered; a fourth
    for row, (area, measure, result, money, first, last) in enumerate(tasks):
        page.locator(f"#id_task-{row}-field").select_option(area)
        page.locator(f"#id_task-{row}-measure").fill(measure)
        page.locator(f"#id_task-{row}-expected_result").fill(result)
        page.locator(f"#id_task-{row}-investment_wan_yuan").fill(money)
        page.locator(f"#id_task-{row}-start_year").fill(str(year + first))
        page.locator(f"#id_task-{row}-end_year").fill(str(year + last))

    field("计划总投资(万元)").fill("1,280")
    field("绿色信贷").check()
    field("县(区)资金支持").check()
    field("建设开始年份").fill(str(year))
    field("建设结束年份").fill(str(year + 4))
    field("组织实施与保障措施").fill("成立校长任组长的创建工作领导小组，资金纳入学校年度预算，按月统计能耗。")


def test_an_application_goes_from_draft_to_expert_review(page: Page, live_server, demo, artefacts,
                                                          shot, new_context, tmp_path):
    year = Batch.objects.order_by("-year").first().year
    # The city officer forms this project's panel on its card (step 9): the demo's open
    # campus panel is closed first, or the project would join it with its members.
    Panel.objects.filter(category__code="campus", closed_at__isnull=True).update(
        closed_at=timezone.now())

    # 1. The applicant starts a new project from its work queue.
    login(page, live_server, APPLICANT)
    expect(h1(page)).to_have_text("工作台")
    expect(page.get_by_role("heading", name="等待我处理")).to_be_visible()
    shot(page, "applicant-home")
    page.locator("main").get_by_role("link", name="新建申报").click()
    expect(h1(page)).to_have_text("新建试点项目")
    page.get_by_label("项目名称").fill(NAME)
    page.get_by_role("radio", name=CATEGORY).check()
    shot(page, "applicant-new-project")
    page.get_by_role("button", name="创建并编写方案").click()

    expect(h1(page)).to_have_text("编辑创建方案")
    expect(success(page)).to_have_text("项目已创建，请编写创建方案。")
    expect(fact(page, "项目名称")).to_have_text(NAME)
    expect(fact(page, "试点类别")).to_have_text(CATEGORY)
    expect(fact(page, "当前状态")).to_have_text("草稿")
    project = Project.objects.get(name=NAME)
    detail_url = f"{live_server.url}/projects/{project.pk}/"
    shot(page, "applicant-empty-plan")

    # 2. Submitting the empty plan lists what is missing; nothing is submitted.
    page.get_by_role("button", name="提交申报").click()
    summary = page.locator("#plan-problems")
    expect(summary).to_contain_text("创建方案尚有以下内容需要补充或修改：")
    for message in ["请填写项目位置。", "请说明试点边界范围。", "请填写基准年人口(大于0)。",
                    f"基准年应在2015年至{year}年之间。", "请为指标「人均碳排放量」设定目标。",
                    "请至少在3个领域填写重点任务和措施。", "请填写组织实施与保障措施。"]:
        expect(summary.get_by_role("listitem").filter(
            has_text=re.compile(f"^{re.escape(message)}$"))).to_have_count(1)
    expect(page.locator(".plan-field", has=page.locator("#id_location")).locator(".field-error")
           ).to_have_text("请填写项目位置。")
    expect(fact(page, "当前状态")).to_have_text("草稿")
    shot(page, "applicant-plan-incomplete")

    # 3. The plan typed in completely and saved as a draft.
    fill_plan(page, year)
    page.get_by_role("button", name="保存草稿").click()
    expect(success(page)).to_have_text("草稿已保存。")
    expect(page.locator("#plan-problems")).to_have_count(0)
    expect(page.get_by_label("项目位置", exact=True)).to_have_value(LOCATION_V1)
    expect(page.get_by_label("基准年人口(人)", exact=True)).to_have_value("2400")
    expect(page.locator("#task-t4 legend")).to_have_text("任务4")
    expect(page.get_by_label(f"碳排放总量 {year + 4}年", exact=True)).to_have_value("2900")
    expect(page.locator("#computed-per_capita")).to_have_text("1.7917")  # 4300 t ÷ 2400 people
    expect(page.get_by_label("绿色信贷", exact=True)).to_be_checked()
    shot(page, "applicant-plan-saved")

    # 4. An attachment uploaded on the project page.
    page.locator(".crumbs").get_by_role("link", name=NAME).click()
    expect(h1(page)).to_have_text(NAME)
    expect(page.locator("#attachments")).to_contain_text("暂无附件。")
    pdf = tmp_path / PDF_NAME
    pdf.write_bytes(PDF)
    page.get_by_label("上传附件(PDF、Office文档或图片)").set_input_files(pdf)
    page.get_by_label("说明", exact=True).fill("2025年能源消费统计")
    page.get_by_role("button", name="上传", exact=True).click()
    expect(success(page)).to_have_text(f"附件“{PDF_NAME}”已上传。")
    expect(page.locator("#attachments").get_by_role("link", name=PDF_NAME)).to_be_visible()
    shot(page, "applicant-attachment-uploaded")

    # 5. Submitted from the editor: version 1, a project code, county review.
    page.get_by_role("link", name="编辑并提交创建方案").click()
    expect(h1(page)).to_have_text("编辑创建方案")
    page.get_by_role("button", name="提交申报").click()
    expect(success(page)).to_have_text("已提交，方案已保存为第1版。")
    expect(page.locator("#project-state")).to_have_text("县(区)审核")
    code = Project.objects.get(pk=project.pk).code
    assert re.fullmatch(rf"HC-{year}-CAMPUS-\d{{3}}", code), code
    expect(fact(page, "项目编号")).to_have_text(code)
    expect(page.locator(".crumbs")).to_have_text(f"试点项目 / {NAME}")  # named, not numbered
    expect(page.locator("#plan h2")).to_have_text("创建方案 · 第1版")
    shot(page, "applicant-submitted")
    logout(page)

    # 6. The county officer finds it in its queue and returns it with a reason.
    login(page, live_server, COUNTY_OFFICER)
    queue_row = page.locator("#queue tbody tr").filter(has_text=NAME)
    expect(queue_row).to_have_count(1)
    expect(queue_row.locator("td").first).to_have_text(code)
    expect(queue_row.locator(".state")).to_have_text("县(区)审核")
    shot(page, "county-queue")
    queue_row.get_by_role("link", name=NAME).click()
    expect(h1(page)).to_have_text(NAME)
    expect(page.locator("#attachments").get_by_role("link", name=PDF_NAME)).to_be_visible()
    page.locator("#action-county_return").get_by_label("理由或意见(必填)").fill(RETURN_REASON)
    shot(page, "county-returning")
    page.locator("form[data-action=county_return]").get_by_role("button", name="退回修改").click()
    expect(success(page)).to_have_text("已完成：退回修改")
    expect(page.locator("#project-state")).to_have_text("已退回")
    shot(page, "county-returned")
    logout(page)

    # 7. The applicant reads the reason, changes the location and submits again.
    login(page, live_server, APPLICANT)
    page.locator("#queue").get_by_role("link", name=NAME).click()
    banner = page.locator("#sent-back")
    expect(banner).to_contain_text("退回修改")
    expect(banner).to_contain_text(RETURN_REASON)
    shot(page, "applicant-sent-back")
    page.get_by_role("link", name="编辑并提交创建方案").click()
    expect(page.locator(".plan-opinion")).to_contain_text(RETURN_REASON)
    expect(page.get_by_label("项目位置", exact=True)).to_have_value(LOCATION_V1)
    page.get_by_label("项目位置", exact=True).fill(LOCATION_V2)
    page.get_by_role("button", name="提交申报").click()
    expect(success(page)).to_have_text("已提交，方案已保存为第2版。")
    expect(page.locator("#project-state")).to_have_text("县(区)审核")
    expect(page.locator("#sent-back")).to_have_count(0)
    versions = page.locator("#versions li")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("第1版")
    expect(versions.nth(1)).to_contain_text("第2版")
    shot(page, "applicant-resubmitted")
    page.get_by_role("link", name="比较方案版本").click()
    expect(h1(page)).to_have_text("方案版本对比")
    expect(page.locator(".compare-count")).to_have_text("两个版本共有1处不同，已用底色标出。")
    changed = page.locator(".plan-compare tr.changed")
    expect(changed).to_have_count(1)
    expect(changed.locator("th")).to_have_text("项目位置 有变化")
    expect(changed.locator("td")).to_have_text([LOCATION_V1, LOCATION_V2])
    shot(page, "applicant-compare-versions")
    logout(page)

    # 8. The county officer forwards it to the city with its opinion.
    login(page, live_server, COUNTY_OFFICER)
    page.locator("#queue").get_by_role("link", name=NAME).click()
    forward = page.locator("#action-county_forward")
    forward.get_by_label("理由或意见(必填)").fill(FORWARD_OPINION)
    forward.get_by_role("button", name="审核通过并上报").click()
    expect(success(page)).to_have_text("已完成：审核通过并上报")
    expect(page.locator("#project-state")).to_have_text("市级审核")
    last = page.locator("#history tbody tr").last
    expect(last.locator("td")).to_have_text(
        [re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"), "审核通过并上报", "县(区)审核 → 市级审核",
         demo.user(COUNTY_OFFICER).signature,  # e.g. 郭燕（宜州区教育局）
         FORWARD_OPINION, "127.0.0.1"])  # officials see the client address
    shot(page, "county-forwarded")
    logout(page)

    # 9. The city officer assigns three experts and starts the expert review.
    login(page, live_server, CITY_OFFICER)
    page.locator("#queue").get_by_role("link", name=NAME).click()
    panel = page.locator("#panel")
    expect(panel.get_by_role("heading")).to_have_text("评审专家组")
    expect(panel).to_contain_text("尚未指派专家。")
    for expert in EXPERTS:
        panel.get_by_label(expert, exact=True).check()
    shot(page, "city-choosing-experts")
    panel.get_by_role("button", name="指派所选专家").click()
    expect(success(page)).to_have_text("已指派3名专家。")
    expect(page.locator("#panel ul.plain > li")).to_have_text(
        [re.compile(f"^{name}") for name in EXPERTS])
    start = page.locator("#action-start_expert_review")
    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    start.get_by_label("评分截止日期(必填)").fill(deadline)
    shot(page, "city-scoring-deadline")
    start.get_by_role("button", name="提交专家评审").click()
    expect(success(page)).to_have_text("已完成：提交专家评审")
    expect(page.locator("#panel ul.plain > li").first).to_contain_text(f"评分截止 {deadline}")
    expect(page.locator("#history tbody tr").last.locator("td").nth(4)).to_have_text(
        f"评分截止日期：{deadline}")
    expect(page.locator("#project-state")).to_have_text("专家评审")
    shot(page, "city-expert-review")
    logout(page)

    # 10. The county ecology bureau sees it in its summary and exports the list.
    login(page, live_server, COUNTY_ECOLOGY)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="申报汇总").click()
    expect(h1(page)).to_have_text("宜州区近零碳排放区试点申报汇总")
    row = page.locator("#project-table tbody tr").filter(has_text=code)
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(
        [code, NAME, CATEGORY, project.applicant.name, "专家评审",
         re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")])
    shot(page, "county-ecology-summary")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    xlsx = artefacts / download.suggested_filename
    download.save_as(xlsx)
    book = openpyxl.load_workbook(xlsx, read_only=True)
    listed = [row for row in book["项目清单"].iter_rows(values_only=True) if row[0] == code]
    assert [row[:7] for row in listed] == [
        (code, NAME, CATEGORY, "宜州区", project.applicant.name, project.applicant.credit_code,
         "专家评审")]

    # The project page on a phone, as the applicant sees it.
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    small = phone.new_page()
    small.set_default_timeout(PAGE_TIMEOUT_MS)
    login(small, live_server, APPLICANT)
    small.goto(detail_url)
    expect(small.locator("#project-state")).to_have_text("专家评审")
    shot(small, "phone-project-page")

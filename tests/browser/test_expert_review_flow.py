"""Expert review in the browser (issue 7): the ecology admin forms a selection panel on the
panels page, adds the proposed members on the panel's page and starts expert review; three
experts declare no conflict, score every criterion, write an opinion and submit; the admin
reads the exact mean, closes scoring, compiles the opinions and selects; the applicant
answers each opinion and submits the revised plan; the admin sees each opinion beside its
answer and the plan comparison.
Screenshots under test-artifacts/browser/expert-review/."""
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pilots import services as pilot_services
from reviews.models import Panel

from .conftest import login, logout

pytestmark = pytest.mark.browser

# Each expert's points (distinctive 30, indicators 30, replication 20, feasibility 20).
SCORES = (("25", "27.5", "16", "18"),  # 86.5
          ("24", "24", "16", "16"),  # 80
          ("27", "27", "18", "18"))  # 90; mean (86.5 + 80 + 90) / 3 = 85.5
CRITERIA = ("特色鲜明", "指标设置科学", "有复制推广价值", "可操作性")


def test_a_panel_from_the_proposal_scores_and_the_admin_reads_the_mean(
        page, live_server, demo, artefacts):
    folder = artefacts / "expert-review"
    folder.mkdir(exist_ok=True)
    # The demo's region application of 金城江区, submitted and forwarded by the county: no
    # selection panel of its batch and category is open (the demo's are closed), and no
    # expert of the pool is tied to it (reviews/demo.py), so the proposal is conflict-free.
    applicant = demo.user("app_region_jinchengjiang")
    project = pilot_services.fire(demo.draft(applicant.username), "submit", applicant)
    project = pilot_services.fire(project, "county_forward", demo.user("jinchengjiang_ecology"),
                                  reason="同意上报。")
    assert not Panel.objects.filter(batch=project.batch, category=project.category,
                                    closed_at__isnull=True).exists()
    url = f"{live_server.url}/projects/{project.pk}/"

    login(page, live_server, "eco_admin")
    page.locator("nav.menu").get_by_role("link", name="专家组").click()
    form = page.locator("#form-panel")
    form.get_by_label("申报批次").select_option(label=project.batch.name)
    form.get_by_label("试点类别").select_option(label="近零碳排放区域")
    form.get_by_role("button", name="组建遴选专家组").click()
    expect(page.locator(".messages .msg-success")).to_have_text(
        "已组建近零碳排放区域遴选专家组，请加入专家。")
    expect(page.locator("#projects tbody tr")).to_have_count(1)
    expect(page.locator("#projects")).to_contain_text(project.name)
    members = page.locator("#panel-members")
    expect(members).to_contain_text("尚未加入专家。")
    expect(members.locator("#missing")).to_have_text(
        "还需加入3名专家，才能达到本批次最少专家人数。")
    proposed = members.locator(".candidate.proposed")
    expect(proposed).to_have_count(3)
    expect(proposed.locator("input[type=checkbox]:checked")).to_have_count(3)
    experts = [proposed.nth(i).get_attribute("data-expert") for i in range(3)]
    # The least loaded: expert1..3 sit on the demo's open panels; expert4..6 (宜州区) give no
    # warning on a 金城江区 project.
    assert experts == ["expert4", "expert5", "expert6"]
    page.screenshot(path=str(folder / "01-proposal.png"), full_page=True)
    members.get_by_role("button", name="加入所选专家").click()
    expect(page.locator(".messages .msg-success")).to_have_text("已加入3名专家，共3项指派。")
    expect(page.locator("#members tbody tr")).to_have_count(3)
    expect(page.locator("#members")).to_contain_text(f"{project.code}：未声明")
    page.screenshot(path=str(folder / "01b-panel-members.png"), full_page=True)
    page.locator("#projects").get_by_role("link", name=project.name).click()
    expect(page.locator("#panel-link")).to_be_visible()
    start = page.locator("#action-start_expert_review")
    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    start.get_by_label("评分截止日期(必填)").fill(deadline)
    start.get_by_role("button", name="提交专家评审").click()
    expect(page.locator(".messages .msg-success")).to_have_text("已完成：提交专家评审")
    expect(page.locator("#project-state")).to_have_text("专家评审")
    page.screenshot(path=str(folder / "02-expert-review.png"), full_page=True)
    logout(page)

    for n, (username, points) in enumerate(zip(experts, SCORES, strict=True), start=1):
        login(page, live_server, username)
        page.goto(url)
        page.get_by_label("与本项目无利益冲突").check()
        page.get_by_role("button", name="提交声明").click()
        page.get_by_role("link", name="填写评分表").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"评分表：{project.name}")
        for label, value in zip(CRITERIA, points, strict=True):
            page.get_by_label(label, exact=True).fill(value)
        page.get_by_label("意见1（新增）").fill(f"专家{n}：请补充基准年数据来源。")
        page.get_by_label("我确认提交：提交后不能再修改，如需修改须由市生态环境局退回。").check()
        page.get_by_role("button", name="提交评分表").click()
        expect(page.locator("#sheet-status")).to_contain_text("已提交")
        page.screenshot(path=str(folder / f"{2 + n:02d}-sheet-{username}.png"), full_page=True)
        logout(page)

    login(page, live_server, "eco_admin")
    page.goto(url)
    page.get_by_role("link", name="查看评分结果").click()
    expect(page.locator("#mean")).to_have_text("85.50")
    expect(page.locator("#sheets-count")).to_have_text("3/3")
    for n in (1, 2, 3):
        expect(page.locator("#opinions")).to_contain_text(f"专家{n}：请补充基准年数据来源。")
    page.screenshot(path=str(folder / "06-results.png"), full_page=True)

    page.get_by_role("button", name="结束评分").click()
    expect(page.locator(".messages .msg-success")).to_have_text("评分已结束。")
    expect(page.locator("#closed")).to_contain_text("评分已结束")
    page.screenshot(path=str(folder / "07-closed.png"), full_page=True)

    page.goto(url)
    card = page.locator("#action-select")
    opinions = [f"专家{n}：请补充基准年数据来源。" for n in (1, 2, 3)]
    assert sorted(card.locator(f"#id_select_text_{n}").input_value() for n in (1, 2, 3)) \
        == opinions
    card.locator("#id_select_text_1").fill("请补充基准年能源消费数据的统计来源。")
    card.locator("#id_select_text_2").fill("分年度减排目标应与投资安排对应。")
    card.locator("#id_select_text_3").fill("")  # taken out of the compiled list
    page.screenshot(path=str(folder / "08-compiling.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="确定入选").click()
    expect(page.locator(".messages .msg-success")).to_have_text("已完成：确定入选")
    expect(page.locator("#project-state")).to_have_text("方案完善")
    logout(page)

    login(page, live_server, project.applicant.members.get().username)
    page.goto(url)
    page.locator("#opinions").get_by_role("link", name="答复评审指导意见").click()
    expect(page.locator("#answers-state")).to_have_text("已答复 0/2")
    page.get_by_label("对意见1的答复").fill("已在项目位置中补充统计来源。")
    page.get_by_label("对意见2的答复").fill("已按投资安排调整分年度目标。")
    page.get_by_role("button", name="保存答复").click()
    expect(page.locator(".messages .msg-success")).to_have_text("答复已保存。")
    expect(page.locator("#answers-state")).to_have_text("已答复 2/2")
    page.screenshot(path=str(folder / "09-answers.png"), full_page=True)
    page.goto(f"{url}plan/")
    page.get_by_label("项目位置", exact=True).fill("河池市金城江区城北社区（补充统计来源）")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交完善方案").click()
    expect(page.locator("#project-state")).to_have_text("完善稿审核")
    page.screenshot(path=str(folder / "10-revision-submitted.png"), full_page=True)
    logout(page)

    login(page, live_server, "eco_admin")
    page.goto(url)
    page.get_by_role("link", name="查看意见答复与方案修改对比").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("意见答复与方案修改")
    expect(page.locator("#opinion-1 td")).to_have_text(
        ["请补充基准年能源消费数据的统计来源。", "已在项目位置中补充统计来源。"])
    expect(page.locator("#opinion-2 td")).to_have_text(
        ["分年度减排目标应与投资安排对应。", "已按投资安排调整分年度目标。"])
    expect(page.locator("#plan-diff .compare-count")).to_have_text(
        "两个版本共有1处不同，已用底色标出。")
    expect(page.locator("#plan-diff tr.changed td").last).to_have_text(
        "河池市金城江区城北社区（补充统计来源）")
    page.screenshot(path=str(folder / "11-revision-check.png"), full_page=True)

"""The expert scores a project in the browser and the ecology admin reads the results.
Screenshots under test-artifacts/browser/score-sheet/."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import ExpertAssignment, ScoreSheet

from .conftest import login, logout

pytestmark = pytest.mark.browser


def test_an_expert_scores_and_the_admin_reads_the_results(page, live_server, demo, artefacts):
    folder = artefacts / "score-sheet"
    folder.mkdir(exist_ok=True)
    project = demo.project_in("expert_review", category__code="campus")
    ExpertAssignment.objects.filter(project=project).update(declared_at=timezone.now())

    login(page, live_server, "expert1")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="填写评分表").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"评分表：{project.name}")
    page.screenshot(path=str(folder / "01-empty-sheet.png"), full_page=True)

    for label, value in (("特色鲜明", "25"), ("指标设置科学", "27.5"), ("有复制推广价值", "16"),
                         ("可操作性", "18")):
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("意见1（新增）").fill("光伏装机容量测算依据不足")
    page.locator("#id_opinion_path_new").select_option(index=1)
    page.get_by_role("button", name="保存并再加一条意见").click()
    expect(page.locator("#sheet-total")).to_have_text("86.50")
    page.get_by_label("意见2（新增）").fill("建议补充校园能源管理平台")
    page.screenshot(path=str(folder / "02-draft.png"), full_page=True)

    page.get_by_role("button", name="提交评分表").click()  # not confirmed yet
    expect(page.get_by_text("请勾选确认后再提交：提交后不能再修改。").first).to_be_visible()
    page.get_by_label("我确认提交：提交后不能再修改，如需修改须由市生态环境局退回。").check()
    page.get_by_role("button", name="提交评分表").click()
    expect(page.locator("#sheet-status")).to_contain_text("已提交")
    expect(page.locator("#others")).to_contain_text("其他专家尚未提交评分表。")
    page.screenshot(path=str(folder / "03-submitted.png"), full_page=True)
    sheet = ScoreSheet.objects.get(assignment__project=project, assignment__expert__username="expert1")
    assert [o.text for o in sheet.opinions.all()] == ["光伏装机容量测算依据不足", "建议补充校园能源管理平台"]
    logout(page)

    login(page, live_server, "eco_admin")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="查看评分结果").click()
    expect(page.locator("#mean")).to_have_text("86.50")
    expect(page.locator("#sheets-count")).to_have_text("1/3")
    expect(page.locator("#opinions")).to_contain_text("光伏装机容量测算依据不足")
    page.screenshot(path=str(folder / "04-results.png"), full_page=True)

    # On a phone neither page scrolls sideways (the wide tables scroll in their own box).
    page.set_viewport_size({"width": 390, "height": 844})
    for name, url in (("05-results-phone", page.url),
                      ("06-sheet-phone", f"{live_server.url}/reviews/assignments/"
                                         f"{sheet.assignment_id}/sheet/")):
        if name == "06-sheet-phone":
            logout(page)
            login(page, live_server, "expert1")
        page.goto(url)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        assert page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0

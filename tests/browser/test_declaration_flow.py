"""An assigned expert declares in the browser: first a refused declaration keeps what was
typed, then no conflict opens the plan. Screenshots under test-artifacts/browser/declaration/."""
import pytest
from playwright.sync_api import expect

from reviews.models import ExpertAssignment
from reviews.services import assign_expert

from .conftest import login

pytestmark = pytest.mark.browser


def test_an_expert_declares_before_it_reads_the_plan(page, live_server, demo, artefacts):
    folder = artefacts / "declaration"
    folder.mkdir(exist_ok=True)
    project = demo.project_in("city_review")
    expert = demo.user("expert4")
    assign_expert(project, demo.user("city_ecology"), expert)

    login(page, live_server, "expert4")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    expect(page.locator("#restricted")).to_have_text("请先声明与本项目无利益冲突。")
    expect(page.locator("#plan")).to_have_count(0)
    page.screenshot(path=str(folder / "01-before.png"), full_page=True)

    page.get_by_label("与本项目存在利益冲突(将退出专家组)").check()
    page.get_by_label("冲突说明(存在冲突时必填)").fill("曾为其提供咨询。")
    page.get_by_role("button", name="提交声明").click()
    expect(page.locator("#declaration .field-error")).to_have_text("请选择利益冲突类型。")
    expect(page.get_by_label("冲突说明(存在冲突时必填)")).to_have_value("曾为其提供咨询。")
    page.screenshot(path=str(folder / "02-refused.png"), full_page=True)

    page.get_by_label("与本项目无利益冲突").check()
    page.get_by_role("button", name="提交声明").click()
    expect(page.get_by_text("已声明无利益冲突，现在可以查看创建方案和附件。")).to_be_visible()
    expect(page.locator("#plan")).to_be_visible()
    expect(page.locator("#declaration")).to_have_count(0)
    page.screenshot(path=str(folder / "03-declared.png"), full_page=True)
    assert ExpertAssignment.objects.get(project=project, expert=expert).declared is True

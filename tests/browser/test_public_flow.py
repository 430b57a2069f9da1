"""The public side in the browser (issue 8): a member of the public, not logged in, finds the
project under publicity, files an objection and gets a receipt; the ecology admin decides
it not upheld; the member reads the decision with the receipt; once the period is over
the admin confirms the project and it appears in the public directory.

Screenshots of each public page at desktop (1280) and phone (390) width, in Chinese and
in English, under /tmp/shots/public/.
"""
import datetime
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from pilots.models import Project
from publicity.models import Objection, ObjectionStatus

from .conftest import PAGE_TIMEOUT_MS, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/public")
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
GROUNDS = "该项目公示的基准年碳排放总量与园区统计公报数据不一致，请核实。"
REASON = "经核实，公示数据与园区能源统计台账一致，统计公报口径不同，异议不成立。"


def _gallery(browser, live_server, pages, prefix):
    """Each (name, path) at both sizes in both languages, as a visitor (no login)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for language in ("zh-hans", "en"):
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, locale="zh-CN",
                                          timezone_id="Asia/Shanghai",
                                          is_mobile=size == "phone", has_touch=size == "phone")
            context.add_cookies([{"name": "django_language", "value": language,
                                  "url": live_server.url}])
            page = context.new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            for name, path in pages:
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, (name, response.status)
                expect(page.locator("html")).to_have_attribute("lang", language)
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0, (name, size, language, overflow)
                page.screenshot(path=str(SHOTS / f"{prefix}-{name}-{size}-{language}.png"),
                                full_page=True)
            context.close()


def test_a_visitor_objects_the_admin_decides_and_confirms(browser, page: Page, live_server, demo):
    cache.clear()  # the cache outlives the flushed database of an earlier test
    project = Project.objects.get(state="publicity")  # the demo's one under publicity
    code = project.code
    confirmed = Project.objects.filter(state="construction").order_by("code").first()
    _gallery(browser, live_server, [
        ("home", "/"), ("publicity", "/publicity/"), ("directory", "/pilots/"),
        ("pilot-under-publicity", f"/pilots/{code}/"),
        ("pilot-confirmed", f"/pilots/{confirmed.code}/"),
    ], "1")

    # A member of the public, not logged in, finds the project from the home page.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("河池市近零碳排放区试点")
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="公示").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("公示")
    row = page.locator(f'#under-publicity tr[data-code="{code}"]')
    expect(row).to_contain_text(project.applicant.name)
    row.get_by_role("link", name=project.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(project.name)
    expect(page.locator("#stage")).to_have_text("公示")

    # The objection: a wrong contact is refused at its field, what was typed stays.
    form = page.locator("#objection")
    form.get_by_label("姓名或单位名称").fill("李四")
    form.get_by_label("联系方式(手机号码、固定电话或电子邮箱)").fill("不知道")
    form.get_by_label("异议内容及理由").fill(GROUNDS)
    form.get_by_role("button", name="提交异议").click()
    expect(page.locator("#objection .field-error")).to_have_text(
        "联系方式应为手机号码、固定电话(如0778-2200000)或电子邮箱。")
    expect(form.get_by_label("异议内容及理由")).to_have_value(GROUNDS)
    assert Objection.objects.count() == 0
    form.get_by_label("联系方式(手机号码、固定电话或电子邮箱)").fill("13907781234")
    form.get_by_role("button", name="提交异议").click()

    objection = Objection.objects.get()
    expect(page).to_have_url(f"{live_server.url}/objections/{objection.receipt}/")
    expect(page.locator(".msg-success")).to_have_text(
        f"异议已提交。回执号：{objection.receipt}。请妥善保存回执号，凭它查询处理结果。")
    expect(page.locator("#receipt")).to_have_text(objection.receipt)
    expect(page.locator("#status")).to_have_text("待处理")
    expect(page.locator("main")).not_to_contain_text("13907781234")
    receipt = page.locator("#receipt").inner_text()

    # The ecology admin decides it not upheld on publicity's page.
    login(page, live_server, "eco_admin")
    page.goto(f"{live_server.url}/programme/objections/")
    row = page.locator("#objections tr", has_text="李四")
    expect(row).to_contain_text("13907781234")
    row.get_by_role("link", name="调查处理").click()
    page.get_by_label("异议不成立").check()
    page.get_by_label("调查核实情况").fill("调取园区能源统计台账核对，数据一致。")
    page.get_by_label("处理意见及理由（异议人可见）").fill(REASON)
    page.get_by_role("button", name="记录处理结果").click()
    expect(page.locator(".msg-success")).to_have_text("已记录处理结果。")
    logout(page)
    assert Objection.objects.get().status == ObjectionStatus.NOT_UPHELD

    # The member reads the decision with its receipt.
    page.goto(f"{live_server.url}/objections/{receipt}/")
    expect(page.locator("#status")).to_have_text("异议不成立")
    expect(page.locator("#decision-reason")).to_have_text(REASON)
    expect(page.locator("main")).not_to_contain_text("调取园区能源统计台账")
    _gallery(browser, live_server, [("objection-status", f"/objections/{receipt}/")], "2")

    # The period ends (as a clock would move it): the form closes.
    period = project.publicity_periods.get()
    today = timezone.localdate()
    period.starts_on, period.ends_on = today - datetime.timedelta(days=9), today - datetime.timedelta(days=1)
    period.save()
    page.goto(f"{live_server.url}/pilots/{code}/")
    expect(page.locator("#objections-closed")).to_have_text("公示期已结束，不再受理异议。")
    expect(page.locator("#objection")).to_have_count(0)

    # The admin confirms it in bulk; it appears in the public directory.
    login(page, live_server, "eco_admin")
    page.goto(f"{live_server.url}/programme/publicity/confirm/")
    expect(page.locator("#ready")).to_contain_text(code)
    page.get_by_role("button", name="确定为试点项目").click()
    expect(page.locator(".msg-success")).to_have_text("已确定1个试点项目。")
    logout(page)

    page.goto(f"{live_server.url}/pilots/?county={project.county.code}&category={project.category.code}")
    row = page.locator(f'#pilots tr[data-code="{code}"]')
    expect(row).to_contain_text("建设实施")
    row.get_by_role("link", name=project.name).click()
    expect(page.locator("#stage")).to_have_text("建设实施")
    expect(page.locator("#publicity")).to_contain_text(f"{period.ends_on:%Y-%m-%d}")
    page.goto(f"{live_server.url}/publicity/")
    expect(page.locator("main")).to_contain_text("目前没有正在公示的项目。")
    _gallery(browser, live_server, [("directory-after", f"/pilots/?county={project.county.code}"),
                                    ("pilot-after", f"/pilots/{code}/")], "3")
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{16}", receipt)

"""The annual disclosure in the browser (issue 9): the builder prepares a year's disclosure
from its activity data and submits it; the county ecology bureau checks it and publishes
it; a visitor finds it on the pilot's public page with the yearly series as charts beside
their tables, and in the open data.

Screenshots of the builder's and the county's year page, the project page's card and the
public page, at desktop (1280) and phone (390) width, in Chinese and in English, under
/tmp/shots/disclosure/.
"""
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from disclosure.models import Disclosure, DisclosureState
from pilots.models import User
from tests.conftest import DEMO_PASSWORD
from tests.disclosure_helpers import (
    BASE_YEAR,
    MEASURES,
    NARRATIVE,
    TOTAL,
    Y1,
    disclosing_pilot,
    publish_year,
)

from .conftest import PAGE_TIMEOUT_MS, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/disclosure")
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _gallery(browser, live_server, pages, prefix, *, username=None):
    """Each (name, path) at both sizes in both languages, as ``username`` (or a visitor)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for language in ("zh-hans", "en"):
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, locale="zh-CN",
                                          timezone_id="Asia/Shanghai",
                                          is_mobile=size == "phone", has_touch=size == "phone")
            page = context.new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            if username:
                login(page, live_server, username)
            context.add_cookies([{"name": "django_language", "value": language,
                                  "url": live_server.url}])
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


def test_prepare_check_publish_and_read_it_in_public(browser, page: Page, live_server, demo):
    cache.clear()  # the cache outlives the flushed database of an earlier test
    project, builder = disclosing_pilot("dis_walk", name="宜州区示范学校近零碳校园(披露)")
    builder.set_password(DEMO_PASSWORD)
    builder.save(update_fields=["password"])
    county = User.objects.get(username="yizhou_ecology")
    publish_year(project, builder, county, BASE_YEAR)  # the year before, already public

    # The builder opens its project, finds the card and prepares the year.
    login(page, live_server, "dis_walk")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    card = page.locator("#disclosures")
    expect(card.locator(f'tr[data-year="{BASE_YEAR}"]')).to_contain_text("已公开")
    card.locator(f'#disclosure-add a[data-year="{Y1}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{Y1}年度碳排放信息披露")
    expect(page.locator("#disclosure-state")).to_have_text("尚未编制")
    expect(page.locator('#summary tr[data-figure="total"] td')).to_have_text("3595.96")
    form = page.locator("#disclosure-form")
    form.get_by_label("本年度采取的措施").fill(MEASURES)
    form.get_by_role("button", name="提交属地生态环境部门审核").click()
    expect(page.locator(".msg-error")).to_have_text("披露内容不完整，未提交。")
    expect(page.locator("#disclosure-form .field-error")).to_have_text("请填写情况说明。")
    expect(form.get_by_label("本年度采取的措施")).to_have_value(MEASURES)
    form.get_by_label("情况说明").fill(NARRATIVE)
    form.get_by_role("button", name="提交属地生态环境部门审核").click()
    expect(page.locator(".msg-success")).to_have_text("已提交属地生态环境部门审核。")
    expect(page.locator("#disclosure-state")).to_contain_text("属地生态环境部门审核")
    expect(page.locator("#disclosure-form")).to_have_count(0)
    logout(page)
    disclosure = Disclosure.objects.get(project=project, year=Y1)
    assert disclosure.state == DisclosureState.COUNTY_CHECK

    # The county ecology bureau checks it from the project page and publishes it.
    _gallery(browser, live_server, [("project-card", f"/projects/{project.pk}/"),
                                    ("year-in-check", f"/projects/{project.pk}/disclosures/{Y1}/")],
             "1", username="yizhou_ecology")
    login(page, live_server, "yizhou_ecology")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.locator(f'#disclosures tr[data-year="{Y1}"]').get_by_role("link", name="审核").click()
    expect(page.locator("#shown-narrative")).to_have_text(NARRATIVE)
    page.locator("#action-publish").get_by_role("button", name="公开").click()
    expect(page.locator(".msg-success")).to_have_text(f"{Y1}年碳排放信息披露已公开。")
    expect(page.locator("#disclosure-state")).to_contain_text("已公开")
    logout(page)
    disclosure.refresh_from_db()
    assert disclosure.state == DisclosureState.PUBLISHED

    # A visitor reads it on the pilot's public page: the charts, their tables, the factors.
    page.goto(f"{live_server.url}/pilots/{project.code}/")
    section = page.locator("#disclosures")
    expect(section.locator("svg.series-chart")).to_have_count(2)
    total = section.locator('table.series-table[data-indicator="total"]')
    expect(total.locator(f'tr[data-year="{Y1}"]')).to_contain_text("3595.95836")
    expect(total.locator(f'tr[data-year="{Y1}"]')).to_contain_text("4104")
    expect(section.locator("#series-total svg rect[data-year]")).to_have_count(2)
    expect(section.locator(f"#disclosure-{Y1}")).to_contain_text(MEASURES)
    expect(section.locator(f'#y{Y1}-v1-factors tr[data-factor="grid_electricity"]')).to_contain_text(
        "0.4042")
    pdf = page.request.get(f"{live_server.url}/pilots/{project.code}/disclosures/{Y1}.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    # … and in the open data.
    data = page.request.get(f"{live_server.url}/api/public/disclosures/?year={Y1}").json()
    assert [(r["project"], r["year"], r["total_t"]) for r in data["results"]] == [
        (project.code, Y1, TOTAL[Y1])]

    _gallery(browser, live_server, [("pilot-public", f"/pilots/{project.code}/")], "2")
    _gallery(browser, live_server, [("year-published", f"/projects/{project.pk}/disclosures/{Y1}/"),
                                    ("year-new", f"/projects/{project.pk}/disclosures/{Y1 + 1}/")],
             "3", username="dis_walk")

"""Every page this groundwork added or reshaped, opened as its users would: at desktop and
phone size, in Chinese and in English. Each is saved under test-artifacts/browser/gallery/
for a reviewer to look at, and none may scroll sideways on a phone or show the other
language's headings."""
import re

import pytest
from django.db.models import Count
from playwright.sync_api import Page, expect

from disclosure.activity import allowed_years
from pilots.choices import State
from pilots.models import Batch, Category, KeyPark, Project
from reviews.models import ExpertProfile, Panel

from .conftest import PAGE_TIMEOUT_MS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
HAN = re.compile(r"[\u4e00-\u9fff]")


def _pages():
    """(name, who, path, heading in zh, heading in en) for each page of the gallery."""
    review = Project.objects.filter(state=State.CITY_REVIEW).order_by("pk").first()
    draft = Project.objects.filter(state=State.DRAFT, applicant__members__username="app_park_yizhou").first()
    revised = Project.objects.filter(state=State.REVISION_CHECK).first()
    batch = Batch.objects.order_by("-year").first()
    park = KeyPark.objects.order_by("pk").first()
    campus = Category.objects.get(code="campus")
    profile = ExpertProfile.objects.order_by("pk").first()
    # The open panel with the fewest members: its page shows the proposal too.
    panel = (Panel.objects.filter(closed_at__isnull=True).annotate(n=Count("assignments"))
             .order_by("n", "pk").first())
    building = Project.objects.filter(state=State.CONSTRUCTION).order_by("pk").first()
    builder = building.applicant.members.order_by("pk").first().username
    activity_year = allowed_years(building)[-1]
    return [
        ("project-city-review", "eco_admin", f"/projects/{review.pk}/", review.name, review.name),
        ("plan-editor-park", "app_park_yizhou", f"/projects/{draft.pk}/plan/",
         "编辑创建方案", "Edit creation plan"),
        ("version-compare", "eco_admin", f"/projects/{revised.pk}/versions/compare/",
         None, None),
        ("programme-batches", "eco_admin", "/programme/", None, None),
        ("programme-batch-edit", "eco_admin", f"/programme/batches/{batch.pk}/", None, None),
        ("programme-categories", "eco_admin", "/programme/categories/", None, None),
        ("programme-category-edit", "eco_admin", f"/programme/categories/{campus.pk}/", None, None),
        ("programme-conditions", "eco_admin", "/programme/conditions/", None, None),
        ("programme-parks", "eco_admin", "/programme/parks/", None, None),
        ("programme-park-edit", "eco_admin", f"/programme/parks/{park.pk}/", None, None),
        ("expert-pool", "eco_admin", "/programme/experts/", None, None),
        ("expert-pool-new", "eco_admin", "/programme/experts/new/", None, None),
        ("expert-pool-edit", "eco_admin", f"/programme/experts/{profile.pk}/", None, None),
        ("rubrics", "eco_admin", "/programme/rubrics/", None, None),
        ("rubric-edit", "eco_admin", f"/programme/rubrics/{batch.pk}/campus/selection/",
         None, None),
        ("panels", "eco_admin", "/reviews/panels/", "专家组", None),
        ("panel", "eco_admin", f"/reviews/panels/{panel.pk}/", None, None),
        ("calendar-years", "eco_admin", "/programme/calendar/", None, None),
        ("calendar-2026", "eco_admin", "/programme/calendar/2026/", None, None),
        ("calendar-new", "eco_admin", "/programme/calendar/new/", None, None),
        ("publicity-start", "eco_admin", "/programme/publicity/start/", None, None),
        ("publicity-confirm", "eco_admin", "/programme/publicity/confirm/", None, None),
        ("objections", "eco_admin", "/programme/objections/", None, None),
        ("factors", "eco_admin", "/programme/factors/", None, None),
        ("carbon-overview", "eco_admin", "/disclosure/overview/", None, None),
        ("activity-year", builder, f"/projects/{building.pk}/activity/{activity_year}/",
         None, None),
        ("not-found", "eco_admin", "/projects/999999/", None, None),
        ("method-not-allowed", "eco_admin", f"/projects/{review.pk}/transitions/city_return/",
         None, None),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_new_pages_at_desktop_and_phone_size(browser, live_server, demo, artefacts, language):
    folder = artefacts / "gallery"
    folder.mkdir(exist_ok=True)
    for size, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport, locale="zh-CN",
                                      timezone_id="Asia/Shanghai",
                                      is_mobile=size == "phone", has_touch=size == "phone")
        page: Page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        who = None
        for name, username, path, heading_zh, heading_en in _pages():
            if username != who:
                context.clear_cookies()
                login(page, live_server, username)
                context.add_cookies([{"name": "django_language", "value": language,
                                      "url": live_server.url}])
                who = username
            page.goto(f"{live_server.url}{path}")
            heading = heading_zh if language == "zh-hans" else heading_en
            if heading:
                expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            if language == "en":
                # The portal's own headings, column heads and buttons speak English (names
                # of people and projects, which are data, are not in these).
                for text in page.locator("main h2, main th, main button").all_inner_texts():
                    assert not HAN.search(text), (name, text)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (name, size, overflow)
            page.screenshot(path=str(folder / f"{name}-{size}-{language}.png"), full_page=True)
        context.close()


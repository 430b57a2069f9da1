"""Browser tests: real headless Chromium (Debian's) driven by Playwright against ``live_server``.

The screenshots and downloads of a run are kept under ``test-artifacts/browser/`` for a
reviewer to look at.
"""
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD

# Playwright's sync API runs an event loop in the test's thread; Django would then refuse
# every ORM call the test (or its fixtures) makes there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = REPO_ROOT / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
PAGE_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Browse as the portal's users do: a Chinese browser in China's time zone.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    expect.set_options(timeout=PAGE_TIMEOUT_MS)  # assertions wait as long as actions
    return page


@pytest.fixture
def artefacts() -> Path:
    """The folder for screenshots and downloads (git-ignored)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture
def shot(artefacts):
    """``shot(page, name)``: a full-page PNG named ``NN-name.png``, numbered in call order.

    Numbered screenshots of an earlier run are removed first, so the folder shows one story.
    """
    for old in artefacts.glob("[0-9][0-9]-*.png"):
        old.unlink()
    taken = []

    def _shot(page: Page, name: str) -> Path:
        taken.append(name)
        path = artefacts / f"{len(taken):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


def login(page: Page, live_server, username: str) -> None:
    """Sign ``username`` in through the real login page; lands on the work queue."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")

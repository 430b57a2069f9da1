"""The portal's own error pages, in Chinese, in production and under DEBUG (make run) alike;
JSON for every answer under /api/; and the favicon.

This module is also the URLconf of the tests that need a view that fails.
"""
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.exceptions import BadRequest, SuspiciousOperation, ValidationError
from django.test import Client, RequestFactory
from django.urls import path

from hechi_nzc import errors
from hechi_nzc import urls as portal_urls
from pilots.choices import State

ROOT = Path(__file__).resolve().parent.parent
SITE = "河池市近零碳排放区试点管理平台"


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [*portal_urls.urlpatterns, path("boom/", _boom), path("api/boom/", _boom)]
handler400, handler403 = portal_urls.handler400, portal_urls.handler403
handler404, handler500 = portal_urls.handler404, portal_urls.handler500


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    """Every page test runs as in production (DEBUG off) and as under `make run` (on)."""
    settings.DEBUG = request.param
    return request.param


def _portal_page(response, status, heading):
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert f'<span>{SITE}</span>' in page  # the portal's header: base.html, not a bare page
    return page


# --- 405 ------------------------------------------------------------------------------

def test_opening_a_transition_address_shows_the_405_page(demo, client, debug):
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_yizhou"))

    response = client.get(f"/projects/{project.pk}/transitions/submit/")

    page = _portal_page(response, 405, "不支持的请求方式")
    assert "此地址不接受GET请求。" in page
    assert "操作请通过页面上的按钮提交，不能直接打开其地址。" in page
    assert response["Allow"] == "POST"
    assert response["X-Frame-Options"] == "DENY"  # still behind the other middleware
    project.refresh_from_db()
    assert project.state == State.DRAFT


def test_the_api_answers_405_in_json(demo, api, debug):
    project = demo.draft("app_campus_yizhou")
    api.force_authenticate(demo.user("app_campus_yizhou"))

    response = api.get(f"/api/projects/{project.pk}/transitions/submit/")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["detail"]


# --- 404 ------------------------------------------------------------------------------

def test_an_unknown_address_shows_the_404_page(demo, client, debug):
    client.force_login(demo.user("eco_admin"))

    page = _portal_page(client.get("/no-such-page/"), 404, "页面不存在")

    assert "您访问的页面不存在，或您无权查看。" in page
    # Rendered with the request: the header knows who is logged in.
    assert f'<span class="who">{demo.user("eco_admin")}' in page


def test_a_project_one_may_not_see_shows_the_404_page(demo, client, debug):
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_jinchengjiang"))

    _portal_page(client.get(f"/projects/{project.pk}/"), 404, "页面不存在")


def test_a_missing_slash_still_redirects(demo, client, debug):
    client.force_login(demo.user("eco_admin"))

    response = client.get("/projects")

    assert (response.status_code, response["Location"]) == (301, "/projects/")


def test_an_unknown_api_address_is_json(demo, api, debug):
    api.force_authenticate(demo.user("eco_admin"))

    response = api.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}


# --- 403 ------------------------------------------------------------------------------

def test_a_refused_page_shows_the_403_page_with_the_reason(demo, client, debug):
    client.force_login(demo.user("app_campus_yizhou"))

    page = _portal_page(client.get("/county/summary/"), 403, "无权访问")

    assert "只有属地生态环境部门和市生态环境局可以查看申报汇总。" in page


def test_a_form_from_a_stale_page_gets_the_403_page_in_chinese(demo, debug):
    project = demo.draft("app_campus_yizhou")
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.user("app_campus_yizhou"))

    response = client.post(f"/projects/{project.pk}/transitions/submit/")

    page = _portal_page(response, 403, "无权访问")
    assert "页面已过期或来源无法验证，请刷新页面后重新提交。" in page
    project.refresh_from_db()
    assert project.state == State.DRAFT


# --- 400 ------------------------------------------------------------------------------

def test_a_malformed_form_body_shows_the_400_page(demo, client, debug):
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_yizhou"))

    response = client.generic("POST", f"/projects/{project.pk}/transitions/withdraw/",
                              b"--x\r\nnot a part", content_type="multipart/form-data")

    page = _portal_page(response, 400, "请求无效")
    assert "无法处理您提交的内容，请检查后重试。" in page
    project.refresh_from_db()
    assert project.state == State.DRAFT


def test_too_many_form_fields_show_the_400_page(demo, client, debug, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_yizhou"))

    response = client.post(f"/projects/{project.pk}/transitions/withdraw/",
                           {f"f{i}": "x" for i in range(6)})

    _portal_page(response, 400, "请求无效")
    project.refresh_from_db()
    assert project.state == State.DRAFT


# --- 500 ------------------------------------------------------------------------------

@pytest.mark.urls(__name__)
def test_a_failing_page_shows_the_500_page_in_production(demo, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(demo.user("eco_admin"))

    page = _portal_page(client.get("/boom/"), 500, "服务器暂时无法处理您的请求")

    assert "请稍后重试。如问题持续，请联系河池市生态环境局。" in page
    assert "a bug" not in page


@pytest.mark.urls(__name__)
def test_a_failing_page_keeps_the_traceback_under_debug(demo, settings):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(demo.user("eco_admin"))

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "RuntimeError" in response.content.decode()  # Django's technical page, for the developer


@pytest.mark.urls(__name__)
def test_a_failing_api_call_is_json_even_under_debug(demo, debug):
    client = Client(raise_request_exception=False)
    client.force_login(demo.user("eco_admin"))

    response = client.get("/api/boom/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "服务器内部错误。"}


def test_the_500_page_renders_without_the_request_or_the_database():
    # No db fixture: pytest-django makes any query here fail the test.
    response = errors.server_error(RequestFactory().get("/projects/"))

    page = _portal_page(response, 500, "服务器暂时无法处理您的请求")
    assert 'href="/"' in page


def test_the_500_page_falls_back_to_plain_html_when_its_template_fails(settings, tmp_path):
    (tmp_path / "500.html").write_text("{% url 'no-such-name' %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]

    response = errors.server_error(RequestFactory().get("/projects/"))

    assert response.status_code == 500
    assert "<h1>服务器暂时无法处理您的请求</h1>" in response.content.decode()


# --- The API's exception handler --------------------------------------------------------

def test_a_validation_error_from_a_service_is_a_400_in_json():
    response = errors.api_exception_handler(ValidationError({"reason": ["请填写理由。"]}), {})

    assert (response.status_code, response.data) == (400, {"reason": ["请填写理由。"]})


@pytest.mark.parametrize("exception", [BadRequest("Invalid header"),
                                       SuspiciousOperation("Invalid HTTP_HOST header")])
def test_a_bad_request_in_an_api_view_is_a_400_in_json_without_djangos_words(exception):
    # Input refused at the boundary (errors.RefusedInput) never reaches DRF: the
    # middleware answers it before any view runs.
    refused = errors.api_exception_handler(exception, {})

    assert (refused.status_code, refused.data) == (400, {"detail": "请求无效。"})


# --- The favicon --------------------------------------------------------------------------

def test_the_favicon_is_served_at_the_address_browsers_try(client, debug):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = response.content
    assert body == (ROOT / "static" / "favicon.ico").read_bytes()
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert int.from_bytes(body[4:6], "little") == 3  # 16, 32 and 48 px
    assert "max-age=604800" in response["Cache-Control"]


def test_pages_link_the_vendored_icons(demo, client):
    client.force_login(demo.user("eco_admin"))

    page = client.get("/").content.decode()

    assert '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">' in page
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    svg = ElementTree.parse(ROOT / "static" / "favicon.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert "http" not in (ROOT / "static" / "favicon.svg").read_text().replace(
        "http://www.w3.org/2000/svg", "")


def test_the_api_answers_json_even_to_a_browser(demo, client):
    client.force_login(demo.user("eco_admin"))
    response = client.get("/api/projects/999999/", HTTP_ACCEPT="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": response.json()["detail"]}

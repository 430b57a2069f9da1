"""Bad input at the edge of the portal: a 400 with a message in Chinese, never a 500, nothing changed.

PostgreSQL refuses a NUL byte in any text it is asked to store or compare, so before the
boundary check each of these inputs was a 500 there (and silently stored on SQLite). Run
this file on both databases.
"""
import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from pilots import services
from pilots.choices import State
from pilots.inputs import parse_id, parse_ids
from pilots.models import Attachment, AuditEntry
from pilots.net import client_ip

ROOT = Path(__file__).resolve().parent.parent
OWNER = "app_campus_yizhou"
REFUSED = "您提交的内容含有不允许的控制字符(如空字符)，请删除后重试。"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def submitted(demo):
    """A campus application of 宜州区 in county review."""
    return services.fire(demo.draft(OWNER), "submit", demo.user(OWNER))


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _assert_refused_page(response):
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<h1>请求无效</h1>" in page
    assert REFUSED in page
    assert "河池市近零碳排放区试点管理平台" in page  # the portal's own page, not a bare one


def _assert_refused_json(response):
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": REFUSED}


# --- The list filters and the search box --------------------------------------------

@pytest.mark.parametrize("query", [
    "q=%00", "q=%E5%AE%9C%00", "state=%00", "category=campus%00", "county=%00yizhou",
    "page=%00", "q=tab%09and%0Anewline%1F",
])
def test_a_control_character_in_the_project_list_filters_is_refused(demo, client, query):
    client.force_login(demo.user("eco_admin"))

    _assert_refused_page(client.get(f"/projects/?{query}"))


@pytest.mark.parametrize("query", ["category=%00", "state=%00"])
def test_a_control_character_in_the_county_summary_filters_is_refused(demo, client, query):
    client.force_login(demo.user("yizhou_ecology"))

    _assert_refused_page(client.get(f"/county/summary/?{query}"))


def test_tab_cr_and_lf_are_ordinary_characters_in_a_search(demo, client):
    client.force_login(demo.user("eco_admin"))

    response = client.get("/projects/?q=%09%E5%AE%9C%E5%B7%9E%0D%0A")

    assert response.status_code == 200
    assert response.context["filters"]["q"] == "宜州"


@pytest.mark.parametrize("param", ["state", "category", "county"])
def test_a_control_character_in_the_api_list_filters_is_refused_in_json(demo, api, param):
    api.force_authenticate(demo.user("eco_admin"))

    _assert_refused_json(api.get(f"/api/projects/?{param}=x%00"))


def test_a_control_character_in_a_query_parameter_name_is_refused(demo, api):
    api.force_authenticate(demo.user("eco_admin"))

    _assert_refused_json(api.get("/api/projects/?sta%00te=draft"))


# --- Form fields ----------------------------------------------------------------------

def test_a_transition_reason_with_a_nul_is_refused_and_the_project_stays(demo, client, submitted):
    client.force_login(demo.user("yizhou_education"))

    response = client.post(f"/projects/{submitted.pk}/transitions/county_return/",
                           {"reason": "材料不全\x00请补充"})

    _assert_refused_page(response)
    submitted.refresh_from_db()
    assert submitted.state == State.COUNTY_REVIEW
    assert list(AuditEntry.objects.filter(project=submitted).values_list("transition", flat=True)) == ["submit"]


def test_a_consultant_username_with_a_nul_is_refused(demo, client):
    project = demo.draft(OWNER)
    client.force_login(demo.user(OWNER))

    response = client.post(f"/projects/{project.pk}/consultants/", {"username": "consult\x00ant1"})

    _assert_refused_page(response)
    assert not demo.user("consultant1").has_perm("pilots.view_project", project)


def test_an_attachment_description_with_a_nul_is_refused_and_nothing_is_stored(demo, client):
    project = demo.draft(OWNER)
    client.force_login(demo.user(OWNER))

    response = client.post(f"/projects/{project.pk}/attachments/",
                           {"file": SimpleUploadedFile("边界图.pdf", PDF), "description": "边界\x00图"})

    _assert_refused_page(response)
    assert Attachment.objects.filter(project=project).count() == 0


def test_a_plan_field_with_a_control_character_is_refused(demo, client):
    project = demo.draft(OWNER)
    client.force_login(demo.user(OWNER))
    plan_before = project.plan

    response = client.post(f"/projects/{project.pk}/plan/", {"boundary": "东至\x07城西路", "action": "save"})

    _assert_refused_page(response)
    project.refresh_from_db()
    assert project.plan == plan_before


def test_a_nul_in_an_api_transition_reason_is_a_400_naming_the_field(demo, api, submitted):
    api.force_authenticate(demo.user("yizhou_education"))

    response = api.post(f"/api/projects/{submitted.pk}/transitions/county_return/",
                        data=json.dumps({"reason": "a\u0000b"}), content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail", "reason"}  # the field is named
    submitted.refresh_from_db()
    assert submitted.state == State.COUNTY_REVIEW


def test_a_nul_in_an_api_form_post_is_refused_in_json(demo, api, submitted):
    api.force_authenticate(demo.user("yizhou_education"))

    response = api.post(f"/api/projects/{submitted.pk}/transitions/county_return/",
                        {"reason": "a\x00b"}, format="multipart")

    _assert_refused_json(response)
    submitted.refresh_from_db()
    assert submitted.state == State.COUNTY_REVIEW


# --- Word's line breaks --------------------------------------------------------------

WORD_REASON = "第一行\x0b第二行\x0c第三行"  # Word's manual line break (VT) and page break (FF)
AS_TYPED = "第一行\n第二行\n第三行"


def _return_through(via, client, api, project, reason):
    """county_return with ``reason``, through the page or the API in one of its formats."""
    url = f"/api/projects/{project.pk}/transitions/county_return/"
    if via == "page":
        return client.post(f"/projects/{project.pk}/transitions/county_return/", {"reason": reason})
    if via == "api-json":
        return api.post(url, {"reason": reason}, format="json")
    if via == "api-multipart":
        return api.post(url, {"reason": reason}, format="multipart")
    return api.post(url, urlencode({"reason": reason}),
                    content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize(("via", "status"), [
    ("page", 302), ("api-json", 200), ("api-multipart", 200), ("api-urlencoded", 200)])
def test_a_reason_pasted_from_word_keeps_its_line_breaks(via, status, demo, client, api, submitted):
    officer = demo.user("yizhou_education")
    client.force_login(officer)
    api.force_authenticate(officer)

    response = _return_through(via, client, api, submitted, WORD_REASON)

    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED
    assert AuditEntry.objects.get(project=submitted, transition="county_return").reason == AS_TYPED


def test_a_word_line_break_in_a_search_is_a_line_break(demo, client):
    client.force_login(demo.user("eco_admin"))

    response = client.get("/projects/?q=%0B%E5%AE%9C%E5%B7%9E%0C")

    assert response.status_code == 200
    assert response.context["filters"]["q"] == "宜州"


@pytest.mark.parametrize(("body", "answer"), [
    ({"reason": "a\x01b"}, {"detail": REFUSED, "reason": [REFUSED]}),
    ({"reason": "退回", "data": {"note": ["x", "\x1f"]}}, {"detail": REFUSED, "data": [REFUSED]}),
    ({"reason": "退回", "re\x00ason": "x"}, {"detail": REFUSED}),
])
def test_a_control_character_in_an_api_json_body_is_refused(demo, api, submitted, body, answer):
    api.force_authenticate(demo.user("yizhou_education"))

    response = api.post(f"/api/projects/{submitted.pk}/transitions/county_return/",
                        body, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == answer
    submitted.refresh_from_db()
    assert submitted.state == State.COUNTY_REVIEW


def test_malformed_json_is_left_to_the_api_to_answer(demo, api, submitted):
    api.force_authenticate(demo.user("yizhou_education"))

    response = api.post(f"/api/projects/{submitted.pk}/transitions/county_return/",
                        data=b'{"reason": "\x01', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    submitted.refresh_from_db()
    assert submitted.state == State.COUNTY_REVIEW


# --- Before the body is read -----------------------------------------------------------

def test_a_form_that_fails_its_csrf_check_is_refused_before_its_body_is_read(demo, submitted):
    client = Client(enforce_csrf_checks=True)  # an anonymous visitor, no CSRF token
    # A NUL would be a 400 if the body were parsed: the CSRF check answers first.
    response = client.post(f"/projects/{submitted.pk}/attachments/",
                           {"file": SimpleUploadedFile("边界图.pdf", PDF), "description": "\x00"})

    assert response.status_code == 403
    assert "页面已过期或来源无法验证，请刷新页面后重新提交。" in response.content.decode()
    assert Attachment.objects.filter(project=submitted).count() == 0


MB = 1024 * 1024
TOO_LARGE = ("提交的内容大小为50.0\xa0MB，超过了上传文件1\xa0MB的上限，"
             "请压缩或拆分文件后重试。")


@pytest.mark.parametrize("path", ["/projects/{pk}/attachments/", "/accounts/login/",
                                  "/no-such-page/"])
def test_a_body_over_the_upload_limit_is_refused_by_its_length_before_it_is_read(
        demo, submitted, settings, path):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    # An anonymous client declares 50 MB and sends a few bytes: reading the body would
    # fail the test client, so the answer shows that nothing read it.
    response = Client().generic("POST", path.format(pk=submitted.pk), b"x=1",
                                content_type="application/x-www-form-urlencoded",
                                CONTENT_LENGTH=str(50 * MB))

    assert response.status_code == 413
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<h1>请求无效</h1>" in page
    assert TOO_LARGE in page


def test_a_body_over_the_upload_limit_is_refused_in_json_under_the_api(demo, submitted, settings):
    settings.UPLOAD_MAX_BYTES = 1 * MB

    response = Client().generic("POST", f"/api/projects/{submitted.pk}/transitions/county_return/",
                                b"{}", content_type="application/json",
                                CONTENT_LENGTH=str(50 * MB))

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": TOO_LARGE}


def test_a_file_just_over_the_limit_still_reaches_the_form_and_its_message(
        demo, client, settings):
    settings.UPLOAD_MAX_BYTES = 1 * MB  # the request is over 1 MB but within the margin
    project = demo.draft(OWNER)
    client.force_login(demo.user(OWNER))

    response = client.post(f"/projects/{project.pk}/attachments/",
                           {"file": SimpleUploadedFile("大.pdf", b"%PDF" + b"0" * (MB + 900_000))},
                           follow=True)

    assert response.status_code == 200
    assert "文件大小为1.9\xa0MB，超过了1\xa0MB的上限。" in response.content.decode()
    assert Attachment.objects.filter(project=project).count() == 0


# --- The client address ---------------------------------------------------------------

def test_a_malformed_forwarded_for_in_production_is_ignored(demo, client, settings):
    settings.USE_X_FORWARDED_FOR = True  # as in production, behind the local proxy
    project = demo.draft(OWNER)
    client.force_login(demo.user(OWNER))

    response = client.post(f"/projects/{project.pk}/transitions/withdraw/",
                           HTTP_X_FORWARDED_FOR="<script>, 999.1.1.1")

    assert response.status_code == 302
    entry = AuditEntry.objects.get(project=project, transition="withdraw")
    assert entry.ip_address == "127.0.0.1"  # the proxy itself: nothing behind it can be read


PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]


@pytest.mark.parametrize(("use_xff", "peer", "forwarded", "expected"), [
    # Not behind a proxy: the header is whatever the client wrote.
    (False, "203.0.113.5", "6.6.6.6", "203.0.113.5"),
    (False, "127.0.0.1", "6.6.6.6", "127.0.0.1"),
    # Behind the local proxy: the address it appended, never one the client put before it.
    (True, "127.0.0.1", "203.0.113.5", "203.0.113.5"),
    (True, "127.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),
    (True, "::1", "6.6.6.6,2001:db8::7", "2001:db8::7"),
    # Through two proxies of ours.
    (True, "127.0.0.1", "6.6.6.6, 203.0.113.5, 10.1.2.3", "203.0.113.5"),
    # A peer that is no proxy of ours cannot speak for anyone else.
    (True, "198.51.100.7", "6.6.6.6", "198.51.100.7"),
    (True, "10.1.2.3", "", "10.1.2.3"),
    # Malformed hops: the walk stops at the last address that can be believed.
    (True, "127.0.0.1", "<script>", "127.0.0.1"),
    (True, "127.0.0.1", "6.6.6.6, 999.1.1.1", "127.0.0.1"),
    (True, "127.0.0.1", "6.6.6.6, unknown, 10.1.2.3", "10.1.2.3"),
    (True, "127.0.0.1", "203.0.113.5,", "127.0.0.1"),
    # Ports some proxies append, and a v4 client seen through a v6 socket.
    (True, "127.0.0.1", "203.0.113.5:4711", "203.0.113.5"),
    (True, "127.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
    (True, "::ffff:127.0.0.1", "203.0.113.5", "203.0.113.5"),
    # All trusted: the farthest proxy is the best that is known.
    (True, "127.0.0.1", "10.9.9.9", "10.9.9.9"),
])
def test_the_client_is_the_nearest_address_that_is_not_a_trusted_proxy(
        settings, use_xff, peer, forwarded, expected):
    settings.USE_X_FORWARDED_FOR = use_xff
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(p) for p in PROXIES]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_without_a_peer_address_there_is_no_client_ip(settings):
    settings.USE_X_FORWARDED_FOR = True
    request = RequestFactory().get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.5")

    assert client_ip(request) is None


def test_the_trusted_proxies_come_from_the_environment():
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HECHI_"))}
    script = "from django.conf import settings; print([str(n) for n in settings.TRUSTED_PROXIES])"

    good = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", script], cwd=ROOT,
                          env={**environment, "HECHI_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1"},
                          capture_output=True, text=True, timeout=120)
    bad = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT,
                         env={**environment, "HECHI_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"},
                         capture_output=True, text=True, timeout=120)

    assert good.stdout.strip() == "['10.0.0.0/8', '192.0.2.1/32']", good.stderr
    assert bad.returncode == 1
    assert ("HECHI_TRUSTED_PROXIES: 'proxy.local' is not an IP address or network "
            "(e.g. 10.0.0.0/8).") in bad.stderr


def test_by_default_only_a_proxy_on_the_same_host_is_trusted():
    from django.conf import settings

    assert [str(n) for n in settings.TRUSTED_PROXIES] == ["127.0.0.1/32", "::1/128"]


# --- Ids ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("1", 1), ("42", 42), ("007", 7), (42, 42), (str(2**63 - 1), 2**63 - 1),
    ("²", None), ("١٢", None), ("0", None), ("-1", None), ("+1", None), (" 1", None),
    ("1\n", None), ("1.0", None), ("", None), (None, None), ("abc", None),
    (str(2**63), None), (True, None), (0, None), (1.0, None),
])
def test_parse_id_accepts_only_plain_ascii_digits_in_range(value, expected):
    assert parse_id(value) == expected


def test_parse_ids_refuses_the_whole_list_for_one_bad_id():
    assert parse_ids(["3", "1", "3"]) == [3, 1]
    assert parse_ids(["3", "²"]) is None
    assert parse_ids([]) == []

"""The HTML pages: login, the project list, one project with its actions, language switching."""
import re

from django.utils import timezone

from pilots import services
from pilots.choices import State
from pilots.models import Batch, Category, Project
from tests import factories

PROJECT_LINK = re.compile(r'<a href="/projects/(\d+)/">([^<]*)</a>')
ACTION_FORM = re.compile(
    r'<form method="post" action="/projects/(\d+)/transitions/([a-z_]+)/"[^>]*>'
    r'.*?<button type="submit" class="(?:primary|warn)">([^<]*)</button>', re.S)


def _rows(response, table_id):
    """(pk, name) of each project linked from the table with this id."""
    html = response.content.decode()
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [(int(pk), name) for pk, name in PROJECT_LINK.findall(table)]


def _actions(response):
    """(transition, button label) of each transition form on a project page."""
    return [(name, label) for _pk, name, label in ACTION_FORM.findall(response.content.decode())]


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def _snapshot(project):
    project = Project.objects.get(pk=project.pk)
    return (project.state, project.code, project.audit_entries.count(), project.versions.count())


# --- Logging in -------------------------------------------------------------------

def test_an_anonymous_visitor_is_sent_to_the_login_page(demo, client):
    response = client.get("/projects/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/projects/"
    # "/" is the public home for a visitor (issue 8), with the way to the login page.
    assert '<a class="menu-end" href="/accounts/login/">登录</a>' in client.get("/").content.decode()


def test_the_login_page_is_in_chinese(demo, client):
    response = client.get("/accounts/login/?next=/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<h1>登录</h1>" in html
    assert '<label for="id_username">用户名</label>' in html
    assert '<label for="id_password">密码</label>' in html


def test_logging_in_with_the_demo_credentials_leads_home(demo, client):
    response = client.post("/accounts/login/",
                           {"username": "app_campus_yizhou", "password": demo.password,
                            "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_stays_on_the_login_page(demo, client):
    response = client.post("/accounts/login/",
                           {"username": "app_campus_yizhou", "password": "wrong"})

    assert response.status_code == 200
    assert response.context["user"].is_authenticated is False
    assert '<div class="form-errors">' in response.content.decode()
    assert client.get("/projects/").status_code == 302


# --- Home and the project list ------------------------------------------------------

def test_the_project_list_shows_exactly_the_applicants_projects(demo, client):
    user = demo.user("app_campus_yizhou")
    client.force_login(user)

    response = client.get("/projects/")

    assert response.status_code == 200
    own = Project.objects.filter(applicant=user.organisation).order_by("-updated_at", "-pk")
    assert len(own) == 3  # its draft, 示范09 and a demo panel's 示范19
    assert _rows(response, "projects") == [(p.pk, p.name) for p in own]
    html = response.content.decode()
    assert "金城江区第一初级中学" not in html
    assert "宜州区工业园区" not in html


def test_the_home_page_queues_the_applicants_draft(demo, client):
    user = demo.user("app_campus_yizhou")
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 200
    draft = demo.draft("app_campus_yizhou")
    # The other project stands in acceptance_check: that waits for the county, not for it.
    assert _rows(response, "queue") == [(draft.pk, draft.name)]


def test_the_project_list_of_an_officer_without_projects_says_so(demo, client):
    client.force_login(demo.user("city_industry"))
    Project.objects.filter(category__code="park").update(code=None)

    response = client.get("/projects/")

    assert response.status_code == 200
    assert 'id="projects"' not in response.content.decode()
    assert "暂无您可查看的试点项目。" in response.content.decode()


def _new_applicant():
    return factories.applicant("app_test_pages", county="nandan", organisation="南丹县第一小学")


def _create_projects(user, count):
    batch = Batch.objects.get(year=timezone.localdate().year)
    campus = Category.objects.get(code="campus")
    for i in range(count):
        services.create_project(actor=user, batch=batch, category=campus,
                                name=f"南丹县第一小学近零碳排放校园{i + 1}")


def test_the_project_list_runs_a_constant_number_of_queries(demo, client,
                                                            django_assert_num_queries):
    user = _new_applicant()
    client.force_login(user)
    client.get("/projects/")  # warm the content-type cache

    _create_projects(user, 1)
    with django_assert_num_queries(9):
        one = client.get("/projects/")
    _create_projects(user, 2)
    with django_assert_num_queries(9):
        three = client.get("/projects/")

    assert (len(_rows(one, "projects")), len(_rows(three, "projects"))) == (1, 3)


def test_the_admin_project_list_runs_a_constant_number_of_queries(demo, client,
                                                                  django_assert_num_queries):
    client.force_login(demo.user("eco_admin"))
    client.get("/projects/")
    user = _new_applicant()

    _create_projects(user, 1)
    with django_assert_num_queries(9):
        one = client.get("/projects/", {"county": "nandan"})
    _create_projects(user, 2)
    with django_assert_num_queries(9):
        three = client.get("/projects/", {"county": "nandan"})

    assert (len(_rows(one, "projects")), len(_rows(three, "projects"))) == (1, 3)


def test_the_home_page_runs_a_constant_number_of_queries(demo, client,
                                                         django_assert_num_queries):
    user = _new_applicant()
    client.force_login(user)
    client.get("/")

    _create_projects(user, 1)
    with django_assert_num_queries(7):
        one = client.get("/")
    _create_projects(user, 2)
    with django_assert_num_queries(7):
        three = client.get("/")

    assert (len(_rows(one, "queue")), len(_rows(three, "queue"))) == (1, 3)


# --- One project ----------------------------------------------------------------------

def _county_review_project(demo):
    project = demo.project_in(State.COUNTY_REVIEW)
    assert (project.category.code, project.county.code) == ("region", "jinchengjiang")
    return project


def test_the_county_officer_sees_the_review_forms(demo, client):
    project = _county_review_project(demo)
    client.force_login(demo.user("jinchengjiang_ndrc"))

    response = client.get(f"/projects/{project.pk}/")

    assert response.status_code == 200
    assert _actions(response) == [("county_forward", "审核通过并上报"),
                                  ("county_return", "退回修改")]
    html = response.content.decode()
    assert html.count('<textarea id="reason-') == 2
    assert f"<h1>{project.name}</h1>" in html


def test_the_applicant_sees_no_review_forms(demo, client):
    project = _county_review_project(demo)
    client.force_login(demo.user("app_region_jinchengjiang"))

    response = client.get(f"/projects/{project.pk}/")

    assert response.status_code == 200
    assert _actions(response) == [("withdraw", "撤回申报")]
    html = response.content.decode()
    assert "审核通过并上报" not in html
    assert "退回修改" not in html


def test_the_county_officer_forwards_through_the_form(demo, client):
    project = _county_review_project(demo)
    client.force_login(demo.user("jinchengjiang_ndrc"))

    response = client.post(f"/projects/{project.pk}/transitions/county_forward/",
                           {"reason": "方案内容完整，同意上报。"})

    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/"
    project = Project.objects.get(pk=project.pk)
    assert project.state == State.CITY_REVIEW
    entry = project.audit_entries.order_by("-pk").first()
    assert (entry.transition, entry.actor.username, entry.reason, entry.ip_address) == (
        "county_forward", "jinchengjiang_ndrc", "方案内容完整，同意上报。", "127.0.0.1")
    page = client.get(response["Location"])
    assert _messages(page) == ["已完成：审核通过并上报"]
    assert _actions(page) == []


def test_a_form_without_the_required_reason_changes_nothing(demo, client):
    project = _county_review_project(demo)
    before = _snapshot(project)
    client.force_login(demo.user("jinchengjiang_ndrc"))

    response = client.post(f"/projects/{project.pk}/transitions/county_forward/",
                           {"reason": " "}, follow=True)

    # Back on the project page (a reload does not post again), with the message, the
    # message next to the box and what was typed.
    assert response.redirect_chain == [(f"/projects/{project.pk}/#action-county_forward", 302)]
    assert response.status_code == 200
    assert _messages(response) == ["执行「审核通过并上报」必须填写理由或意见。"]
    html = response.content.decode()
    assert ('<textarea id="reason-county_forward" name="reason" rows="3" maxlength="2000" '
            'required aria-invalid="true"> </textarea>') in html
    assert '<p class="field-error">执行「审核通过并上报」必须填写理由或意见。</p>' in html
    assert _snapshot(project) == before
    # Shown once: the next visit has a clean form.
    again = client.get(f"/projects/{project.pk}/").content.decode()
    assert ('<textarea id="reason-county_forward" name="reason" rows="3" maxlength="2000" '
            'required></textarea>') in again


def test_the_applicant_may_not_post_the_county_forward(demo, client):
    project = _county_review_project(demo)
    before = _snapshot(project)
    client.force_login(demo.user("app_region_jinchengjiang"))

    response = client.post(f"/projects/{project.pk}/transitions/county_forward/",
                           {"reason": "我们自己通过。"})

    assert response.status_code == 403
    assert _snapshot(project) == before


def test_a_project_out_of_sight_is_not_found(demo, client):
    project = _county_review_project(demo)
    before = _snapshot(project)
    client.force_login(demo.user("app_campus_yizhou"))

    assert client.get(f"/projects/{project.pk}/").status_code == 404
    response = client.post(f"/projects/{project.pk}/transitions/county_forward/",
                           {"reason": "理由"})

    assert response.status_code == 404
    assert _snapshot(project) == before


def test_a_transition_url_answers_only_post(demo, client):
    project = _county_review_project(demo)
    client.force_login(demo.user("jinchengjiang_ndrc"))

    response = client.get(f"/projects/{project.pk}/transitions/county_forward/")

    assert response.status_code == 405
    assert _snapshot(project)[0] == State.COUNTY_REVIEW


# --- Language --------------------------------------------------------------------------

def test_the_portal_stays_in_chinese_whatever_the_browser_asks(demo, client):
    # A browser set to English does not switch the portal: only the language switch does.
    client.force_login(demo.user("app_campus_yizhou"))
    project = demo.draft("app_campus_yizhou")

    pages = [client.get(path, HTTP_ACCEPT_LANGUAGE="en")
             for path in ("/", "/projects/", f"/projects/{project.pk}/")]

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert ['<html lang="zh-hans">' in p.content.decode() for p in pages] == [True, True, True]


def test_the_pages_render_after_choosing_english(demo, client):
    client.force_login(demo.user("app_campus_yizhou"))

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.cookies["django_language"].value == "en"
    pages = [client.get(path) for path in ("/", "/projects/", "/accounts/login/")]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert '<html lang="en">' in pages[0].content.decode()

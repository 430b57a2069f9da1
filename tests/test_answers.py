"""The applicant's answers to the review opinions in revision: submit_revision waits for them
all; the revision check page shows each opinion beside its answer and the two versions."""
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pilots import registry, services
from pilots.choices import State
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import AuditEntry, Project
from reviews import answers
from reviews.models import OpinionAnswer, ReviewOpinion
from tests.test_plan_editor import _as_post

OPINIONS = ["建议细化光伏项目的装机容量测算依据。", "建议补充能源管理平台建设内容。",
            "建议明确逐年减排目标的分解方式。"]
LOCATION_LABEL = "概况与边界 · 项目位置"
NEW_LOCATION = "河池市宜州区庆远镇城西路1号(修改后)"


@pytest.fixture
def project(demo):
    project = demo.project_in(State.REVISION)
    # The demo's select compiles opinions of its own: these tests write theirs.
    OpinionAnswer.objects.filter(opinion__project=project).delete()
    ReviewOpinion.objects.filter(project=project).delete()
    return project


def _applicant(project):
    return project.applicant.members.get(username__startswith="app_")


def _opinions(project, demo, texts=OPINIONS[:2]):
    admin = demo.user("eco_admin")
    return [ReviewOpinion.objects.create(project=project, number=n, text=text,
                                         plan_path="overview.location" if n == 1 else "",
                                         compiled_by=admin)
            for n, text in enumerate(texts, start=1)]


def _state(project):
    return [(o.number, o.answer.text, o.answer.plan_path) if hasattr(o, "answer") else
            (o.number, None, None)
            for o in ReviewOpinion.objects.filter(project=project).order_by("number")]


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The service --------------------------------------------------------------------------

def test_answers_are_saved_with_their_plan_rows_and_recorded(demo, project):
    _opinions(project, demo)
    applicant = _applicant(project)
    answers.save_answers(project, applicant, {
        "1": {"text": " 已补充测算依据。 ", "plan_path": "overview.location"},
        2: {"text": "已增加平台建设任务。"}})
    assert _state(project) == [(1, "已补充测算依据。", "overview.location"),
                               (2, "已增加平台建设任务。", "")]
    entry = AuditEntry.objects.filter(project=project, kind="opinion_answers_saved").get()
    assert (entry.actor, entry.data) == (applicant, {"numbers": [1, 2], "answered": 2, "total": 2})
    assert registry.describe(entry.kind, entry.transition, entry.data) == [
        "本次答复第1、2条", "已答复2/2条评审指导意见"]


BAD = [
    ({"1": {"text": "  "}}, "answers.1.text", "请填写对第1条意见的答复。"),
    ({"1": {"text": "长" * 2001}}, "answers.1.text", "第1条答复不能超过2000个字。"),
    ({"1": {"text": "好", "plan_path": "tasks.nothing"}}, "answers.1.plan_path",
     "第1条答复指向的方案位置不存在，请从方案内容中选择。"),
    ({"9": {"text": "好"}}, "answers.9", "没有这一条评审指导意见。"),
    ({"1": {"text": "好", "author": "x"}}, "answers.1.author", "答复不接受此项数据。"),
    ({}, "answers", "请至少填写一条答复。"),
]


@pytest.mark.parametrize(("bad", "field", "message"), BAD)
def test_bad_answers_are_refused_naming_the_field_and_change_nothing(
        demo, project, bad, field, message):
    _opinions(project, demo)
    applicant = _applicant(project)
    answers.save_answers(project, applicant, {"1": {"text": "原答复"}})
    entries = AuditEntry.objects.filter(project=project).count()
    with pytest.raises(InvalidInput) as refused:
        answers.save_answers(project, applicant, {"2": {"text": "新答复"}, **bad} if bad else {})
    assert refused.value.fields == {field: [message]}
    assert _state(project) == [(1, "原答复", ""), (2, None, None)]
    assert AuditEntry.objects.filter(project=project).count() == entries


def test_who_may_not_edit_the_plan_may_not_answer(demo, project):
    _opinions(project, demo)
    for user in (demo.user("eco_admin"), _county_officer(project)):
        with pytest.raises(NotPermitted):
            answers.save_answers(project, user, {"1": {"text": "答"}})
    checking = demo.project_in(State.REVISION_CHECK)
    with pytest.raises(NotAllowedNow):
        answers.save_answers(checking, _applicant(checking), {"1": {"text": "答"}})
    assert _state(project) == [(1, None, None), (2, None, None)]


# --- submit_revision waits for every answer ------------------------------------------------

def test_submit_revision_is_refused_while_an_opinion_is_unanswered(demo, project):
    _opinions(project, demo)
    applicant = _applicant(project)
    answers.save_answers(project, applicant, {"1": {"text": "已修改。"}})
    with pytest.raises(NotAllowedNow) as refused:
        services.fire(project, "submit_revision", applicant)
    assert refused.value.message == "还有1条评审指导意见未答复。"
    assert Project.objects.get(pk=project.pk).state == State.REVISION

    answers.save_answers(project, applicant, {"2": {"text": "已补充。"}})
    project = services.fire(Project.objects.get(pk=project.pk), "submit_revision", applicant)
    assert project.state == State.REVISION_CHECK


def test_a_project_without_opinions_submits_its_revision(demo, project):
    project = services.fire(project, "submit_revision", _applicant(project))
    assert project.state == State.REVISION_CHECK


def test_the_plan_editors_submit_says_how_many_opinions_wait(demo, project, client):
    _opinions(project, demo, OPINIONS)
    applicant = _applicant(project)
    client.force_login(applicant)
    url = reverse("plan-edit", args=[project.pk])
    response = client.post(url, _as_post(project.plan, "submit"))
    assert response.status_code == 200
    assert _messages(response) == ["还有3条评审指导意见未答复。"]
    assert Project.objects.get(pk=project.pk).state == State.REVISION

    answers.save_answers(project, applicant, {str(n): {"text": "已修改。"} for n in (1, 2, 3)})
    response = client.post(url, _as_post(project.plan, "submit"))
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).state == State.REVISION_CHECK


# --- The answers page ----------------------------------------------------------------------

def test_the_applicant_answers_on_its_page(demo, project, client):
    _opinions(project, demo)
    client.force_login(_applicant(project))
    detail = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "已答复 0/2" in detail and reverse("review-answers", args=[project.pk]) in detail
    url = reverse("review-answers", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert [r["opinion"].text for r in page.context["rows"]] == OPINIONS[:2]
    assert page.context["rows"][0]["opinion_label"] == LOCATION_LABEL
    assert ("overview.location", LOCATION_LABEL) in page.context["paths"]

    response = client.post(url, {"text_1": "已补充测算依据。", "path_1": "overview.location",
                                 "text_2": "", "path_2": ""})
    assert response.status_code == 302
    assert _messages(response) == ["答复已保存。"]
    assert _state(project) == [(1, "已补充测算依据。", "overview.location"), (2, None, None)]
    detail = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "已答复 1/2" in detail


def test_a_bad_answer_on_the_page_is_kept_and_named(demo, project, client):
    _opinions(project, demo)
    client.force_login(_applicant(project))
    response = client.post(reverse("review-answers", args=[project.pk]),
                           {"text_1": "好", "path_1": "tasks.nothing", "text_2": "长" * 2001})
    assert response.status_code == 400
    assert response.context["errors"] == {
        "answers.1.plan_path": ["第1条答复指向的方案位置不存在，请从方案内容中选择。"],
        "answers.2.text": ["第2条答复不能超过2000个字。"]}
    assert response.context["rows"][1]["text"] == "长" * 2001
    assert _state(project) == [(1, None, None), (2, None, None)]


def _county_officer(project):
    """The county officer of the project's county and category (e.g. yizhou_education)."""
    from pilots.models import User
    names = [f"{project.county.code}_{b.code}" for b in project.category.lead_bodies.all()]
    return User.objects.filter(username__in=names).order_by("username").first()


def _other_applicant(project):
    from pilots.models import User
    return (User.objects.filter(username__startswith="app_")
            .exclude(organisation=project.applicant).order_by("username").first())


def test_who_may_open_the_answers_page(demo, project, client):
    _opinions(project, demo)
    url = reverse("review-answers", args=[project.pk])
    table = [(_applicant(project), 200), (_other_applicant(project), 404),
             (_county_officer(project), 403), (demo.user(f"{project.county.code}_ecology"), 403),
             (demo.user("eco_admin"), 403)]
    for user, status in table:
        client.force_login(user)
        assert client.get(url).status_code == status
        if status != 200:
            assert client.post(url, {"text_1": "答"}).status_code == status
    assert _state(project) == [(1, None, None), (2, None, None)]


# --- The revision check page ----------------------------------------------------------------

def _revised(demo, project, texts):
    """Opinions answered, the location changed in the draft, the revision submitted."""
    _opinions(project, demo, texts)
    applicant = _applicant(project)
    old = project.plan["overview"]["location"]
    plan = {**project.plan, "overview": {**project.plan["overview"], "location": NEW_LOCATION}}
    services.save_plan(project, applicant, plan)
    answers.save_answers(project, applicant, {
        str(n): {"text": f"第{n}条已按意见修改。",
                 "plan_path": "overview.location" if n == 1 else ""}
        for n in range(1, len(texts) + 1)})
    project = services.fire(Project.objects.get(pk=project.pk), "submit_revision", applicant)
    return project, old


def test_the_revision_page_shows_opinions_answers_and_the_changed_rows(demo, project, client):
    project, old = _revised(demo, project, OPINIONS[:2])
    admin = demo.user("eco_admin")
    client.force_login(admin)
    detail = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    url = reverse("review-revision", args=[project.pk])
    assert url in detail
    response = client.get(url)
    assert response.status_code == 200
    shown = [(r["opinion"].number, r["opinion"].text, r["opinion_label"], r["reply"].text,
              r["answer_label"]) for r in response.context["opinions"]]
    assert shown == [
        (1, OPINIONS[0], LOCATION_LABEL, "第1条已按意见修改。", LOCATION_LABEL),
        (2, OPINIONS[1], "", "第2条已按意见修改。", ""),
    ]
    changed = [(r["label"], r["left"], r["right"]) for r in response.context["rows"]
               if r["changed"]]
    assert changed == [("项目位置", old, NEW_LOCATION)]
    assert response.context["changed_count"] == 1
    versions = list(project.versions.order_by("number"))
    assert (response.context["left"], response.context["right"]) == (versions[-2], versions[-1])
    body = response.content.decode()
    assert '<tr class="changed" data-path="overview.location">' in body
    for text in (OPINIONS[0], OPINIONS[1], "第1条已按意见修改。", NEW_LOCATION, old):
        assert text in body


QUERIES = 10


@pytest.mark.parametrize("count", [1, 3])
def test_the_revision_page_runs_a_fixed_number_of_queries(demo, project, client,
                                                          django_assert_num_queries, count):
    project, _old = _revised(demo, project, OPINIONS[:count])
    client.force_login(demo.user("eco_admin"))
    url = reverse("review-revision", args=[project.pk])
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert len(response.context["opinions"]) == count



def test_the_revision_page_is_read_only_and_shown_to_who_sees_the_project(demo, project, client):
    project, _old = _revised(demo, project, OPINIONS[:1])
    url = reverse("review-revision", args=[project.pk])
    for user, status in [(_applicant(project), 200), (_other_applicant(project), 404),
                         (demo.user("eco_admin"), 200)]:
        client.force_login(user)
        assert client.get(url).status_code == status


def test_the_demo_step_answers_every_opinion(demo, project):
    _opinions(project, demo)
    registry.prepare_for("submit_revision", project, {"applicant": _applicant(project)})
    assert _state(project) == [(1, answers.DEMO_ANSWER, ""), (2, answers.DEMO_ANSWER, "")]
    assert OpinionAnswer.objects.filter(opinion__project=project).count() == 2


def test_the_seeded_demo_answered_what_select_compiled_before_submitting_the_revision(demo):
    checking = demo.project_in(State.REVISION_CHECK)
    opinions = list(ReviewOpinion.objects.filter(project=checking).select_related("answer"))
    assert opinions  # the demo's select compiles the panel's opinions
    assert {(o.answer.text, o.answer.answered_by) for o in opinions} == {
        (answers.DEMO_ANSWER, _applicant(checking))}
    assert answers.unanswered(demo.project_in(State.REVISION)) > 0  # left for the demo user

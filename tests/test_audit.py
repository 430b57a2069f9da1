"""The audit trail: append-only in the model, the database and the admin; shown oldest first."""
import pytest
from django.db import DatabaseError, connection, transaction

from pilots import services
from pilots.choices import State
from pilots.models import AuditEntry, Project, User

COUNTY_FORWARD_REASON = "方案内容完整，建设目标明确，同意上报。"


@pytest.fixture
def entry(demo):
    """A fresh entry: the yizhou campus draft submitted by its applicant."""
    project = demo.draft("app_campus_yizhou")
    services.fire(project, "submit", demo.user("app_campus_yizhou"), ip_address="10.0.0.8")
    return AuditEntry.objects.get(project=project)


def _row(pk):
    e = AuditEntry.objects.get(pk=pk)
    return (e.project_id, e.transition, e.source, e.target, e.actor_id, e.reason,
            e.ip_address, e.created_at)


def test_the_fired_transition_is_recorded(entry):
    assert (entry.transition, entry.source, entry.target, entry.actor.username, entry.reason,
            entry.ip_address) == ("submit", State.DRAFT, State.COUNTY_REVIEW,
                                  "app_campus_yizhou", "", "10.0.0.8")


def test_an_entry_cannot_be_saved_again(entry):
    before = _row(entry.pk)
    entry.reason = "事后补记"

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.save(update_fields=["reason"])

    assert _row(entry.pk) == before


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(PermissionError):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).count() == 1


@pytest.mark.parametrize("write", [
    lambda entry: AuditEntry.objects.filter(pk=entry.pk).update(reason="x"),
    lambda entry: AuditEntry.objects.all().update(reason="x"),
    lambda entry: AuditEntry.objects.filter(pk=entry.pk).delete(),
    lambda entry: AuditEntry.objects.all().delete(),
    lambda entry: entry.project.audit_entries.update(reason="x"),
    lambda entry: entry.project.audit_entries.all().delete(),
    lambda entry: AuditEntry.objects.bulk_update([entry], ["reason"]),
], ids=["update", "update-all", "delete", "delete-all", "related-update", "related-delete",
        "bulk-update"])
def test_an_entry_cannot_be_changed_through_a_queryset(entry, write):
    before = _row(entry.pk)
    count = AuditEntry.objects.count()
    entry.reason = "x"

    with pytest.raises(PermissionError), transaction.atomic():
        write(entry)

    assert _row(entry.pk) == before
    assert AuditEntry.objects.count() == count


def _forge_by_save(entry):
    AuditEntry(pk=entry.pk, project=entry.project, transition="county_forward",
               source=State.COUNTY_REVIEW, target=State.CITY_REVIEW, actor=None,
               reason="伪造").save()


def _forge_by_upsert(entry):
    AuditEntry.objects.bulk_create(
        [AuditEntry(pk=entry.pk, project=entry.project, transition="county_forward",
                    source=State.COUNTY_REVIEW, target=State.CITY_REVIEW, reason="伪造")],
        update_conflicts=True, unique_fields=["id"],
        update_fields=["transition", "source", "target", "actor", "reason"],
    )


@pytest.mark.parametrize("forge", [_forge_by_save, _forge_by_upsert], ids=["save", "upsert"])
def test_an_entry_cannot_be_overwritten_by_a_new_instance_with_its_pk(entry, forge):
    before = _row(entry.pk)

    refused = None
    try:
        with transaction.atomic():
            forge(entry)
    except Exception as error:  # which refusal it is, is the point
        refused = type(error)

    assert _row(entry.pk) == before
    assert refused is PermissionError


@pytest.mark.parametrize("sql", [
    "UPDATE pilots_auditentry SET reason = 'x'",
    pytest.param("DELETE FROM pilots_auditentry", marks=pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no TRUNCATE, so Django's flush must be able to delete there")),
], ids=["update", "delete"])
def test_the_database_refuses_raw_sql_writes(entry, sql):
    before = _row(entry.pk)
    count = AuditEntry.objects.count()

    with pytest.raises(DatabaseError) as caught:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)

    assert "pilots_auditentry is append-only" in str(caught.value)
    assert _row(entry.pk) == before
    assert AuditEntry.objects.count() == count


# --- The admin -----------------------------------------------------------------

@pytest.fixture
def root(demo, client):
    user = User.objects.create_superuser("root", "root@example.cn", "x")
    client.force_login(user)
    return user


def test_the_admin_lists_every_entry(entry, client, root):
    response = client.get("/admin/pilots/auditentry/")

    assert response.status_code == 200
    assert response.context["cl"].result_count == AuditEntry.objects.count()
    # 93 transitions, 36 panel members added and their 36 declarations of no conflict in the
    # demo walks, 33 score sheets submitted and 11 closings of scoring before select and
    # not_select, 9 saves of the applicant's answers before submit_revision (test_seed
    # explains each), the 28 entries of reviews' three demo panels (ditto), the 3 × 11
    # entries of the acceptance panels before grant_title and the 9 of the acceptance
    # panel scoring (ditto), and the submit above
    assert response.context["cl"].result_count == 166 + 33 + 11 + 9 + 28 + 3 * 11 + 9
    assert f"/admin/pilots/auditentry/{entry.pk}/change/" in response.content.decode()


def test_the_admin_cannot_add_an_entry(root, client):
    assert client.get("/admin/pilots/auditentry/add/").status_code == 403
    count = AuditEntry.objects.count()
    response = client.post("/admin/pilots/auditentry/add/", {"transition": "submit"})
    assert response.status_code == 403
    assert AuditEntry.objects.count() == count


def test_the_admin_shows_an_entry_read_only(entry, root, client):
    url = f"/admin/pilots/auditentry/{entry.pk}/change/"
    before = _row(entry.pk)

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert "<textarea" not in html
    assert 'name="reason"' not in html

    posted = client.post(url, {"reason": "改写", "transition": "withdraw"})
    assert posted.status_code == 403
    assert _row(entry.pk) == before


def test_the_admin_cannot_delete_an_entry(entry, root, client):
    response = client.post(f"/admin/pilots/auditentry/{entry.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).count() == 1


def test_the_project_admin_shows_the_state_as_text(demo, root, client):
    project = demo.project_in(State.CITY_REVIEW)

    response = client.get(f"/admin/pilots/project/{project.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="state"' not in html
    assert "<select" not in html.split('class="form-row field-state')[1].split("</div>")[0]
    assert '<div class="readonly">市级审核</div>' in html


def test_the_project_admin_does_not_change_the_state_when_posted(demo, root, client):
    project = demo.project_in(State.CITY_REVIEW)

    client.post(f"/admin/pilots/project/{project.pk}/change/",
                {"name": project.name, "state": State.TITLED,
                 "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
                 "audit_entries-TOTAL_FORMS": "0", "audit_entries-INITIAL_FORMS": "0"})

    assert Project.objects.get(pk=project.pk).state == State.CITY_REVIEW


# --- History through the API and the project page ---------------------------

def test_the_history_endpoint_lists_entries_oldest_first(demo, api):
    project = demo.project_in(State.CITY_REVIEW)
    api.force_authenticate(demo.user("eco_admin"))

    response = api.get(f"/api/projects/{project.pk}/history/")

    assert response.status_code == 200
    rows = [(e["transition"], e["source"], e["target"], e["actor"], e["reason"])
            for e in response.json()]
    assert rows == [
        ("submit", "draft", "county_review", "app_community_jinchengjiang", ""),
        ("county_forward", "county_review", "city_review", "jinchengjiang_ecology",
         COUNTY_FORWARD_REASON),
    ]
    assert set(response.json()[0]) == {"id", "kind", "transition", "label", "source",
                                       "target", "actor", "reason", "data", "data_text",
                                       "ip_address", "created_at"}
    assert [e["kind"] for e in response.json()] == ["transition", "transition"]
    assert [e["ip_address"] for e in response.json()] == ["127.0.0.1", "127.0.0.1"]
    assert response.json()[0]["id"] < response.json()[1]["id"]
    assert response.json()[0]["created_at"] <= response.json()[1]["created_at"]


def test_the_history_endpoint_shows_a_new_entry_last(demo, api):
    project = demo.project_in(State.CITY_REVIEW)
    services.fire(project, "city_return", demo.user("city_ndrc"), reason="请补充基准年数据。")
    api.force_authenticate(demo.user("app_community_jinchengjiang"))

    response = api.get(f"/api/projects/{project.pk}/history/")

    assert [(e["transition"], e["actor"], e["reason"]) for e in response.json()] == [
        ("submit", "app_community_jinchengjiang", ""),
        ("county_forward", "jinchengjiang_ecology", COUNTY_FORWARD_REASON),
        ("city_return", "city_ndrc", "请补充基准年数据。"),
    ]


def test_the_project_page_shows_the_history(demo, client):
    project = demo.project_in(State.CITY_REVIEW)
    client.force_login(demo.user("app_community_jinchengjiang"))

    response = client.get(f"/projects/{project.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [e.transition for e in response.context["history"]] == ["submit", "county_forward"]
    assert html.count(COUNTY_FORWARD_REASON) == 1
    assert html.count("审核通过并上报") == 1
    assert html.count("提交申报") == 1
    assert html.count("草稿 → 县(区)审核") == 1
    assert html.count("县(区)审核 → 市级审核") == 1
    assert html.index("提交申报") < html.index("审核通过并上报")

"""The public side leaks nothing private: with the demo world (projects in every state), an
objection with evidence and a decided one, every public page, feed, notice page and
notice PDF is fetched in both languages, and none of the private strings of ANY project,
collected from the database first, may appear in them: contacts, credit codes (USCC),
emails, phones, the names of applicants' and consultants' staff and of experts, scores,
opinions and answers, transition reasons, attachment file names, the objectors' names
and contacts, and internal notes (investigations, declared relations, the plan's
private sections).
"""
import html
import json
import re
import subprocess

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from pilots import services
from pilots.models import Attachment, AuditEntry, Organisation, PlanVersion, Project, User
from publicity import objections
from publicity.models import Notice, Objection
from reviews.models import DeclaredRelation, OpinionAnswer, ReviewOpinion, ScoreSheet, SheetOpinion

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _strings(value):
    """Every text inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def _private_world(demo):
    """Private rows the demo lacks (a plan attachment, objections with evidence, a decided
    one), and distinctive contacts, so that a leak cannot hide behind a common word."""
    admin = demo.user("eco_admin")
    for organisation in Organisation.objects.all():
        organisation.contact_name = f"{organisation.name[:2]}联络员{organisation.pk}号"
        organisation.contact_email = f"liaison{organisation.pk}@org-private.example.cn"
        organisation.contact_phone = f"0778-26{organisation.pk:05d}"
        organisation.save()
    for user in User.objects.all():
        user.phone = f"1390778{user.pk:04d}"
        user.save(update_fields=["phone"])
    draft = demo.draft("app_park_yizhou")
    services.add_attachment(draft, demo.user("app_park_yizhou"),
                            SimpleUploadedFile("园区能耗台账-内部.pdf", PDF), description="内部台账说明甲")
    project = Project.objects.get(state="publicity")
    filed = objections.file_objection(
        project, name="异议人赵某某", contact="13977880011",
        grounds="该园区存在未批先建问题，请核查。", client_ip="198.51.100.23",
        attachment=SimpleUploadedFile("现场照片证据.pdf", PDF))
    objections.decide(filed, admin, upheld=False,
                      investigation="调查组内部记录：已现场核实，与举报不符。",
                      reason="经现场核实，该园区建设手续齐全，异议不成立。")
    objections.file_objection(project, name="异议人钱某", contact="objector@private.example.cn",
                              grounds="基准年数据来源不明。", client_ip="198.51.100.24")
    # A score no other figure on a page could equal by chance.
    sheet = ScoreSheet.objects.order_by("pk").first()
    sheet.scores = {**sheet.scores, next(iter(sheet.scores)): "23.75"}
    sheet.save(update_fields=["scores"])


def _private_strings() -> set[str]:
    found = set()
    for o in Organisation.objects.all():
        found |= {o.credit_code, o.contact_name, o.contact_phone, o.contact_email}
    for u in User.objects.all():
        found |= {u.email, u.phone}
        if u.organisation_id or u.has_role("expert"):
            found.add(f"{u.last_name}{u.first_name}")
    found |= {e.reason for e in AuditEntry.objects.exclude(reason="")}
    for data in AuditEntry.objects.values_list("data", flat=True):
        found |= {text for text in _strings(data) if len(CJK.findall(text)) >= 4}
    for sheet in ScoreSheet.objects.all():
        found |= {str(v) for v in sheet.scores.values() if "." in str(v)}
    for model in (SheetOpinion, ReviewOpinion, OpinionAnswer):
        found |= set(model.objects.values_list("text", flat=True))
    found |= set(DeclaredRelation.objects.values_list("note", flat=True))
    for name, description in Attachment.objects.values_list("name", "description"):
        found |= {name, description}
    for o in Objection.objects.all():
        found |= {o.name, o.contact, o.investigation, o.attachment_name, o.client_ip or "",
                  o.attachment.name}
    # The plan's private sections, in every version and draft.
    plans = list(PlanVersion.objects.values_list("content", flat=True))
    plans += list(Project.objects.values_list("plan", flat=True))
    for plan in plans:
        found |= {plan.get("safeguards") or "", (plan.get("overview") or {}).get("boundary") or ""}
        found |= {t.get("expected_result") or "" for t in plan.get("tasks") or []
                  if isinstance(t, dict)}
    # A decision's reason is public on purpose: it is what the objector's receipt shows.
    public = set(Objection.objects.exclude(decision_reason="").values_list("decision_reason",
                                                                          flat=True))
    return {s.strip() for s in found if s and s.strip() and len(s.strip()) >= 4} - public


def _text(response) -> str:
    kind = response["Content-Type"]
    if kind.startswith("application/pdf"):
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=response.content,
                                capture_output=True, check=True)
        return result.stdout.decode()
    if kind.startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return html.unescape(response.content.decode())


def _public_urls(client) -> list[str]:
    urls = ["/", "/publicity/", "/pilots/", "/pilots/?page=2", "/api/public/publicity/",
            "/api/public/pilots/"]
    for code in Project.objects.exclude(code=None).values_list("code", flat=True):
        urls.append(f"/pilots/{code}/")  # every project: the ones not public answer 404
    for category in ("region", "park", "community", "campus", "commercial"):
        urls.append(f"/pilots/?category={category}")
        urls.append(f"/api/public/pilots/?category={category}")
    for receipt in Objection.objects.values_list("receipt", flat=True):
        urls += [f"/objections/{receipt}/", f"/api/public/objections/{receipt}/"]
    for notice in Notice.objects.values_list("pk", flat=True):
        urls += [f"/publicity/notices/{notice}/", f"/publicity/notices/{notice}.pdf"]
    return urls


def test_no_public_page_feed_or_notice_shows_anything_private(demo, client):
    _private_world(demo)
    private = _private_strings()
    assert len(private) > 150  # the search is wide: contacts of 12 organisations alone are 48
    assert "23.75" in private and "13977880011" in private and "现场照片证据.pdf" in private

    leaks = []
    fetched = {}
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        for url in _public_urls(client):
            response = client.get(url)
            assert response.status_code in (200, 404), (url, response.status_code)
            text = _text(response)
            fetched[(language, url)] = response.status_code
            squeezed = re.sub(r"\s+", "", text)
            for secret in private:
                if secret in text or re.sub(r"\s+", "", secret) in squeezed:
                    leaks.append((language, url, secret))

    assert leaks == []
    # The walk did read the pages it meant to: every public project, notice and receipt.
    assert sum(1 for (_lang, url), code in fetched.items()
               if url.endswith(".pdf") and code == 200) == 2 * Notice.objects.count()
    under_publicity = Project.objects.get(state="publicity").code
    assert fetched[("zh-hans", f"/pilots/{under_publicity}/")] == 200
    assert fetched[("zh-hans", f"/pilots/{demo.project_in('revision_check').code}/")] == 404
    assert sum(1 for (_lang, url), code in fetched.items()
               if url.startswith("/objections/") and code == 200) == 4


def test_the_private_strings_are_really_on_the_private_pages(demo, client):
    """The search would find them: the admin's own project page shows the contacts and
    reasons the public pages must not."""
    _private_world(demo)
    client.force_login(demo.user("eco_admin"))
    project = demo.project_in("cancelled")  # with a reason

    page = _text(client.get(f"/projects/{project.pk}/"))

    assert "建设主体主动申请终止试点建设。" in page
    assert "建设主体主动申请终止试点建设。" in _private_strings()

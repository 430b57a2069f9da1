"""The public side leaks nothing private: with the demo world (projects in every state), an
objection with evidence and a decided one, and annual disclosures in every state, every
public page, feed, notice page, notice PDF, disclosure PDF and the disclosures' open data
(JSON and CSV) is fetched in both languages, and none of the private strings of ANY
project, collected from the database first, may appear in them: contacts, credit codes
(USCC), emails, phones, the names of applicants' and consultants' staff and of experts,
scores, opinions and answers, transition reasons, attachment file names, the objectors'
names and contacts, internal notes (investigations, declared relations, the plan's private
sections), and of the disclosures: the texts of drafts and of versions in check or
returned, a return's reason, who prepared and checked them, and the activity data's
denominators.
"""
import html
import json
import re
import subprocess

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure import activity, disclosures
from disclosure.models import ActivitySource, ActivityYear, Disclosure, EmissionFactor
from pilots import services
from pilots.models import Attachment, AuditEntry, Organisation, PlanVersion, Project, User
from publicity import objections
from publicity.models import Notice, Objection
from reviews.models import DeclaredRelation, OpinionAnswer, ReviewOpinion, ScoreSheet, SheetOpinion
from tests.disclosure_helpers import BASE_YEAR, Y1, Y2, disclosing_pilot, publish_year

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


def _disclosure_world(demo):
    """A pilot's disclosures in every state: published years (one corrected), a year sent
    back with a reason, a correction in check and a correction in draft; its activity
    data with a denominator no public figure could equal."""
    project, builder = disclosing_pilot("privacy_dis", name="宜州区隐私测试校园")
    county = demo.user("yizhou_ecology")
    activity.save_activity(project, builder, Y2, {
        "purchased_electricity": "7200000", "fuel-natural_gas": "50", "population": "2457.25"})
    publish_year(project, builder, county, BASE_YEAR, measures="公开的措施：基准年能耗普查。",
                 narrative="公开的说明：基准年核算。")
    publish_year(project, builder, county, Y1, measures="公开的措施：屋顶光伏一期。",
                 narrative="公开的说明：绿电比例提高。")
    publish_year(project, builder, county, Y1, measures="公开的措施：屋顶光伏一期并网。",
                 narrative="公开的说明：绿电比例提高。", correction_note="公开的更正说明：补充并网时间。")
    sent_back = disclosures.prepare_and_submit(project, builder, Y2,
                                               measures="退回前的措施内部稿甲乙",
                                               narrative="退回前的说明内部稿丙丁")
    disclosures.return_to_builder(sent_back, county, "县局内部退回意见：结算单未盖章请补正")
    disclosures.prepare_and_submit(project, builder, BASE_YEAR, measures="审核中的措施内部稿戊",
                                   narrative="审核中的说明内部稿己",
                                   correction_note="审核中的更正说明内部稿庚")
    disclosures.prepare(project, builder, Y1, measures="草稿中的措施内部稿辛",
                        narrative="草稿中的说明内部稿壬", correction_note="草稿中的更正说明癸")


def _private_world(demo):
    """Private rows the demo lacks (a plan attachment, objections with evidence, a decided
    one, disclosures in every state), and distinctive contacts, so that a leak cannot hide
    behind a common word."""
    _disclosure_world(demo)
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
    # Disclosures: what was never published, a return's reason, who prepared and checked
    # them, and the denominators of the activity data (an intensity is public, the
    # population or output value it divides by is not).
    for d in Disclosure.objects.exclude(state="published"):
        found |= {d.measures, d.narrative, d.correction_note}
    found |= {d.returned_reason for d in Disclosure.objects.all()}
    for d in Disclosure.objects.select_related("prepared_by", "checked_by"):
        found |= {f"{u.last_name}{u.first_name}" for u in (d.prepared_by, d.checked_by) if u}
    for row in ActivityYear.objects.all():
        found |= {str(v.normalize()) for v in (row.population, row.output_value_wan_yuan,
                                                row.value_added_wan_yuan, row.floor_area_m2)
                  if v is not None and v != v.to_integral_value()}
    # A decision's reason is public on purpose: it is what the objector's receipt shows.
    public = set(Objection.objects.exclude(decision_reason="").values_list("decision_reason",
                                                                          flat=True))
    # The names of emission sources and factors are the disclosures' public vocabulary (the
    # activity data's history lists the items that changed by these names).
    public |= {str(label) for _value, label in ActivitySource.choices}
    public |= set(EmissionFactor.objects.values_list("name", flat=True))
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
    urls += ["/api/public/disclosures/", "/api/public/disclosures.csv"]
    for code, year, version in Disclosure.objects.values_list("project__code", "year",
                                                              "version"):
        urls += [f"/pilots/{code}/disclosures/{year}.pdf",
                 f"/pilots/{code}/disclosures/{year}.pdf?version={version}"]
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
    # The walk did read the pages it meant to: every public project, notice and receipt,
    # and the PDF of every published disclosure (current and by version), none other.
    assert sum(1 for (_lang, url), code in fetched.items()
               if url.endswith(".pdf") and code == 200) == 2 * Notice.objects.count() + 2 * 2
    assert sum(1 for (_lang, url), code in fetched.items()
               if "/disclosures/" in url and "?version=" in url and code == 200) == 2 * 3
    assert "退回前的措施内部稿甲乙" in private and "2457.25" in private
    assert "公开的更正说明：补充并网时间。" not in private
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

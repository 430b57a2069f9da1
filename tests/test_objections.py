"""Objections (异议): filed by anyone during the period only, with a per-address daily limit
and a checked attachment; a receipt to follow it; decided once by the ecology admin, on
the project's history without the objector's contact; the admin's pages."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pilots import registry, services
from pilots.choices import State
from pilots.models import AuditEntry, Project
from publicity import objections
from publicity.models import Objection, ObjectionAllowance, ObjectionStatus
from tests.test_publicity import D, calendar, on_notice, today  # noqa: F401  (fixtures)

GOOD = {"name": "张三", "contact": "13907780001", "grounds": "该项目基准年排放数据与统计公报不一致。"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def project(demo, today):  # noqa: F811
    """A project under publicity 2026-09-28 .. 2026-10-09, as of its second day."""
    project = on_notice(demo, today)
    today(D(2026, 9, 29))
    return project


def file(project, ip="203.0.113.5", **changes):
    return objections.file_objection(project, **{**GOOD, **changes}, client_ip=ip)


def stored():
    return (Objection.objects.count(), list(ObjectionAllowance.objects.values_list(
        "address", "day", "used")), AuditEntry.objects.count())


# --- Filing -----------------------------------------------------------------------------

def test_an_objection_gets_an_unguessable_receipt_and_its_status_shows_no_objector(project):
    objection = file(project)

    assert len(objection.receipt) == 16
    assert set(objection.receipt) <= set(objections.RECEIPT_ALPHABET)
    assert objection.receipt != file(project).receipt
    saved = Objection.objects.get(pk=objection.pk)
    assert (saved.name, saved.contact, saved.grounds, saved.client_ip, saved.status) == (
        "张三", "13907780001", GOOD["grounds"], "203.0.113.5", ObjectionStatus.PENDING)
    assert saved.period == project.publicity_periods.get()

    typed = "-".join(objection.receipt[i:i + 4] for i in range(0, 16, 4)).lower()
    status = objections.objection_status(f"  {typed} ")
    assert (status.receipt, status.project_code, status.status, status.status_label,
            status.decision_reason) == (objection.receipt, project.code, "pending", "待处理", "")
    assert not any("13907780001" in str(v) or "张三" in str(v) for v in vars(status).values())
    assert objections.objection_status("ABCDEFGHJKLMNPQR") is None
    assert objections.objection_status("short") is None


def test_filing_is_on_the_history_without_who_filed(project):
    objection = file(project)

    entry = project.audit_entries.order_by("-pk").first()
    assert (entry.kind, entry.actor, entry.ip_address) == ("objection_filed", None, "203.0.113.5")
    filed = timezone.localtime(objection.filed_at).strftime("%Y-%m-%d %H:%M")
    assert registry.describe(entry.kind, "", entry.data) == [f"提交时间：{filed}"]
    assert "13907780001" not in str(entry.data) and "张三" not in str(entry.data)


@pytest.mark.parametrize("day, message", [
    (D(2026, 9, 26), "该项目的公示期自2026年9月28日开始，届时才能提出异议。"),
    (D(2026, 10, 10), "该项目不在公示期内，不能提出异议。"),
], ids=["before", "after"])
def test_an_objection_outside_the_period_is_refused_with_409(project, today, day, message):  # noqa: F811
    today(day)
    before = stored()

    with pytest.raises(services.NotAllowedNow) as refused:
        file(project)

    assert (refused.value.status, refused.value.message) == (409, message)
    assert stored() == before


def test_an_objection_on_a_project_not_under_publicity_is_refused(demo):
    before = stored()
    with pytest.raises(services.NotAllowedNow) as refused:
        file(demo.project_in(State.CONSTRUCTION))
    assert (refused.value.status, refused.value.message) == (409, "该项目不在公示期内，不能提出异议。")
    assert stored() == before


def test_the_sixth_objection_of_an_address_in_a_day_is_refused_with_429(project, today, settings):  # noqa: F811
    assert settings.HECHI_OBJECTIONS_PER_ADDRESS_PER_DAY == 5
    for _i in range(5):
        file(project)
    before = stored()

    with pytest.raises(objections.TooManyObjections) as refused:
        file(project)

    assert refused.value.status == 429
    assert refused.value.message == (
        "同一网络地址每天最多提交5件异议，今天的次数已用完，请明天再提交。"
        "如有紧急情况，请通过公示公告所列方式直接联系市生态环境局。")
    assert stored() == before
    assert Objection.objects.filter(client_ip="203.0.113.5").count() == 5
    file(project, ip="203.0.113.99")  # another address still may
    today(D(2026, 9, 30))
    file(project)  # and so may this one the next day


def test_the_daily_limit_follows_the_setting(project, settings):
    settings.HECHI_OBJECTIONS_PER_ADDRESS_PER_DAY = 1
    file(project)
    with pytest.raises(objections.TooManyObjections):
        file(project)


@pytest.mark.parametrize("contact, kept", [
    ("13907780001", "13907780001"), ("+86 139 0778 0001", "+8613907780001"),
    ("0778-2200000", "0778-2200000"), ("(0778)2200000", "07782200000"),
    ("zhang.san@example.cn", "zhang.san@example.cn"),
])
def test_a_contact_is_a_phone_number_or_an_email(project, contact, kept):
    assert file(project, contact=contact).contact == kept


@pytest.mark.parametrize("changes, field, message", [
    ({"contact": "微信 zhangsan"}, "contact",
     "联系方式应为手机号码、固定电话(如0778-2200000)或电子邮箱。"),
    ({"contact": "12345"}, "contact", "联系方式应为手机号码、固定电话(如0778-2200000)或电子邮箱。"),
    ({"contact": " "}, "contact", "请填写联系电话或电子邮箱。"),
    ({"name": ""}, "name", "请填写异议人姓名或单位名称。"),
    ({"name": "名" * 51}, "name", "姓名或单位名称最多50字。"),
    ({"grounds": "  "}, "grounds", "请填写异议的具体事实和理由。"),
    ({"grounds": "理" * 2001}, "grounds", "异议内容最多2000字，当前2001字。"),
], ids=["not-a-contact", "short-number", "blank-contact", "no-name", "long-name", "no-grounds",
        "long-grounds"])
def test_bad_fields_are_refused_by_name_and_nothing_is_stored(project, changes, field, message):
    before = stored()
    with pytest.raises(services.InvalidInput) as refused:
        file(project, **changes)
    assert refused.value.fields == {field: [message]}
    assert stored() == before


def test_an_attachment_is_checked_by_content_and_kept_privately(project, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    objection = file(project, attachment=SimpleUploadedFile("证据.pdf", PDF))
    assert (objection.attachment_name, objection.attachment_type, objection.attachment_size) == (
        "证据.pdf", "application/pdf", len(PDF))
    assert objection.attachment.path.startswith(str(tmp_path))
    assert file(project, attachment=SimpleUploadedFile("photo.png", PNG)).attachment_type == \
        "image/png"


@pytest.mark.parametrize("name, content, message", [
    ("evil.pdf", b"MZ\x90\x00" + b"\x00" * 200, "文件内容不是允许的类型(仅限PDF、Word、Excel、PowerPoint、OpenDocument、JPG、PNG)，请检查后重新上传。"),
    ("photo.pdf", PNG, "文件扩展名“.pdf”与文件内容(PNG)不符。"),
    ("note.docx", None, "证明材料仅限PDF、JPG、PNG文件。"),
    ("big.pdf", PDF + b"0" * 2048, "文件大小为2.04\xa0KB，超过了2\xa0KB的上限。"),
], ids=["executable", "mismatch", "word", "too-large"])
def test_a_bad_attachment_is_refused_and_nothing_is_stored(project, settings, tmp_path, name,
                                                           content, message):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 2048
    if content is None:  # a real .docx: a zip with the Word parts
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as docx:
            docx.writestr("[Content_Types].xml", "<Types/>")
            docx.writestr("word/document.xml", "<w:document/>")
        content = buffer.getvalue()
    before = stored()

    with pytest.raises(services.InvalidInput) as refused:
        file(project, attachment=SimpleUploadedFile(name, content))

    assert refused.value.fields == {"attachment": [message]}
    assert stored() == before
    assert list(tmp_path.rglob("*.*")) == []


# --- Deciding ---------------------------------------------------------------------------

def test_the_admin_decides_once_and_the_history_says_so_without_the_objector(demo, project):
    objection = file(project, contact="zhang.san@example.cn")
    admin = demo.user("eco_admin")
    for username in ["city_ecology", "yizhou_ecology", "app_park_yizhou"]:
        with pytest.raises(services.NotPermitted):
            objections.decide(objection, demo.user(username), upheld=False,
                              investigation="x", reason="y")

    decided = objections.decide(objection, admin, upheld=False,
                                investigation="经向统计部门核实，数据一致。",
                                reason="异议所述数据差异系统计口径不同所致，异议不成立。",
                                ip_address="10.0.0.8")

    assert (decided.status, decided.decided_by, decided.decided_at is not None) == (
        ObjectionStatus.NOT_UPHELD, admin, True)
    with pytest.raises(services.NotAllowedNow) as again:
        objections.decide(objection, admin, upheld=True, investigation="x", reason="y")
    assert again.value.message.startswith("该异议已于") and again.value.message.endswith(
        "处理，不能再次处理。")
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.NOT_UPHELD

    entry = project.audit_entries.order_by("-pk").first()
    assert (entry.kind, entry.actor, entry.reason) == (
        "objection_decided", admin, "异议所述数据差异系统计口径不同所致，异议不成立。")
    lines = registry.describe(entry.kind, "", entry.data)
    assert lines[1:] == ["处理结果：异议不成立", "调查核实情况：经向统计部门核实，数据一致。"]
    assert lines[0].startswith("异议提交时间：2026-")
    assert "zhang.san" not in str(entry.data) + "".join(lines) + entry.reason
    assert "张三" not in str(entry.data) + "".join(lines) + entry.reason

    status = objections.objection_status(objection.receipt)
    assert (status.status, status.status_label, status.decision_reason) == (
        "not_upheld", "异议不成立", "异议所述数据差异系统计口径不同所致，异议不成立。")


@pytest.mark.parametrize("kwargs, field, message", [
    ({"upheld": None}, "upheld", "请选择处理结果：异议成立或异议不成立。"),
    ({"investigation": " "}, "investigation", "请填写调查核实情况。"),
    ({"reason": ""}, "reason", "请填写处理意见及理由。"),
    ({"reason": "理" * 2001}, "reason", "最多2000字，当前2001字。"),
])
def test_a_decision_needs_its_result_investigation_and_reason(demo, project, kwargs, field,
                                                              message):
    objection = file(project)
    with pytest.raises(services.InvalidInput) as refused:
        objections.decide(objection, demo.user("eco_admin"),
                          **{"upheld": True, "investigation": "核实。", "reason": "成立。",
                             **kwargs})
    assert refused.value.fields == {field: [message]}
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.PENDING


# --- The admin's pages ------------------------------------------------------------------

def test_the_list_shows_pending_first_with_who_filed(demo, client, project, today):  # noqa: F811
    first = file(project, name="甲", contact="13900000001")
    second = file(project, name="乙", contact="13900000002")
    objections.decide(first, demo.user("eco_admin"), upheld=False, investigation="核实。",
                      reason="不成立。")
    client.force_login(demo.user("eco_admin"))

    page = client.get("/programme/objections/").content.decode()

    rows = page.split('id="objections"')[1].split("</table>")[0]
    assert rows.index("13900000002") < rows.index("13900000001")  # pending first
    assert '<tr data-status="pending">' in rows and '<tr data-status="not_upheld">' in rows
    pending_only = client.get("/programme/objections/?status=pending").content.decode()
    assert "13900000002" in pending_only and "13900000001" not in pending_only
    assert second.receipt not in page  # the receipt is the objector's, not the list's


@pytest.mark.parametrize("n", [1, 4])
def test_the_list_runs_a_constant_number_of_queries(demo, client, project, n):
    for i in range(n):
        file(project, ip=f"203.0.113.{i + 10}")
    client.force_login(demo.user("eco_admin"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/programme/objections/").content.decode()
    assert page.count("<tr data-status=") == n
    assert len(queries) == 6


def test_the_admin_decides_on_its_page_and_reads_the_attachment(demo, client, project,
                                                               settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    objection = file(project, attachment=SimpleUploadedFile("证据.pdf", PDF))
    url = f"/programme/objections/{objection.pk}/"
    for username in ["city_ecology", "app_park_yizhou"]:
        client.force_login(demo.user(username))
        assert client.get(url).status_code == 403
        assert client.get(f"{url}attachment/").status_code == 403
    client.force_login(demo.user("eco_admin"))

    page = client.get(url).content.decode()
    assert '<dd id="objector-contact">13907780001</dd>' in page
    download = client.get(f"{url}attachment/")
    assert (download.status_code, download["Content-Type"], b"".join(download)) == (
        200, "application/pdf", PDF)
    refused = client.post(url, {"upheld": "1", "investigation": "", "reason": "成立。"})
    assert refused.status_code == 400
    assert "请填写调查核实情况。" in refused.content.decode()
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.PENDING

    done = client.post(url, {"upheld": "1", "investigation": "现场核查属实。",
                             "reason": "异议成立。"})
    assert done.status_code == 302
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.UPHELD
    assert 'id="decide-form"' not in client.get(url).content.decode()


def test_an_objection_cannot_be_decided_once_the_project_left_publicity(demo, project):
    objection = file(project)
    Project.objects.filter(pk=project.pk).update(state=State.CONSTRUCTION)
    with pytest.raises(services.NotAllowedNow) as refused:
        objections.decide(objection, demo.user("eco_admin"), upheld=False,
                          investigation="核实。", reason="不成立。")
    assert refused.value.message == "项目已不在公示阶段，不能再处理异议。"

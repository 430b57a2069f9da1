"""Attachments are checked by content and size, stored privately, and served only to who may see."""
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilots.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The first bytes of a Windows executable (MZ header with its PE offset), named like a PDF.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 200
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
       b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def _stored_files(root: Path):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _upload(client, project, name, content, description=""):
    return client.post(f"/projects/{project.pk}/attachments/",
                       {"file": SimpleUploadedFile(name, content), "description": description},
                       follow=True)


def test_applicant_uploads_a_pdf_and_downloads_it_back(demo, client, private_root):
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_yizhou"))

    response = _upload(client, project, "方案附图.pdf", PDF, "边界图")

    assert response.status_code == 200
    assert "附件“方案附图.pdf”已上传。" in response.content.decode()
    attachment = Attachment.objects.get(project=project)
    assert (attachment.name, attachment.content_type, attachment.size, attachment.description) == (
        "方案附图.pdf", "application/pdf", len(PDF), "边界图")
    assert len(_stored_files(private_root)) == 1
    download = client.get(f"/projects/{project.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment;" in download["Content-Disposition"]


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(demo, client, private_root):
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_yizhou"))

    response = _upload(client, project, "方案.pdf", EXE)

    assert "文件内容不是允许的类型(仅限PDF、Word、Excel、PowerPoint、OpenDocument、JPG、PNG)，请检查后重新上传。" in response.content.decode()
    assert Attachment.objects.filter(project=project).count() == 0
    assert _stored_files(private_root) == []


def test_a_png_named_pdf_is_refused(demo, client, private_root):
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_yizhou"))

    response = _upload(client, project, "扫描件.pdf", PNG)

    assert "文件扩展名“.pdf”与文件内容(PNG)不符。" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_a_file_over_the_limit_is_refused_with_a_message(demo, client, settings, private_root):
    settings.UPLOAD_MAX_BYTES = 1024
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_yizhou"))

    response = _upload(client, project, "大文件.pdf", PDF + b"0" * 2000)

    assert "文件大小为2.0\xa0KB，超过了1\xa0KB的上限。" in response.content.decode()
    assert Attachment.objects.count() == 0
    assert _stored_files(private_root) == []


def test_another_organisation_cannot_open_the_project_or_download_by_url(demo, client):
    project = demo.draft("app_campus_yizhou")
    owner = demo.user("app_campus_yizhou")
    client.force_login(owner)
    _upload(client, project, "a.pdf", PDF)
    attachment = Attachment.objects.get(project=project)

    client.force_login(demo.user("app_campus_jinchengjiang"))
    assert client.get(f"/projects/{project.pk}/").status_code == 404
    assert client.get(f"/projects/{project.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/projects/{project.pk}/attachments/{attachment.pk}/delete/").status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_an_attachment_of_another_project_is_not_reachable_through_a_visible_one(demo, client):
    mine = demo.draft("app_campus_yizhou")
    theirs = demo.draft("app_park_yizhou")
    client.force_login(demo.user("app_park_yizhou"))
    _upload(client, theirs, "b.pdf", PDF)
    attachment = Attachment.objects.get(project=theirs)

    client.force_login(demo.user("app_campus_yizhou"))
    assert client.get(f"/projects/{mine.pk}/attachments/{attachment.pk}/").status_code == 404


def test_an_officer_who_sees_the_project_cannot_upload(demo, client):
    from pilots.choices import State

    project = demo.project_in(State.COUNTY_REVIEW, county__code="jinchengjiang")
    client.force_login(demo.user("jinchengjiang_ecology"))
    response = client.post(f"/projects/{project.pk}/attachments/",
                           {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 403
    assert Attachment.objects.filter(project=project).count() == 0


def test_an_attachment_frozen_in_a_submitted_version_cannot_be_deleted(demo, client):
    from pilots import services

    project = demo.draft("app_campus_yizhou")
    applicant = demo.user("app_campus_yizhou")
    client.force_login(applicant)
    _upload(client, project, "a.pdf", PDF)
    attachment = Attachment.objects.get(project=project)
    services.fire(project, "submit", applicant)
    services.fire(project, "county_return", demo.user("yizhou_education"), reason="补充")

    response = client.post(f"/projects/{project.pk}/attachments/{attachment.pk}/delete/", follow=True)

    assert "该附件属于已提交的方案版本，不能删除。" in response.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert project.versions.get(number=1).content["attachments"] == [
        {"id": attachment.pk, "name": "a.pdf", "size": len(PDF)}]


def test_upload_check_reads_content_not_name():
    from django.core.exceptions import ValidationError

    from pilots.uploads import check_upload

    assert check_upload(SimpleUploadedFile("x.PDF", PDF)) == "application/pdf"
    assert check_upload(SimpleUploadedFile("x.png", PNG)) == "image/png"
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("x.pdf", io.BytesIO(b"hello").getvalue()))

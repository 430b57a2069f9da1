"""A file over the size limit is refused with sizes that show it is over."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pilots.models import Attachment
from pilots.uploads import check_upload, sizes_for_message

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_a_file_just_over_20_mb_reads_larger_than_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 20 * MB

    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("方案.pdf", b"%PDF" + b"0" * (21_000_009 - 4)))

    assert refused.value.messages == ["文件大小为20.03\xa0MB，超过了20\xa0MB的上限。"]


@pytest.mark.parametrize(("size", "limit", "expected"), [
    (21_000_009, 20 * MB, ("20.03\xa0MB", "20\xa0MB")),
    (25 * MB, 20 * MB, ("25.0\xa0MB", "20\xa0MB")),
    (20 * MB + 3000, 20 * MB, ("20.003\xa0MB", "20\xa0MB")),
    (20 * MB + 1, 20 * MB, ("20,971,521 字节", "20,971,520 字节")),
    (2081, 1024, ("2.0\xa0KB", "1\xa0KB")),
    (1501, 1500, ("1.5\xa0KB", "1.46\xa0KB")),
    (1475, 1474, ("1,475 字节", "1,474 字节")),
    (10, 5, ("10 字节", "5 字节")),
])
def test_sizes_for_the_message(size, limit, expected):
    assert sizes_for_message(size, limit) == expected


def test_the_applicant_reads_the_sizes_on_the_project_page(demo, client, settings):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    project = demo.draft("app_campus_yizhou")
    client.force_login(demo.user("app_campus_yizhou"))

    response = client.post(f"/projects/{project.pk}/attachments/",
                           {"file": SimpleUploadedFile("大.pdf", b"%PDF" + b"0" * (MB + 20_000))},
                           follow=True)

    assert "文件大小为1.02\xa0MB，超过了1\xa0MB的上限。" in response.content.decode()
    assert Attachment.objects.filter(project=project).count() == 0

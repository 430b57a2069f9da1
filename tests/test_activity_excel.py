"""Activity data through Excel: the template the portal makes, the round trip (download,
fill, upload: the same figures as the form) and files that are refused whole."""
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from disclosure.models import ActivityYear
from pilots.choices import State
from pilots.models import AuditEntry, Project
from tests.test_activity import BASE_YEAR, FORM, THIS_YEAR, page, pilot, stored

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_ROW = 7


def template(client, project, year):
    response = client.get(f"{page(project, year)}template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_by_key(sheet):
    """{item code: row number} of the template's item rows."""
    return {sheet.cell(row=r, column=1).value: r for r in range(FIRST_ROW, sheet.max_row + 1)
            if sheet.cell(row=r, column=1).value}


def as_upload(book, name="活动数据.xlsx"):
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX_TYPE)


def upload(client, project, year, file):
    return client.post(f"{page(project, year)}upload/", {"file": file})


def test_the_template_names_its_pilot_and_year_lists_every_item_and_locks_all_but_amounts(
        client, demo):
    project, user = pilot("xl_template", name="=HYPERLINK(\"http://x\",\"点我\")")
    client.force_login(user)
    response = client.get(f"{page(project, BASE_YEAR)}template.xlsx")
    assert response["Content-Disposition"] == (
        f'attachment; filename="activity-{project.code}-{BASE_YEAR}.xlsx"; '
        f"filename*=UTF-8''{quote(f'活动数据填报表-{project.code}-{BASE_YEAR}.xlsx', safe='')}")
    book = template(client, project, BASE_YEAR)
    sheet = book.worksheets[0]
    assert sheet.title == "活动数据"
    assert (sheet["B2"].value, sheet["D2"].value) == (project.code, BASE_YEAR)
    # A project name that looks like a formula stays text.
    assert sheet["B3"].value == project.name
    assert sheet["B3"].data_type == "s"
    assert [c.value for c in sheet[6]] == ["代码", "类别", "项目", "单位", "数值", "说明"]
    items = [(sheet.cell(row=r, column=1).value, sheet.cell(row=r, column=3).value,
              sheet.cell(row=r, column=4).value, sheet.cell(row=r, column=5).value)
             for r in range(FIRST_ROW, sheet.max_row + 1)]
    assert items == [
        ("purchased_electricity", "外购电力", "kWh", None),
        ("green_electricity", "购入绿色电力(绿电交易、绿证)", "kWh", None),
        ("onsite_renewable", "自发自用可再生能源电力", "kWh", None),
        ("fuel-gasoline", "汽油", "t", None),
        ("fuel-diesel", "柴油", "t", None),
        ("fuel-lpg", "液化石油气", "t", None),
        ("fuel-natural_gas", "天然气", "万Nm³", None),
        ("purchased_heat", "外购热力", "GJ", None),
        ("sink", "碳汇", "tCO2", None),
        ("population", "人口", "人", 2400),  # the demo plan's baseline population
    ]
    assert [sheet.cell(row=r, column=6).value for r in range(FIRST_ROW, FIRST_ROW + 3)] == [
        "从电网购入的全部电量，含其中购入的绿色电力。",
        "外购电力中通过绿电交易购入或有绿证对应的电量，不能多于外购电力。",
        "光伏等在边界内发电并自用的电量，不含在外购电力中。"]
    assert sheet.protection.sheet is True
    last = sheet.max_row
    assert all(not sheet[f"E{r}"].protection.locked for r in range(FIRST_ROW, last + 1))
    assert all(sheet[f"{c}{r}"].protection.locked for c in "ABCDF" for r in range(1, last + 1))
    assert book.worksheets[1].title == "填写说明"


def test_round_trip_gives_the_same_figures_as_the_form(client, demo):
    by_form, user = pilot("xl_form")
    client.force_login(user)
    assert client.post(page(by_form, THIS_YEAR), FORM).status_code == 302

    by_excel, user2 = pilot("xl_excel")
    client.force_login(user2)
    book = template(client, by_excel, THIS_YEAR)
    sheet = book.worksheets[0]
    rows = rows_by_key(sheet)
    # As a person types them: numbers as numbers, one as text, the blank ones left empty.
    sheet[f"E{rows['purchased_electricity']}"] = 1234567.8912
    sheet[f"E{rows['green_electricity']}"] = 300000
    sheet[f"E{rows['onsite_renewable']}"] = "52000.5"
    sheet[f"E{rows['fuel-natural_gas']}"] = 1.25
    sheet[f"E{rows['fuel-diesel']}"] = 0
    sheet[f"E{rows['fuel-lpg']}"] = " 2.5 "
    sheet[f"E{rows['sink']}"] = 30.5
    sheet[f"E{rows['population']}"] = 2450
    response = upload(client, by_excel, THIS_YEAR, as_upload(book))
    assert response.status_code == 302
    assert stored(by_excel, THIS_YEAR) == stored(by_form, THIS_YEAR)
    assert stored(by_excel, THIS_YEAR)[("purchased_electricity", "")] == (
        Decimal("1234567.8912"), "kWh")
    form_row = ActivityYear.objects.get(project=by_form, year=THIS_YEAR)
    excel_row = ActivityYear.objects.get(project=by_excel, year=THIS_YEAR)
    assert excel_row.population == form_row.population == Decimal("2450")
    entry = AuditEntry.objects.get(project=by_excel, kind="activity_saved")
    assert entry.data_lines[1] == "方式：Excel导入"

    # Downloaded again, the template carries the stored figures; uploaded unchanged, nothing
    # changes.
    again = template(client, by_excel, THIS_YEAR)
    rows = rows_by_key(again.worksheets[0])
    assert again.worksheets[0][f"E{rows['purchased_electricity']}"].value == 1234567.8912
    assert upload(client, by_excel, THIS_YEAR, as_upload(again)).status_code == 302
    assert AuditEntry.objects.filter(project=by_excel, kind="activity_saved").count() == 1


def test_a_file_with_two_bad_rows_names_both_and_imports_nothing(client, demo):
    project, user = pilot("xl_broken")
    client.force_login(user)
    client.post(page(project, THIS_YEAR), FORM)
    before = stored(project, THIS_YEAR)
    book = template(client, project, THIS_YEAR)
    sheet = book.worksheets[0]
    rows = rows_by_key(sheet)
    sheet[f"E{rows['purchased_electricity']}"] = 999  # a good row: not imported either
    sheet[f"E{rows['fuel-diesel']}"] = "十二"
    sheet[f"E{rows['purchased_heat']}"] = -5
    response = upload(client, project, THIS_YEAR, as_upload(book))
    assert response.status_code == 400
    errors = response.context["upload_errors"]
    assert errors == [
        f"第{rows['fuel-diesel']}行「柴油」：「十二」不是数字，请只填写数字(不带单位和千位分隔符)。",
        f"第{rows['purchased_heat']}行「外购热力」：不能为负数。",
    ]
    body = response.content.decode()
    assert "文件未导入，请修改以下问题后重新上传：" in body
    assert f"第{rows['fuel-diesel']}行" in body and f"第{rows['purchased_heat']}行" in body
    assert stored(project, THIS_YEAR) == before
    assert AuditEntry.objects.filter(project=project, kind="activity_saved").count() == 1


def test_unknown_items_wrong_units_repeats_and_missing_rows(client, demo):
    project, user = pilot("xl_rows")
    client.force_login(user)
    book = template(client, project, THIS_YEAR)
    sheet = book.worksheets[0]
    sheet.protection.sheet = False  # a person who unprotects the sheet and edits it
    rows = rows_by_key(sheet)
    sheet[f"D{rows['fuel-diesel']}"] = "升"
    sheet[f"D{rows['purchased_electricity']}"] = " KWH "  # the same unit, written loosely
    sheet[f"A{rows['sink']}"] = "fuel-coal"
    sheet[f"C{rows['sink']}"] = "原煤"
    extra = sheet.max_row + 1
    sheet[f"A{extra}"], sheet[f"D{extra}"], sheet[f"E{extra}"] = "fuel-lpg", "t", 3
    response = upload(client, project, THIS_YEAR, as_upload(book))
    assert response.status_code == 400
    assert response.context["upload_errors"] == [
        f"第{rows['fuel-diesel']}行「柴油」：单位应为「t」，文件中为「升」。",
        f"第{rows['sink']}行：无法识别的项目「原煤」(代码「fuel-coal」)。",
        f"第{extra}行「液化石油气」：与第{rows['fuel-lpg']}行重复。",
        "文件缺少「碳汇」一行(代码「sink」)，请使用下载的模板填写。",
    ]
    assert not ActivityYear.objects.filter(project=project).exists()


def test_a_formula_counts_by_its_computed_value_and_one_without_is_refused(client, demo):
    project, user = pilot("xl_formula")
    client.force_login(user)
    book = template(client, project, THIS_YEAR)
    sheet = book.worksheets[0]
    rows = rows_by_key(sheet)
    sheet[f"E{rows['fuel-diesel']}"] = "=1+1"  # openpyxl saves no computed value
    response = upload(client, project, THIS_YEAR, as_upload(book))
    assert response.status_code == 400
    assert response.context["upload_errors"] == [
        f"第{rows['fuel-diesel']}行「柴油」：公式没有保存计算结果，请在Excel中打开并保存后重新上传，"
        "或直接填写数值。"]


def test_a_file_of_another_year_or_pilot_is_refused(client, demo):
    project, user = pilot("xl_other")
    client.force_login(user)
    book = template(client, project, BASE_YEAR)
    response = upload(client, project, THIS_YEAR, as_upload(book))
    assert response.status_code == 400
    assert response.context["upload_errors"] == [
        f"该文件不是本项目{THIS_YEAR}年的填报表(文件中为项目编号「{project.code}」、{BASE_YEAR}年)，"
        "请下载本页的模板填写。"]
    assert not ActivityYear.objects.filter(project=project).exists()


def test_files_that_are_not_a_spreadsheet_or_too_large(client, demo):
    project, user = pilot("xl_kind")
    client.force_login(user)
    pdf = SimpleUploadedFile("活动数据.xlsx", b"%PDF-1.4\n" + b"0" * 200, content_type=XLSX_TYPE)
    response = upload(client, project, THIS_YEAR, pdf)
    assert response.status_code == 400
    assert response.context["upload_errors"] == ["文件扩展名“.xlsx”与文件内容(PDF)不符。"]
    text = SimpleUploadedFile("活动数据.xlsx", "外购电力,100\n".encode(), content_type=XLSX_TYPE)
    response = upload(client, project, THIS_YEAR, text)
    assert response.status_code == 400
    assert response.context["upload_errors"] == [
        "文件内容不是允许的类型(仅限PDF、Word、Excel、PowerPoint、OpenDocument、JPG、PNG)，请检查后重新上传。"]
    response = client.post(f"{page(project, THIS_YEAR)}upload/", {})
    assert response.status_code == 400
    assert response.context["upload_errors"] == ["请选择要上传的Excel文件。"]
    with override_settings(UPLOAD_MAX_BYTES=1024):
        response = upload(client, project, THIS_YEAR, as_upload(template(client, project, THIS_YEAR)))
    assert response.status_code == 400
    assert "超过了1\xa0KB的上限。" in response.context["upload_errors"][0]
    assert not ActivityYear.objects.filter(project=project).exists()


def test_readers_download_but_do_not_upload(client, demo):
    project, user = pilot("xl_readers")
    client.force_login(user)
    client.post(page(project, THIS_YEAR), FORM)
    book = template(client, project, THIS_YEAR)
    client.force_login(demo.user("yizhou_ecology"))
    read = template(client, project, THIS_YEAR)
    rows = rows_by_key(read.worksheets[0])
    assert read.worksheets[0][f"E{rows['sink']}"].value == 30.5
    assert upload(client, project, THIS_YEAR, as_upload(book)).status_code == 403
    client.force_login(demo.user("jinchengjiang_ecology"))
    assert client.get(f"{page(project, THIS_YEAR)}template.xlsx").status_code == 404
    Project.objects.filter(pk=project.pk).update(state=State.CANCELLED)
    client.force_login(user)
    assert upload(client, project, THIS_YEAR, as_upload(book)).status_code == 403


def test_green_electricity_above_the_purchase_names_its_row(client, demo):
    project, user = pilot("xl_green")
    client.force_login(user)
    book = template(client, project, THIS_YEAR)
    sheet = book.worksheets[0]
    rows = rows_by_key(sheet)
    sheet[f"E{rows['purchased_electricity']}"] = 1000
    sheet[f"E{rows['green_electricity']}"] = 1200
    response = upload(client, project, THIS_YEAR, as_upload(book))
    assert response.status_code == 400
    assert response.context["upload_errors"] == [
        f"第{rows['green_electricity']}行「购入绿色电力(绿电交易、绿证)」：购入绿色电力(1200 kWh)"
        "不能多于外购电力(1000 kWh)：它是外购电力的一部分；光伏等自发自用的电量请填在「自发自用可再生能源电力」。"]
    assert not ActivityYear.objects.filter(project=project).exists()


def test_a_template_made_in_english_reads_back(client, demo):
    project, user = pilot("xl_english")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    book = template(client, project, THIS_YEAR)
    sheet = book.worksheets[0]
    rows = rows_by_key(sheet)
    assert sheet[f"D{rows['population']}"].value == "people"
    sheet[f"E{rows['population']}"] = 2500
    client.cookies["django_language"] = "zh-hans"
    assert upload(client, project, THIS_YEAR, as_upload(book)).status_code == 302
    assert ActivityYear.objects.get(project=project, year=THIS_YEAR).population == Decimal("2500")

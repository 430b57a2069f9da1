"""A pilot's activity data as an Excel file: the template the portal makes for one pilot
and year, and reading a filled one back.

The template lists one row per item (code, group, name, unit, amount, note) under a
header naming the project and the year; only the amount column is unlocked. Reading a file
checks it is a real .xlsx of a sane size, made for this project and year, then reads every
row: a row that cannot be read (unknown item, wrong unit, bad or negative number) is
reported with its row number, and the file as a whole is refused. Amounts are read by
``activity.parse_amount``, as the form reads them.
"""
import zipfile
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from pilots.exports import FORMULA_TRIGGERS, XLSX_CONTENT_TYPE
from pilots.uploads import check_upload

from .activity import GROUPS, AmountError, cross_problems

# Where the template keeps what it is for, and where its rows start.
CODE_CELL, YEAR_CELL, NAME_CELL = "B2", "D2", "B3"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1
COLUMNS = ("code", "group", "name", "unit", "amount", "note")
AMOUNT_COLUMN = "E"
WIDTHS = {"A": 24, "B": 22, "C": 30, "D": 12, "E": 20, "F": 56}

# Excel keeps 15 significant digits of a number: a longer figure is written as text.
EXCEL_DIGITS = 15
# A filled template is a few dozen kilobytes; what it unpacks to is bounded well above
# that, so a crafted archive cannot make the server inflate gigabytes.
MAX_UNPACKED_BYTES = 10 * 1024 * 1024
MAX_ROWS = 500


class UploadRejected(Exception):
    """The file is refused as a whole; ``errors`` says why, one line per problem (with the
    row number when it is a row's)."""

    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = [str(e) for e in errors]


def filename(project, year) -> str:
    """e.g. 活动数据填报表-HC-2026-PARK-001-2026.xlsx"""
    return f"{_('活动数据填报表')}-{project.code or project.pk}-{year}.xlsx"


def content_disposition(project, year) -> str:
    ascii_name = f"activity-{project.code or project.pk}-{year}.xlsx"
    return (f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(filename(project, year), safe='')}")


def _set_text(cell, value):
    """A text that stays text, whatever it starts with (no formula from a project name)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True


def _set_amount(cell, value):
    if value is None:
        cell.value = None
        return
    value = Decimal(value).normalize()
    if len(value.as_tuple().digits) > EXCEL_DIGITS:
        _set_text(cell, format(value, "f"))  # Excel would round it: keep it exact as text
    else:
        cell.value = int(value) if value == value.to_integral_value() else value


def template_workbook(project, year, items, values) -> bytes:
    """The template for ``project`` and ``year``: ``items`` as ``activity.items_for`` lists
    them, each prefilled with ``values[item.key]`` (stored or from the plan)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("活动数据")
    bold = Font(bold=True)

    sheet.merge_cells("A1:F1")
    _set_text(sheet["A1"], _("河池市近零碳排放区试点 %(year)s年度活动数据填报表") % {"year": year})
    sheet["A1"].font = Font(bold=True, size=14)
    _set_text(sheet["A2"], _("项目编号"))
    _set_text(sheet[CODE_CELL], project.code or "")
    _set_text(sheet["C2"], _("核算年份"))
    sheet[YEAR_CELL] = year
    _set_text(sheet["A3"], _("项目名称"))
    sheet.merge_cells("B3:F3")
    _set_text(sheet[NAME_CELL], project.name)
    _set_text(sheet["A4"], _("填写要求"))
    sheet.merge_cells("B4:F4")
    _set_text(sheet["B4"], _("只在E列(数值)填写，单位以D列为准；不填表示无此项数据，0表示用量为0。"
                             "其他单元格已锁定，请勿增删行。详见「填写说明」工作表。"))
    sheet["B4"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[4].height = 32
    for ref in ("A2", "C2", "A3", "A4"):
        sheet[ref].font = bold

    header = (_("代码"), _("类别"), _("项目"), _("单位"), _("数值"), _("说明"))
    fill = PatternFill("solid", fgColor="E8F0E8")
    for column, text in enumerate(header, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column)
        _set_text(cell, text)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")

    open_fill = PatternFill("solid", fgColor="FFF8DC")
    for offset, item in enumerate(items):
        row = FIRST_ROW + offset
        for column, text in zip("ABCDF", (item.key, str(GROUPS[item.group]), item.label,
                                          item.unit, item.help), strict=True):
            _set_text(sheet[f"{column}{row}"], text)
        amount = sheet[f"{AMOUNT_COLUMN}{row}"]
        _set_amount(amount, values.get(item.key))
        amount.protection = Protection(locked=False)
        amount.fill = open_fill
    last = FIRST_ROW + len(items) - 1
    if items:
        check = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                               allow_blank=True, showErrorMessage=True,
                               errorTitle=_("数值无效"),
                               error=_("请填写不小于0的数字，最多4位小数。"))
        check.add(f"{AMOUNT_COLUMN}{FIRST_ROW}:{AMOUNT_COLUMN}{last}")
        sheet.add_data_validation(check)
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.protection.sheet = True  # only the amounts are unlocked

    notes = book.create_sheet(_("填写说明"))
    lines = [
        _("填写说明"),
        _("1. 本表由河池市近零碳排放区试点管理平台为上述项目和核算年份生成，只能上传到该项目该年份的活动数据页面。"),
        _("2. 只在「活动数据」工作表的E列填写数值，单位以D列为准，不要换算成其他单位，不要填写单位或千位分隔符。"),
        _("3. 数值不能为负数，最多保留4位小数；人口、产值、工业增加值、建筑面积等指标分母应大于0，"
          "居民绿色低碳意识(%)不大于100。"),
        _("4. 外购电力是从电网购入的全部电量；购入绿色电力(绿电交易、绿证)是其中的一部分，不能多于外购电力；"
          "光伏等自发自用的电量不含在外购电力中，单独填写。"),
        _("5. 不填表示无此项数据；确实没有消耗的，请填0。"),
        _("6. 化石燃料按因子库中的活动数据单位填写(如天然气为万Nm³，柴油为吨)。"),
        _("7. 碳汇和工业生产过程排放直接填写二氧化碳量(吨)，碳汇填正数。"),
        _("8. 上传时逐行检查：任何一行无法读取(数字无效、项目无法识别、单位不符、负数)，"
          "平台将列出行号，整个文件都不导入，请修改后重新上传。"),
        _("9. 上传成功后，本年度的数据以文件为准，与在线填报的结果相同。"),
    ]
    for line in lines:
        notes.append([None])
        _set_text(notes.cell(row=notes.max_row, column=1), line)
    notes["A1"].font = Font(bold=True, size=13)
    notes.column_dimensions["A"].width = 110
    notes.protection.sheet = True

    out = BytesIO()
    book.save(out)
    return out.getvalue()


# --- Reading a filled template ---------------------------------------------------------

def _check_archive(data: bytes):
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRejected([_("文件不是有效的Excel工作簿(.xlsx)。")]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadRejected([_("文件内容过大，不像是本平台生成的填报表，请使用下载的模板填写。")])


def _open(data: bytes, *, data_only: bool):
    try:
        return load_workbook(BytesIO(data), data_only=data_only)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise UploadRejected([_("文件无法作为Excel工作簿读取，请使用下载的模板填写后另存为.xlsx。")]) \
            from None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _excel_number(value):
    """A number as Excel stored it; one with more digits than Excel keeps is refused, so a
    figure is never silently rounded."""
    if isinstance(value, float):
        digits = Decimal(repr(value)).normalize().as_tuple().digits
        if len(digits) > EXCEL_DIGITS:
            raise AmountError(_("有效数字超过%(n)s位，Excel无法精确保存，请将该单元格设为文本后填写。")
                              % {"n": EXCEL_DIGITS})
    return value


def read_upload(uploaded, project, year, items) -> dict:
    """The amounts of a filled template for ``project`` and ``year`` ({item key: Decimal or
    None}, every item), or UploadRejected listing every problem."""
    try:
        check_upload(uploaded)
    except ValidationError as error:
        raise UploadRejected(error.messages) from None
    uploaded.seek(0)
    data = uploaded.read()
    if not data.startswith(b"PK"):
        raise UploadRejected([_("请上传Excel工作簿(.xlsx)，可先下载本页的模板。")])
    _check_archive(data)
    formulas = _open(data, data_only=False)
    cached = _open(data, data_only=True)
    sheet, values_sheet = formulas.worksheets[0], cached.worksheets[0]

    code, file_year = _text(sheet[CODE_CELL].value), _text(sheet[YEAR_CELL].value)
    if code != (project.code or "") or file_year != str(year):
        raise UploadRejected([
            _("该文件不是本项目%(year)s年的填报表(文件中为项目编号「%(code)s」、%(file_year)s年)，"
              "请下载本页的模板填写。")
            % {"year": year, "code": code or "—", "file_year": file_year or "—"}])
    if sheet.max_row > FIRST_ROW + MAX_ROWS:
        raise UploadRejected([_("文件行数过多(超过%(n)s行)，请使用下载的模板填写。") % {"n": MAX_ROWS}])

    by_key = {item.key: item for item in items}
    values, seen, errors = {}, {}, []
    for row in range(FIRST_ROW, sheet.max_row + 1):
        row_cells = [sheet.cell(row=row, column=c) for c in range(1, len(COLUMNS) + 1)]
        cells = [cell.value for cell in row_cells]
        if all(_text(v) == "" for v in cells[:5]):
            continue
        key, name, unit, raw = _text(cells[0]), _text(cells[2]), _text(cells[3]), cells[4]
        where = _("第%(row)s行") % {"row": row}
        item = by_key.get(key)
        if item is None:
            errors.append(_("%(where)s：无法识别的项目「%(name)s」(代码「%(key)s」)。")
                          % {"where": where, "name": name or "—", "key": key or "—"})
            continue
        where = _("第%(row)s行「%(name)s」") % {"row": row, "name": item.label}
        if key in seen:
            errors.append(_("%(where)s：与第%(first)s行重复。") % {"where": where, "first": seen[key]})
            continue
        seen[key] = row
        if not item.accepts_unit(unit):
            errors.append(_("%(where)s：单位应为「%(unit)s」，文件中为「%(found)s」。")
                          % {"where": where, "unit": item.unit, "found": unit or "—"})
            continue
        if row_cells[4].data_type == "f":  # a formula: the value Excel computed for it
            raw = values_sheet.cell(row=row, column=5).value
            if raw is None:
                errors.append(_("%(where)s：公式没有保存计算结果，请在Excel中打开并保存后重新上传，"
                                "或直接填写数值。") % {"where": where})
                continue
        try:
            values[key] = item.read(_excel_number(raw))
        except AmountError as error:
            errors.append(_("%(where)s：%(message)s") % {"where": where, "message": error.message})
    missing = [item for item in items if item.key not in seen]
    for item in missing:
        errors.append(_("文件缺少「%(name)s」一行(代码「%(key)s」)，请使用下载的模板填写。")
                      % {"name": item.label, "key": item.key})
    if not errors:
        for key, problems in cross_problems(values).items():
            where = _("第%(row)s行「%(name)s」") % {"row": seen[key], "name": by_key[key].label}
            errors += [_("%(where)s：%(message)s") % {"where": where, "message": p} for p in problems]
    if errors:
        raise UploadRejected(errors)
    return {item.key: values.get(item.key) for item in items}


__all__ = ["XLSX_CONTENT_TYPE", "UploadRejected", "content_disposition", "read_upload",
           "template_workbook"]

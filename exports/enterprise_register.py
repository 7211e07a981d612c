"""The enterprise register as XLSX: the list export, the import template, and reading it back.

All three share one column layout, so a list exported from one bureau imports cleanly
into another system's template and the headers people see are the same everywhere.
Reading lives here too because it is the same file format, not a domain rule: it only
turns a workbook into rows of raw cell values; the registry decides what they mean.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.enterprises import SCALE_LABELS, Enterprise
from core.regions import Industry, Region
from core.registry import FIELD_LABELS, REQUIRED

COLUMNS: tuple[str, ...] = tuple(FIELD_LABELS)  # field names, in sheet order
WIDTHS = {"name": 36, "credit_code": 22, "region_code": 28, "industry_code": 18, "address": 36}
MAX_IMPORT_ROWS = 20_000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


class UnreadableFile(Exception):
    """The upload is not a workbook we can read; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number Excel shows, so messages point at the right line
    values: dict[str, Any]  # field name → raw cell value


def _header(ws: Any, mark_required: bool) -> None:
    for index, field in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=FIELD_LABELS[field])
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if mark_required and field in REQUIRED else HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS.get(field, 14)
    ws.freeze_panes = "A2"


def _row(enterprise: Enterprise) -> list[Any]:
    return [
        enterprise.name,
        enterprise.credit_code,
        enterprise.region.full_name,
        enterprise.industry.name,
        enterprise.address,
        enterprise.legal_representative,
        enterprise.safety_contact,
        enterprise.safety_phone,
        enterprise.employee_count,
        enterprise.scale_label,
        "是" if enterprise.major_hazard else "否",
    ]


def render_enterprise_list(enterprises: Iterable[Enterprise]) -> bytes:
    """The filtered list as a workbook with the import template's columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    _header(ws, mark_required=False)
    for enterprise in enterprises:
        ws.append(_row(enterprise))
    for cell in ws["B"][1:]:
        cell.number_format = "@"
    ws.auto_filter.ref = ws.dimensions
    return _save(wb)


def render_import_template(regions: Sequence[Region], industries: Sequence[Industry]) -> bytes:
    """An empty sheet with drop-downs, plus the region and industry lists to pick from."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    _header(ws, mark_required=True)
    for row in range(2, 5002):
        ws.cell(row=row, column=2).number_format = "@"  # keep 18-digit codes as text

    ref = wb.create_sheet("地区代码")
    ref.append(["所在地区（可填全称或代码）", "行政区划代码"])
    for region in regions:
        ref.append([region.full_name, region.code])
    ref.column_dimensions["A"].width = 40
    ref.column_dimensions["B"].width = 16

    ind = wb.create_sheet("行业")
    ind.append(["行业", "代码"])
    for industry in industries:
        ind.append([industry.name, industry.code])
    ind.column_dimensions["A"].width = 24

    help_ws = wb.create_sheet("填写说明")
    for line in (
        ["填写说明"],
        ["1. 橙色表头为必填列；每行一家企业，从第 2 行开始填写，不要修改表头。"],
        ["2. 统一社会信用代码为 18 位，系统按 GB 32100-2015 校验位核验。"],
        ["3. 所在地区填写“地区代码”表中的全称（如 淄博市张店区）或行政区划代码，"
         "须在您的辖区内，到区县或乡镇（街道）一级。"],
        ["4. 行业从下拉列表选择；企业规模填 大型、中型、小型 或 微型；涉及重大危险源填 是 或 否。"],
        ["5. 导入为整批生效：任一行有误则全部不导入，页面会列出每个错误的行号、列和原因。"],
        ["6. 已登记的统一社会信用代码不会被覆盖，会作为错误列出。"],
    ):
        help_ws.append(line)
    help_ws.column_dimensions["A"].width = 110

    last_region, last_industry = len(regions) + 1, len(industries) + 1
    for field, formula in (
        ("region_code", f"='地区代码'!$A$2:$A${last_region}"),
        ("industry_code", f"='行业'!$A$2:$A${last_industry}"),
        ("scale", '"' + ",".join(SCALE_LABELS.values()) + '"'),
        ("major_hazard", '"是,否"'),
    ):
        letter = get_column_letter(COLUMNS.index(field) + 1)
        dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                            showErrorMessage=field not in ("region_code",))
        dv.add(f"{letter}2:{letter}5001")
        ws.add_data_validation(dv)
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_import_rows(data: bytes) -> list[SheetRow]:
    """Rows of the first sheet keyed by field, skipping blank rows; headers matched by name."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为”.xlsx 格式后再导入")
    if not data.startswith(b"PK"):
        raise UnreadableFile("文件不是 Excel 工作簿（.xlsx），请使用下载的导入模板填写")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile("文件已损坏或不是有效的 .xlsx 工作簿，无法读取") from exc
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        by_label = {label: field for field, label in FIELD_LABELS.items()}
        positions: dict[int, str] = {}
        for index, title in enumerate(header or ()):
            label = str(title or "").strip().rstrip("*＊").strip()
            if label in by_label:
                positions[index] = by_label[label]
        missing = [FIELD_LABELS[f] for f in REQUIRED if f not in positions.values()]
        if missing:
            raise UnreadableFile(f"第 1 行表头缺少必填列：{'、'.join(missing)}。请使用下载的导入模板")
        result: list[SheetRow] = []
        for number, values in enumerate(rows, start=2):
            record = {field: values[i] for i, field in positions.items() if i < len(values)}
            if all(v is None or str(v).strip() == "" for v in record.values()):
                continue
            result.append(SheetRow(number, record))
            if len(result) > MAX_IMPORT_ROWS:
                raise UnreadableFile(f"一次最多导入 {MAX_IMPORT_ROWS} 行，请拆分后分批导入")
        return result
    finally:
        wb.close()

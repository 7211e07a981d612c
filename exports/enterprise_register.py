"""The enterprise register as XLSX: the list export, the import template, and reading it back.

All three share one column layout, so a list exported from one bureau imports cleanly
into another system's template and the headers people see are the same everywhere.
Reading lives here too because it is the same file format, not a domain rule: it only
turns a workbook into rows of raw cell values; the registry decides what they mean.

Every cell written goes through :func:`exports.xlsx.append_row`, so a name such as
``=HYPERLINK(…)`` stays text in whoever opens the file. Reading treats the upload as
hostile: the zip is inspected before openpyxl unpacks anything (a 300 MB cell packed
into 300 KB is refused from the zip's directory alone), XML is parsed by defusedxml
(openpyxl uses it when installed), the sheet is streamed in read-only mode, and rows
(blank ones included), cell sizes and the time spent are all bounded.
"""

from __future__ import annotations

import io
import time
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from defusedxml import DefusedXmlException
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.attachments import OLE_SIGNATURE, ZipLimits, zip_problem
from core.enterprises import SCALE_LABELS, Enterprise
from core.errors import ValidationError
from core.regions import Industry, Region
from core.registry import FIELD_LABELS, REQUIRED
from exports.xlsx import append_row

COLUMNS: tuple[str, ...] = tuple(FIELD_LABELS)  # field names, in sheet order
WIDTHS = {"name": 36, "credit_code": 22, "region_code": 28, "industry_code": 18, "address": 36}
MAX_IMPORT_ROWS = 20_000  # data rows, blank ones included
MAX_CELL_CHARS = 2_000  # far above any field's limit; only a guard against abuse
IMPORT_ZIP_LIMITS = ZipLimits(max_unpacked=50 * 1024 * 1024, max_ratio=100)
IMPORT_TIME_BUDGET = 60.0  # seconds of reading before the file is refused as too heavy
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
USE_TEMPLATE = "请使用下载的导入模板填写"
UNSAFE_XML = "文件含有不允许的 XML 内容（DTD 或实体声明），可能是恶意构造的文件，已拒绝"
CORRUPT = "文件已损坏或不是有效的 .xlsx 工作簿，无法读取。请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入"


class UnreadableFile(ValidationError):
    """The upload is not a workbook we can read; the message (on the file field) says why."""

    def __init__(self, message: str) -> None:
        super().__init__({"file": message})


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number Excel shows, so messages point at the right line
    values: dict[str, Any]  # field name → raw cell value, for every column the sheet has


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
        append_row(ws, _row(enterprise))
    for cell in ws["B"][1:]:
        cell.number_format = "@"
    ws.auto_filter.ref = ws.dimensions
    return _save(wb)


HELP_LINES = (
    "填写说明",
    "1. 橙色表头为必填列；每行一家企业，从第 2 行开始填写，不要修改表头。",
    "2. 统一社会信用代码为 18 位，系统按 GB 32100-2015 校验位核验。",
    "3. 所在地区填写“地区代码”表中的全称（如 淄博市张店区）或行政区划代码，须在您的辖区内，到区县或乡镇（街道）一级。",
    "4. 行业从下拉列表选择；企业规模填 大型、中型、小型 或 微型；涉及重大危险源填 是 或 否。",
    "5. 导入为整批生效：任一行有误则全部不导入，页面会列出每个错误的行号、列和原因。",
    "6. 已登记的统一社会信用代码默认不覆盖，会作为错误列出；在导入页勾选“更新已登记企业”后，"
    "辖区内已登记的企业按本表更新（空白单元格会清空原有内容；删去的列保持原值）。",
    f"7. 一次最多 {MAX_IMPORT_ROWS} 行；单元格内容不超过 {MAX_CELL_CHARS} 个字。",
)


def render_import_template(regions: Sequence[Region], industries: Sequence[Industry]) -> bytes:
    """An empty sheet with drop-downs, plus the region and industry lists to pick from."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    _header(ws, mark_required=True)
    for row in range(2, 5002):
        ws.cell(row=row, column=2).number_format = "@"  # keep 18-digit codes as text

    ref = wb.create_sheet("地区代码")
    append_row(ref, ["所在地区（可填全称或代码）", "行政区划代码"])
    for region in regions:
        append_row(ref, [region.full_name, region.code])
    ref.column_dimensions["A"].width = 40
    ref.column_dimensions["B"].width = 16

    ind = wb.create_sheet("行业")
    append_row(ind, ["行业", "代码"])
    for industry in industries:
        append_row(ind, [industry.name, industry.code])
    ind.column_dimensions["A"].width = 24

    help_ws = wb.create_sheet("填写说明")
    for line in HELP_LINES:
        append_row(help_ws, [line])
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


# --- reading an upload ------------------------------------------------------------------


def _check_container(data: bytes) -> None:
    """Refuse what is not a sound .xlsx zip before any XML is parsed."""
    if not data:
        raise UnreadableFile("文件是空的（0 字节），请选择填好的 .xlsx 文件")
    if data.startswith(OLE_SIGNATURE):
        raise UnreadableFile("这是旧版 Excel（.xls）文件或设置了打开密码的工作簿。请取消密码，"
                             "并在 Excel 或 WPS 中“另存为”.xlsx 格式后再导入")
    if not data.startswith(b"PK"):
        raise UnreadableFile(f"文件不是 Excel 工作簿（.xlsx），{USE_TEMPLATE}")
    if why := zip_problem(data, "Excel 工作簿", ("[Content_Types].xml", "xl/workbook.xml"),
                          IMPORT_ZIP_LIMITS):
        raise UnreadableFile(why)
    try:
        unsafe = _declares_dtd(data)
    except Exception as exc:  # a part that cannot be unpacked (bad CRC, broken stream …)
        raise UnreadableFile(CORRUPT) from exc
    if unsafe:
        raise UnreadableFile(UNSAFE_XML)


DTD_MARKERS = tuple(m for text in ("<!DOCTYPE", "<!ENTITY") for m in
                    (text.encode(), text.encode("utf-16-le"), text.encode("utf-16-be")))


def _declares_dtd(data: bytes) -> bool:
    """Whether any XML part declares a DTD — which no genuine workbook does.

    defusedxml refuses entities where openpyxl streams the sheet; the smaller parts are
    parsed without resolving entities. Refusing every DTD up front gives one clear
    answer for them all. The parts were size-checked already, and are read in chunks.
    """
    overlap = max(len(m) for m in DTD_MARKERS) - 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for part in archive.infolist():
            if not part.filename.endswith((".xml", ".rels", ".vml")):
                continue
            tail = b""
            with archive.open(part) as stream:
                while chunk := stream.read(1 << 20):
                    window = tail + chunk
                    if any(marker in window for marker in DTD_MARKERS):
                        return True
                    tail = window[-overlap:]
    return False


def _read_failure(exc: BaseException) -> UnreadableFile:
    """What to tell the user when openpyxl could not read the file (it wraps parser errors)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return UnreadableFile(UNSAFE_XML)
        cause = cause.__cause__ or cause.__context__
    return UnreadableFile(CORRUPT)


def _guarded(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Rows as openpyxl streams them; any failure of the parser becomes ``UnreadableFile``.

    A hostile file can make a third-party parser fail in any number of ways (KeyError,
    ValueError, SyntaxError, zlib errors …); to the user each means the same thing.
    """
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # any failure: see the docstring
            raise _read_failure(exc) from exc
        yield values


def _text_length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def read_import_rows(data: bytes, time_budget: float = IMPORT_TIME_BUDGET,
                     clock: Callable[[], float] = time.monotonic) -> list[SheetRow]:
    """Rows of the first sheet keyed by field, skipping blank rows; headers matched by name.

    Raises ``UnreadableFile`` (a ``ValidationError`` on the file field) with a Chinese
    message for anything that is not a workbook we can read within the limits.
    """
    deadline = clock() + time_budget
    _check_container(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # any failure to open means the same to the user
            raise _read_failure(exc) from exc
        try:
            return _read_first_sheet(wb, deadline, clock)
        finally:
            wb.close()


def _read_first_sheet(wb: Any, deadline: float, clock: Callable[[], float]) -> list[SheetRow]:
    try:
        sheets = wb.worksheets
    except Exception as exc:  # the sheet's size is read here, from hostile XML
        raise _read_failure(exc) from exc
    if not sheets:
        raise UnreadableFile(f"工作簿中没有工作表，{USE_TEMPLATE}")
    ws = sheets[0]
    if (ws.max_row or 0) > MAX_IMPORT_ROWS + 1:
        raise UnreadableFile(f"工作表共有 {ws.max_row} 行（含空行），一次最多导入 {MAX_IMPORT_ROWS} 行。"
                             "请删除多余的行或拆分后分批导入")
    ws.reset_dimensions()  # read every row the file holds, not only those its dimension claims
    rows = _guarded(ws.iter_rows(values_only=True))
    header = next(rows, None)
    by_label = {label: field for field, label in FIELD_LABELS.items()}
    positions: dict[int, str] = {}
    for index, title in enumerate(header or ()):
        label = str(title or "")[:100].strip().rstrip("*＊").strip()
        if label in by_label and by_label[label] not in positions.values():
            positions[index] = by_label[label]
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in positions.values()]
    if missing:
        raise UnreadableFile(f"第 1 行表头缺少必填列：{'、'.join(missing)}。{USE_TEMPLATE}")
    result: list[SheetRow] = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            raise UnreadableFile(f"工作表超过 {MAX_IMPORT_ROWS} 行（含空行），请删除多余的行或拆分后分批导入")
        if clock() > deadline:
            raise UnreadableFile(f"文件过于复杂，读到第 {number} 行时已超过处理时限，请拆分后分批导入")
        record = {field: values[i] if i < len(values) else None for i, field in positions.items()}
        for index, field in positions.items():
            if (length := _text_length(record[field])) > MAX_CELL_CHARS:
                raise UnreadableFile(
                    f"第 {number} 行 {get_column_letter(index + 1)} 列（{FIELD_LABELS[field]}）有 {length} 个字，"
                    f"单元格内容不能超过 {MAX_CELL_CHARS} 个字")
        if all(v is None or str(v).strip() == "" for v in record.values()):
            continue
        result.append(SheetRow(number, record))
    return result

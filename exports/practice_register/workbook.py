"""The two lists as workbooks: titled, two-row merged headers, frozen panes, coloured risk levels.

Cells go through :func:`exports.xlsx.append_row` (formula-safe).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from benchmarks.grading import Band, Method, RiskLevel
from benchmarks.models import CheckItem, RiskPoint
from core.enterprises import Enterprise
from exports.practice_register.columns import (
    CHECK_HEADERS,
    LEVEL_FILL,
    LEVEL_INK,
    band_note,
    by_method,
    check_row,
    factor_headers,
    risk_headers,
    risk_row,
)
from exports.xlsx import append_row, workbook_bytes

THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.cell(row=1, column=1, value=text).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _header(ws: Worksheet, rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
    """Header rows from row 2; equal neighbours merge across, blanks below a label merge down."""
    first = 2
    for r, labels in enumerate(rows):
        for c, label in enumerate(labels, start=1):
            cell = ws.cell(row=first + r, column=c, value=label or None)
            cell.font, cell.fill, cell.alignment, cell.border = Font(bold=True), HEAD_FILL, CENTRE, GRID
    top = rows[0]
    c = 0
    while c < len(top):
        end = c
        while end + 1 < len(top) and top[end + 1] == top[c]:
            end += 1
        if end > c:
            ws.merge_cells(start_row=first, start_column=c + 1, end_row=first, end_column=end + 1)
        elif len(rows) > 1 and not rows[1][c]:
            ws.merge_cells(start_row=first, start_column=c + 1, end_row=first + len(rows) - 1, end_column=c + 1)
        c = end + 1
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"C{first + len(rows)}"  # a string: touching the cell would create an empty row


def _body(ws: Worksheet, rows: Sequence[Sequence[object]], level_column: int | None,
          levels: Sequence[RiskLevel] = ()) -> None:
    for number, values in enumerate(rows):
        append_row(ws, values)
        for cell in ws[ws.max_row]:
            cell.alignment, cell.border = WRAP, GRID
        if level_column is not None:
            level = levels[number]
            cell = ws.cell(row=ws.max_row, column=level_column)
            cell.fill = PatternFill("solid", fgColor=LEVEL_FILL[level])
            cell.font = Font(bold=True, color=LEVEL_INK[level])


RISK_WIDTHS = (6, 18, 10, 34, 22, 26, 26, 18, 18, 22)


def _risk_widths(method: Method) -> list[int]:
    factors = len(factor_headers(method))
    return [*RISK_WIDTHS[:5], *([24] * 5), *([6] * factors), 14, 22, 14, 10]


def render_risk_register_xlsx(enterprise: Enterprise, points: Sequence[RiskPoint],
                              bands: Mapping[Method, Sequence[Band]] | None = None) -> bytes:
    """风险分级管控清单 as a workbook: one sheet per evaluation method used."""
    wb = Workbook()
    wb.remove(wb.active)
    for method, group in by_method(points):
        ws = wb.create_sheet(f"风险分级管控清单（{method.name}）")
        top, sub = risk_headers(method)
        _title(ws, f"{enterprise.name}风险分级管控清单（{method.label}）", len(top))
        _header(ws, (top, sub), _risk_widths(method))
        _body(ws, [risk_row(n, p) for n, p in enumerate(group, start=1)], top.index("风险等级") + 1,
              [p.risk_level for p in group])
        if note := band_note(method, bands):
            append_row(ws, [])
            append_row(ws, [note])
    return workbook_bytes(wb)


def render_check_list_xlsx(enterprise: Enterprise, items: Sequence[CheckItem]) -> bytes:
    """隐患排查清单 as a workbook: one sheet, 现场类 and 基础管理类 told apart by 类别."""
    wb = Workbook()
    ws = wb.active
    ws.title = "隐患排查清单"
    _title(ws, f"{enterprise.name}隐患排查清单", len(CHECK_HEADERS))
    _header(ws, (CHECK_HEADERS,), (6, 50, 30, 10, 12, 14, 22))
    _body(ws, [check_row(n, item) for n, item in enumerate(items, start=1)], None)
    return workbook_bytes(wb)

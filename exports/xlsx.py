"""Writing workbooks safely: every text cell stays text, whatever it begins with.

Spreadsheet programs run a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK("http://evil.example",…)``, ``=cmd|' /C calc'!A0``), and a leading tab or
CR can smuggle one in. OWASP's CSV-injection rule is to write such values as text: here
they are stored as strings with Excel's "quote prefix" set, so Excel shows the text,
never evaluates it, and reading the file back gives the same string. Characters XML
cannot hold (refused at input, but older rows may have them) are dropped, not fatal.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def append_row(ws: Worksheet, values: Iterable[Any]) -> None:
    """Append one row; every string is written as inert text."""
    clean = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
    ws.append(clean)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
            cell.data_type = "s"
            cell.quotePrefix = True


def header_row(ws: Worksheet, labels: Sequence[str], widths: Sequence[int] | None = None) -> None:
    """A bold, shaded first row with frozen panes below it."""
    for index, label in enumerate(labels, start=1):
        cell = ws.cell(row=1, column=index, value=label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        width = widths[index - 1] if widths and index <= len(widths) else max(10, 2 * len(label) + 4)
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def render_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet workbook of a list as the page shows it: headers, then one row per item."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    header_row(ws, headers)
    for row in rows:
        append_row(ws, row)
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    return workbook_bytes(wb)

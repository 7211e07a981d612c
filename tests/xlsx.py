"""Build small XLSX files in tests, the way a user's spreadsheet would look — or an attacker's.

Every hostile file is made here, in memory, from a genuine workbook with one part
changed: that keeps each test's file as close to real as possible except for the one
thing under test.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core.registry import FIELD_LABELS

HEADERS = list(FIELD_LABELS.values())
SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row(name: str, code: str, region: str = "淄博市张店区", industry: str = "危险化学品（化工）",
        **extra: Any) -> list[Any]:
    values = {"address": "", "legal_representative": "", "safety_contact": "", "safety_phone": "",
              "employee_count": 100, "scale": "中型", "major_hazard": "否", **extra}
    return [name, code, region, industry, *values.values()]


def parts(data: bytes) -> dict[str, bytes]:
    """The zip's parts by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(contents: Mapping[str, bytes]) -> bytes:
    """A zip (deflated) holding exactly ``contents``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in contents.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """``data`` with one part replaced (or added)."""
    return rezip({**parts(data), name: content})


def without_part(data: bytes, name: str) -> bytes:
    return rezip({k: v for k, v in parts(data).items() if k != name})


def sheet_xml(rows_xml: str, dimension: str | None = None) -> bytes:
    """A worksheet part with the given ``<row>`` elements (and ``<dimension>``, if any)."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{MAIN_NS}">{head}<sheetData>{rows_xml}</sheetData></worksheet>'.encode()


def cells_xml(number: int, values: Sequence[str]) -> str:
    """One ``<row>`` of inline strings, from column A."""
    cells = "".join(f'<c r="{get_column_letter(i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                    for i, v in enumerate(values, start=1))
    return f'<row r="{number}">{cells}</row>'


def giant_cell(chars: int) -> bytes:
    """A genuine workbook whose row 2 holds one name of ``chars`` letters, deflated hard.

    The sheet is streamed into the zip, so making a 300 MB cell costs a few hundred KB.
    """
    contents = parts(workbook([]))
    header = cells_xml(1, HEADERS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in contents.items():
            if name != SHEET:
                archive.writestr(name, content)
        with archive.open(SHEET, "w", force_zip64=True) as stream:
            stream.write(f'<worksheet xmlns="{MAIN_NS}"><sheetData>{header}'
                         '<row r="2"><c r="A2" t="inlineStr"><is><t>'.encode())
            chunk = b"A" * (1 << 20)
            for _ in range(chars >> 20):
                stream.write(chunk)
            stream.write(b"A" * (chars & ((1 << 20) - 1)))
            stream.write(b"</t></is></c></row></sheetData></worksheet>")
    return buffer.getvalue()

"""Build small XLSX files in tests, the way a user's spreadsheet would look."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from core.registry import FIELD_LABELS

HEADERS = list(FIELD_LABELS.values())


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

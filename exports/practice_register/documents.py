"""The two lists as documents: 风险分级管控清单 on A4 landscape (one table per method), 隐患排查清单 on A4."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from benchmarks.grading import Band, Method
from benchmarks.models import CheckItem, RiskPoint
from core.enterprises import Enterprise
from exports.practice_register.columns import (
    CHECK_HEADERS,
    LEVEL_FILL,
    LEVEL_INK,
    band_note,
    by_method,
    check_row,
    counts_line,
    factor_headers,
    risk_headers,
    risk_row,
)
from exports.practice_register.docx_kit import (
    HEI,
    Cell,
    add_table,
    document_bytes,
    heading,
    new_document,
    note,
    scaled,
    usable_width,
)


def _header_cells(top: Sequence[str], sub: Sequence[str]) -> list[list[Cell]]:
    """Two header rows: the same label side by side becomes one spanning cell, a label with
    nothing below it is merged down."""
    first: list[Cell] = []
    second: list[Cell] = []
    c = 0
    while c < len(top):
        end = c
        while end + 1 < len(top) and top[end + 1] == top[c]:
            end += 1
        span = end - c + 1
        if span > 1:
            first.append(Cell(top[c], span=span, bold=True, centred=True, fill="DDEBF7", east_asia=HEI))
            second += [Cell(label, bold=True, centred=True, fill="DDEBF7", east_asia=HEI) for label in sub[c:end + 1]]
        else:
            first.append(Cell(top[c], merge="restart", bold=True, centred=True, fill="DDEBF7", east_asia=HEI))
            second.append(Cell("", merge="continue", fill="DDEBF7"))
        c = end + 1
    return [first, second]


RISK_WEIGHTS = (7, 22, 11, 28, 20, 18, 18, 18, 18, 18)


def _risk_weights(method: Method) -> list[float]:
    factors = len(factor_headers(method))
    return [*RISK_WEIGHTS, *([8] * factors), 14, 16, 14, 12]


def render_risk_register_docx(enterprise: Enterprise, points: Sequence[RiskPoint],
                              bands: Mapping[Method, Sequence[Band]] | None = None, issued: str = "") -> bytes:
    """风险分级管控清单 as an A4-landscape document: one table per evaluation method."""
    doc = new_document(landscape=True)
    heading(doc, f"{enterprise.name}\n风险分级管控清单", size=16)
    note(doc, "　".join(part for part in (
        f"统一社会信用代码：{enterprise.credit_code}", f"行业：{enterprise.industry.name}",
        f"编制日期：{issued}" if issued else "", counts_line(points)) if part), size=10)
    numbers = "一二三"
    groups = by_method(points)
    for index, (method, group) in enumerate(groups):
        if len(groups) > 1 or group:
            heading(doc, f"{numbers[index]}、{method.label}评价的风险点（{method.formula}）", size=12,
                    centred=False, space_after=3)
        top, sub = risk_headers(method)
        level_at = top.index("风险等级")
        rows = _header_cells(top, sub)
        for number, point in enumerate(group, start=1):
            values = risk_row(number, point)
            rows.append([
                Cell(str(value), fill=LEVEL_FILL[point.risk_level] if c == level_at else None,
                     ink=LEVEL_INK[point.risk_level] if c == level_at else None, bold=c == level_at,
                     centred=c == 0 or (c >= level_at - len(factor_headers(method)) and c <= level_at))
                for c, value in enumerate(values)])
        add_table(doc, scaled(_risk_weights(method), usable_width(True)), rows, header_rows=2, size=8)
        if text := band_note(method, bands):
            note(doc, text, size=8)
    return document_bytes(doc)


def render_check_list_docx(enterprise: Enterprise, items: Sequence[CheckItem], issued: str = "") -> bytes:
    """隐患排查清单 as an A4 document."""
    doc = new_document(landscape=False)
    heading(doc, f"{enterprise.name}\n隐患排查清单", size=16)
    site = sum(1 for i in items if i.category.value == "site")
    note(doc, "　".join(part for part in (
        f"统一社会信用代码：{enterprise.credit_code}", f"编制日期：{issued}" if issued else "",
        f"共 {len(items)} 项：现场类 {site} 项、基础管理类 {len(items) - site} 项") if part), size=10)
    rows = [[Cell(label, bold=True, centred=True, fill="DDEBF7", east_asia=HEI) for label in CHECK_HEADERS]]
    rows += [[Cell(str(v), centred=c in (0, 3, 4, 5)) for c, v in enumerate(check_row(n, item))]
             for n, item in enumerate(items, start=1)]
    add_table(doc, scaled((6, 48, 26, 10, 12, 12, 20), usable_width(False)), rows, header_rows=1, size=9)
    return document_bytes(doc)

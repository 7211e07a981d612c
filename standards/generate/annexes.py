"""The informative annexes: 附录A 风险分级管控清单 and 附录B 隐患排查清单 (the enterprises'
practices as traced tables), 附录C 风险评价方法 (the scales and bands of the methods in use)."""

from __future__ import annotations

from benchmarks.grading import FACTORS, Band, Method
from standards.generate.nodes import K, Node, node
from standards.generate.practices import Practices
from standards.generate.tables import CHECK_HEADER, RISK_HEADER, _check_row, _plain, _risk_row, _tables, table
from standards.models import AnnexType


def _annex_a(practices: Practices) -> Node:
    annex = Node(K.ANNEX, "风险分级管控清单", annex_type=AnnexType.INFORMATIVE)
    for enterprise in practices.enterprises:
        points = practices.risk_points[enterprise.id]
        if points:
            annex.children.append(node(K.PARAGRAPH, body=f"{enterprise.name}的风险分级管控清单见下表。"))
            annex.children += _tables(f"{enterprise.name}风险分级管控清单", points, RISK_HEADER, _risk_row)
    if not annex.children:
        annex.children.append(node(K.PARAGRAPH, body="标杆企业尚未录入风险点，生成初稿后可补充。"))
    return annex


def _annex_b(practices: Practices) -> Node:
    annex = Node(K.ANNEX, "隐患排查清单", annex_type=AnnexType.INFORMATIVE)
    names = {p.id: p.name for points in practices.risk_points.values() for p in points}
    for enterprise in practices.enterprises:
        checks = practices.check_items[enterprise.id]
        if checks:
            annex.children.append(node(K.PARAGRAPH, body=f"{enterprise.name}的隐患排查清单见下表。"))
            annex.children += _tables(f"{enterprise.name}隐患排查清单", checks, CHECK_HEADER,
                                      lambda n, c: _check_row(n, c, names))
    if not annex.children:
        annex.children.append(node(K.PARAGRAPH, body="标杆企业尚未录入隐患排查项，生成初稿后可补充。"))
    return annex


def _band_rows(method: Method, bands: list[Band]) -> list[list[object]]:
    letter = method.formula.split(" = ")[0]
    ordered = sorted(bands, key=lambda b: b.level)
    rows = []
    for i, band in enumerate(ordered):
        low = f"{letter} {'≥' if band.inclusive else '>'} {_plain(band.lower)}"
        if i:
            upper = ordered[i - 1]
            low += f" 且 {letter} {'<' if upper.inclusive else '≤'} {_plain(upper.lower)}"
        rows.append([low, band.level.label, band.level.colour])
    return rows


def _annex_c(practices: Practices, bands: dict[Method, list[Band]]) -> Node:
    annex = Node(K.ANNEX, "风险评价方法", annex_type=AnnexType.INFORMATIVE)
    for method in practices.methods or [Method.LS, Method.LEC]:
        part = node(K.CLAUSE, method.label, f"风险值按 {method.formula} 计算，各因素的取值见下表。")
        for factor in FACTORS[method]:
            part.children.append(Node(K.TABLE, f"{factor.label}（{factor.key}）取值",
                                      table(("分值", "判定准则"), [(_plain(v), m) for v, m in factor.scale.items()])))
        part.children.append(Node(K.TABLE, f"{method.label}风险分级",
                                  table(("风险值", "风险等级", "颜色"), _band_rows(method, bands[method]))))
        annex.children.append(part)
    return annex

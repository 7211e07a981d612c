"""What goes in the columns of the two lists: headers per evaluation method, and each row's cells.

Shared by the XLSX and the DOCX renderers, so both lists say exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from benchmarks.grading import FACTORS, Band, Method, RiskLevel
from benchmarks.models import MEASURE_LABELS, CheckItem, MeasureKind, RiskPoint

# The five columns of 现有控制措施, and where each of the notice's six types is written.
MEASURE_COLUMNS = (MeasureKind.ENGINEERING, MeasureKind.MANAGEMENT, MeasureKind.TRAINING,
                   MeasureKind.PROTECTION, MeasureKind.EMERGENCY)
COLUMN_OF = {
    MeasureKind.RULES: MeasureKind.MANAGEMENT, MeasureKind.PHYSICAL: MeasureKind.ENGINEERING,
    MeasureKind.MONITORING: MeasureKind.ENGINEERING, MeasureKind.VIDEO: MeasureKind.ENGINEERING,
    MeasureKind.AUTOMATION: MeasureKind.ENGINEERING, MeasureKind.EMERGENCY_MANAGEMENT: MeasureKind.EMERGENCY,
}
MEASURE_HEADERS = ("工程技术", "管理措施", "培训教育", "个体防护", "应急处置")
RESULT_LETTER = {Method.LS: "R", Method.LEC: "D", Method.MES: "R"}
RISK_LEADING = ("序号", "区域/风险点", "类型", "危险因素或潜在事件", "主要后果/事故类型")
RISK_TRAILING = ("风险等级", "管控层级", "责任单位", "责任人")
CHECK_HEADERS = ("序号", "排查内容", "排查依据", "排查频次", "类别", "排查层级", "关联风险点")
# Fill colours of the four levels (print-safe), and the text colour that reads on each.
LEVEL_FILL = {RiskLevel.MAJOR: "FF0000", RiskLevel.SERIOUS: "FF9900", RiskLevel.GENERAL: "FFFF00",
              RiskLevel.LOW: "0070C0"}
LEVEL_INK = {RiskLevel.MAJOR: "FFFFFF", RiskLevel.SERIOUS: "000000", RiskLevel.GENERAL: "000000",
             RiskLevel.LOW: "FFFFFF"}


def factor_headers(method: Method) -> tuple[str, ...]:
    """``("L", "E", "C", "D")``: a method's factor columns and its result's letter."""
    return (*(f.key for f in FACTORS[method]), RESULT_LETTER[method])


def risk_headers(method: Method) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two header rows of a method's risk list (the second names the split columns)."""
    factors = factor_headers(method)
    top = (*RISK_LEADING, *(["现有控制措施"] * 5), *(["风险评价"] * len(factors)), *RISK_TRAILING)
    sub = (*([""] * len(RISK_LEADING)), *MEASURE_HEADERS, *factors, *([""] * len(RISK_TRAILING)))
    return top, sub


def _plain(value: object) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def place(point: RiskPoint) -> str:
    """区域/风险点: the area and the point, one per line."""
    return f"{point.location}\n{point.name}" if point.location else point.name


def consequences(point: RiskPoint) -> str:
    """主要后果/事故类型: the consequences, then the GB 6441 accident types."""
    types = "事故类型：" + "、".join(point.accident_types) if point.accident_types else ""
    return "\n".join(part for part in (point.consequences, types) if part)


def measure_cells(point: RiskPoint) -> list[str]:
    """The five 现有控制措施 cells: numbered measures per column, the notice's types labelled."""
    cells: dict[MeasureKind, list[str]] = {kind: [] for kind in MEASURE_COLUMNS}
    for measure in point.measures:
        column = COLUMN_OF.get(measure.kind, measure.kind)
        label = f"{MEASURE_LABELS[measure.kind]}：" if measure.kind in COLUMN_OF else ""
        cells[column].append(label + measure.content)
    return ["\n".join(f"{n}. {text}" if len(texts) > 1 else text for n, text in enumerate(texts, start=1))
            for texts in cells.values()]


def level_text(point: RiskPoint) -> str:
    return f"{point.risk_level.label}（{point.risk_level.colour}）"


def risk_row(number: int, point: RiskPoint) -> list[str | int]:
    factors = [str(point.inputs.get(f.key, "")) for f in FACTORS[point.method]]
    return [number, place(point), point.kind.label, point.hazards, consequences(point), *measure_cells(point),
            *factors, _plain(point.result), level_text(point), "、".join(c.label for c in point.controls),
            point.responsible_unit, point.responsible_person]


def check_row(number: int, item: CheckItem) -> list[str | int]:
    return [number, item.content, item.basis, item.frequency.label, item.category.label, item.check_level.label,
            item.risk_point.name if item.risk_point is not None else ""]


def by_method(points: Sequence[RiskPoint]) -> list[tuple[Method, list[RiskPoint]]]:
    """The points of each method used, LS, LEC, MES in that order (an empty register: LS)."""
    groups = [(m, [p for p in points if p.method == m]) for m in Method]
    used = [(m, ps) for m, ps in groups if ps]
    return used or [(Method.LS, [])]


def band_note(method: Method, bands: Mapping[Method, Sequence[Band]] | None) -> str:
    if not bands or method not in bands:
        return ""
    parts = "、".join(f"{b.level.label} {RESULT_LETTER[method]} {b.text}" for b in sorted(
        bands[method], key=lambda b: b.level))
    return f"注：{method.label}，{method.formula}；分级标准：{parts}。"


def counts_line(points: Sequence[RiskPoint]) -> str:
    counts = {level: sum(1 for p in points if p.level == level) for level in RiskLevel}
    return f"共 {len(points)} 个风险点：" + "、".join(f"{lv.label} {n} 个" for lv, n in counts.items())

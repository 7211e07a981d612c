"""Practices as Markdown tables in clause bodies, one per enterprise, each row traced to its practice.

A table is cut into several (at most ``ROWS_PER_TABLE`` rows) when it would not fit a
clause body (``BODY_MAX``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from benchmarks.grading import ControlLevel, RiskLevel
from benchmarks.models import CheckItem, RiskPoint
from standards.drafting import BODY_MAX
from standards.generate.nodes import K, Node

ROWS_PER_TABLE = 100


def cell(value: object) -> str:
    """One table cell: pipes escaped, lines joined, an empty cell shown as "—" (GB/T 1.1 §10.4)."""
    text = "；".join(line.strip() for line in str(value or "").splitlines() if line.strip())
    return text.replace("\\", "\\\\").replace("|", "\\|") or "—"


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


RISK_HEADER = ("序号", "风险点", "类型", "区域/位置", "危险源或潜在事件", "可能导致的事故类型", "评价方法",
               "评价结果", "风险等级", "管控层级", "管控措施", "责任单位", "责任人")
CHECK_HEADER = ("序号", "排查内容", "排查依据", "排查频次", "类别", "排查层级", "关联风险点")


def _risk_row(n: int, p: RiskPoint) -> list[object]:
    letter = p.method.formula.split(" = ")[0]
    inputs = "，".join(f"{k}={v}" for k, v in p.inputs.items())
    level = RiskLevel(p.level)
    return [n, p.name, p.kind.label, p.location, p.hazards, "、".join(p.accident_types), p.method.label,
            f"{inputs}，{letter}={_plain(p.result)}" if inputs else _plain(p.result),
            f"{level.label}（{level.colour}）", "、".join(ControlLevel(c).label for c in p.control_levels),
            "；".join(f"{m.kind.label}：{m.content}" for m in p.measures), p.responsible_unit, p.responsible_person]


def _check_row(n: int, c: CheckItem, names: dict[int, str]) -> list[object]:
    return [n, c.content, c.basis, c.frequency.label, c.category.label, c.check_level.label,
            names.get(c.risk_point_id or 0, "")]


def _chunks(practices: Sequence[RiskPoint | CheckItem], render: object) -> list[list[RiskPoint | CheckItem]]:
    """Rows cut into tables of at most ``ROWS_PER_TABLE`` rows that fit a clause body."""
    chunks: list[list[RiskPoint | CheckItem]] = [[]]
    size = 0
    for practice in practices:
        width = len(render(practice))  # type: ignore[operator]
        if chunks[-1] and (len(chunks[-1]) >= ROWS_PER_TABLE or size + width > BODY_MAX - 2_000):
            chunks.append([])
            size = 0
        chunks[-1].append(practice)
        size += width
    return [c for c in chunks if c]


def _tables(name: str, practices: Sequence[RiskPoint | CheckItem], header: Sequence[str],
            row: object) -> list[Node]:
    """One table per enterprise (split when long), each row traced to its practice."""
    chunks = _chunks(practices, lambda p: table(header, [row(1, p)]))  # type: ignore[operator]
    nodes = []
    for i, chunk in enumerate(chunks, start=1):
        title = name if len(chunks) == 1 else f"{name}（{i}/{len(chunks)}）"
        body = table(header, [row(n, p) for n, p in enumerate(chunk, start=1)])  # type: ignore[operator]
        nodes.append(Node(K.TABLE, title, body, rows=list(chunk)))
    return nodes

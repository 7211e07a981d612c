"""A first draft from the benchmark enterprises' practices, in the DB37/T 2882 outline.

One editor action fills an empty working draft with the chapters an industry 细则 or
实施指南 has (cn-standards.md §1.2–1.3): 1 范围, 2 规范性引用文件, 3 术语和定义, 4 基本要求,
5 工作程序和内容 (风险点确定, 危险源辨识, 风险评价, 风险控制措施, 风险分级管控), 6 文件管理,
7 分级管控的效果, 8 持续改进 — with assessable requirements worth 100 points in all — and
informative annexes built from the source enterprises' data: 附录A 风险分级管控清单 and
附录B 隐患排查清单 as tables (one per enterprise, each row recorded in ``clause_sources``
so it traces back to its risk point or check item) and 附录C 风险评价方法 with the scales
and bands of the methods they use. The 前言 is not a clause: it is written from the
project's facts when the text is published.

Editors then rewrite freely; the draft is a start, not a rule. Definitions quoted in the
reference (风险, 危险源) are used as quoted; the others are drafted in the same style for
the editors to check.

One job per module: ``nodes`` (the clauses to be), ``practices`` (the source enterprises'
data), ``tables`` (Markdown tables of practices, each row traced), ``chapters`` (the
outline's chapters), ``annexes`` (附录A–C), ``writer`` (inserting it all, level by level).
"""

from standards.generate.chapters import outline
from standards.generate.nodes import Generated, Node, items, node, req
from standards.generate.practices import Practices, bands_for, load_practices
from standards.generate.tables import CHECK_HEADER, RISK_HEADER, ROWS_PER_TABLE, cell, table
from standards.generate.writer import NOT_EMPTY, generate_draft

__all__ = [
    "CHECK_HEADER", "NOT_EMPTY", "RISK_HEADER", "ROWS_PER_TABLE", "Generated", "Node", "Practices", "bands_for", "cell",
    "generate_draft", "items", "load_practices", "node", "outline", "req", "table",
]

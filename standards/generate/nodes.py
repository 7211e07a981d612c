"""The clauses to be: a tree of :class:`Node` written compactly (``req``, ``node``, ``items``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from benchmarks.models import CheckItem, RiskPoint
from standards.models import AnnexType, ClauseKind

K = ClauseKind


@dataclass
class Node:
    """A clause to be: its content, its children, and the practices it traces to."""

    kind: ClauseKind
    title: str = ""
    body: str = ""
    children: list[Node] = field(default_factory=list)
    points: Decimal | None = None
    veto: bool = False
    check_method: str = ""
    evidence: str = ""
    annex_type: AnnexType | None = None
    rows: list[RiskPoint | CheckItem] = field(default_factory=list)  # table row n (from 1) → practice


def req(kind: ClauseKind, title: str, body: str, points: int, check: str, evidence: str, *children: Node,
        veto: bool = False) -> Node:
    """An assessable requirement."""
    return Node(kind, title, body, list(children), Decimal(points), veto, check, evidence)


def node(kind: ClauseKind, title: str = "", body: str = "", *children: Node) -> Node:
    return Node(kind, title, body, list(children))


def items(*texts: str) -> list[Node]:
    return [node(K.LIST_ITEM, body=t) for t in texts]


@dataclass(frozen=True)
class Generated:
    clauses: int
    requirements: int
    points: Decimal
    risk_rows: int
    check_rows: int

"""Where a clause may stand, what its fields must hold, and who may change the text now.

:data:`PARENTS` is the one placement table (GB/T 1.1-2020 §7) that adds and moves both meet;
:func:`_cleaned` turns what an editor typed into storable fields or one ValidationError
naming each field; :func:`check_editable` is the guard every service calls first (the
project's editors, on the working draft only), and :func:`_check_version` refuses a stale
save (409) instead of merging it silently.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, NotFound, PermissionDenied, StaleEdit, ValidationError
from core.people import User
from core.text import Text, clean_all
from standards.models import AnnexType, Clause, ClauseKind, StandardProject, StandardVersion
from standards.permissions import can_edit_text

K = ClauseKind
CONTAINERS: frozenset[ClauseKind] = frozenset({K.CHAPTER, K.ANNEX, K.CLAUSE})
TEXT_NODES: frozenset[ClauseKind] = CONTAINERS | {K.TERM, K.PARAGRAPH, K.LIST_ITEM, K.TABLE}
# kind → the kinds it may stand under (None: the top of the document).
PARENTS: dict[ClauseKind, frozenset[ClauseKind | None]] = {
    K.CHAPTER: frozenset({None}),
    K.ANNEX: frozenset({None}),
    K.CLAUSE: CONTAINERS,
    K.TERM: CONTAINERS,
    K.PARAGRAPH: CONTAINERS | {None},  # at the top, before chapter 1: the 引言 (introduction)
    K.TABLE: CONTAINERS,
    K.LIST_ITEM: TEXT_NODES,
    K.NOTE: TEXT_NODES,
    K.EXAMPLE: TEXT_NODES,
}
TITLED = frozenset({K.CHAPTER, K.ANNEX, K.TERM, K.TABLE})  # a title is required
WORDED = frozenset({K.PARAGRAPH, K.LIST_ITEM, K.NOTE, K.EXAMPLE, K.TABLE})  # a body is required
BODY_MAX = 60_000  # an annex table of a few hundred rows
POINTS_MAX = Decimal(1000)
ONE_PLACE = Decimal("0.1")


class FrozenVersion(Conflict):
    """The text asked to change is a frozen stage document (409)."""


class Move(enum.StrEnum):
    UP = "up"
    DOWN = "down"
    INDENT = "indent"
    OUTDENT = "outdent"

    @property
    def label(self) -> str:
        return {"up": "上移", "down": "下移", "indent": "降级", "outdent": "升级"}[self.value]


@dataclass
class ClauseInput:
    """What an editor types for one clause (the form's fields, as text)."""

    title: str = ""
    body: str = ""
    is_requirement: bool = False
    points: str | Decimal | None = None
    veto: bool = False
    waivable: bool = True  # may be answered 不适用 (a veto item never may)
    check_method: str = ""
    evidence: str = ""
    annex_type: str | None = None


def _rules(kind: ClauseKind) -> dict[str, Text]:
    title = {K.TERM: "术语", K.TABLE: "表题", K.ANNEX: "附录标题", K.CHAPTER: "章标题"}.get(kind, "标题")
    return {
        "title": Text(title, 200, required=kind in TITLED),
        "body": Text("表格内容" if kind == K.TABLE else "条文", BODY_MAX, required=kind in WORDED, multiline=True),
        "check_method": Text("评估方法", 2000, multiline=True),
        "evidence": Text("证据要求", 2000, multiline=True),
    }


def parse_points(raw: str | Decimal | None) -> Decimal | None:
    """Points as the assessment scores them: a Decimal ≥ 0 with at most one decimal place."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value < 0 or value > POINTS_MAX or value != value.quantize(ONE_PLACE):
        raise ValidationError({"points": f"分值应为 0 至 {POINTS_MAX} 之间的数，最多保留一位小数"})
    return value.quantize(ONE_PLACE)


def _cleaned(kind: ClauseKind, data: ClauseInput) -> dict[str, object]:
    """The storable fields of ``data`` for a clause of ``kind``, or one ValidationError naming each field."""
    values, errors = clean_all(vars(data), _rules(kind))
    try:
        points = parse_points(data.points)
    except ValidationError as exc:
        errors.update(exc.errors)
        points = None
    if data.is_requirement and points is None and "points" not in errors:
        errors["points"] = "评估要求应填写分值"
    annex_type = None
    if kind == K.ANNEX:
        if data.annex_type not in AnnexType.__members__.values():
            errors["annex_type"] = "请选择附录的性质（规范性或资料性）"
        else:
            annex_type = AnnexType(data.annex_type)
    if errors:
        raise ValidationError(errors)
    requirement = bool(data.is_requirement)
    return {**values, "is_requirement": requirement, "points": points if requirement else None,
            "veto": bool(data.veto) and requirement, "waivable": bool(data.waivable) and not data.veto,
            "annex_type": annex_type}


# --- guards -----------------------------------------------------------------------------------


def check_editable(actor: User, version: StandardVersion) -> StandardProject:
    """The project of ``version`` if ``actor`` may change it now; else the refusal."""
    project = version.project
    if not can_edit_text(actor, project):
        raise PermissionDenied("只有本项目的编写人员可以修改条文（起草、征求意见和审查阶段）。")
    if not version.is_draft:
        raise FrozenVersion(f"{version.label}已定稿，不能修改。请在编辑中的工作稿上修改。")
    return project


def _check_version(clause: Clause, expected_version: int) -> None:
    if clause.lock_version != expected_version:
        raise StaleEdit("该条款已被他人修改。为避免覆盖他人的修改，本次保存未生效。")


def get_clause(session: Session, version: StandardVersion, clause_id: int) -> Clause:
    """A clause of ``version`` (already known to be visible), or NotFound."""
    clause = session.scalars(select(Clause).where(Clause.id == clause_id, Clause.version_id == version.id)).first()
    if clause is None:
        raise NotFound("该条款不存在或已被删除。")
    return clause


def allowed_under(kind: ClauseKind, parent: Clause | None) -> bool:
    return (parent.kind if parent else None) in PARENTS[kind]


def _refuse_placement(kind: ClauseKind, parent: Clause | None) -> None:
    if allowed_under(kind, parent):
        return
    where = f"{parent.kind.label}之下" if parent else "顶层"
    allowed = "、".join("顶层" if k is None else k.label for k in sorted(PARENTS[kind], key=lambda k: k or ""))
    raise ValidationError({"kind": f"{kind.label}不能放在{where}（只能放在{allowed}）。"})


def addable_under(parent: Clause | None) -> tuple[ClauseKind, ...]:
    return tuple(k for k in ClauseKind if allowed_under(k, parent))

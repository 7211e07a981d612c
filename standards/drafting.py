"""Editing the working draft's clause tree: add, edit, move, indent, outdent, delete.

Only the project's editors change text (``can_edit_text``), and only on the working
draft: a frozen stage document is refused by every service here (:class:`FrozenVersion`).
Every change checks the text rules, writes one audit event about the clause — whose
``audit_parent`` is the project, so the edit shows in the project's history — and is
guarded by the clause's own ``lock_version``: a form carries the version it showed and a
stale save is refused with :class:`~core.errors.StaleEdit` (409), never merged silently.

Where a clause may stand is one table, :data:`PARENTS` (GB/T 1.1-2020 §7): chapters and
annexes at the top only; clauses and terms under a chapter, an annex or a clause;
paragraphs and tables in those too; list items, notes and examples under any text. A
move (indent, outdent) meets the same table as an add. Moving a clause re-positions its
siblings without touching their versions: a neighbour's text has not changed, so
whoever is editing it is not interrupted.

Numbers are never stored (``standards.numbering``); the events name clauses by the
number they had when the change was made.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from benchmarks.models import CheckItem, RiskPoint
from benchmarks.practices import REFERRERS
from core import audit
from core.errors import Conflict, NotFound, PermissionDenied, StaleEdit, ValidationError
from core.people import User
from core.text import Text, clean_all
from standards.models import (
    AnnexType,
    Clause,
    ClauseKind,
    ClauseSource,
    MemberRole,
    ProjectMember,
    StandardProject,
    StandardVersion,
)
from standards.numbering import descendants, number_tree
from standards.obligation import Reading, read, requirement_warning
from standards.permissions import EDITABLE_STAGES, can_edit_text
from standards.queries import visible_projects
from standards.versions import clauses_of

K = ClauseKind
CONTAINERS: frozenset[ClauseKind] = frozenset({K.CHAPTER, K.ANNEX, K.CLAUSE})
TEXT_NODES: frozenset[ClauseKind] = CONTAINERS | {K.TERM, K.PARAGRAPH, K.LIST_ITEM, K.TABLE}
# kind → the kinds it may stand under (None: the top of the document).
PARENTS: dict[ClauseKind, frozenset[ClauseKind | None]] = {
    K.CHAPTER: frozenset({None}),
    K.ANNEX: frozenset({None}),
    K.CLAUSE: CONTAINERS,
    K.TERM: CONTAINERS,
    K.PARAGRAPH: CONTAINERS,
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
            "veto": bool(data.veto) and requirement, "annex_type": annex_type}


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


# --- the tree in memory -----------------------------------------------------------------------


class Tree:
    """One version's clauses, loaded once, with their children in reading order."""

    def __init__(self, clauses: Iterable[Clause]) -> None:
        self.clauses = list(clauses)
        self.by_id = {c.id: c for c in self.clauses}
        self.children: dict[int | None, list[Clause]] = defaultdict(list)
        for clause in self.clauses:
            self.children[clause.parent_id].append(clause)
        for siblings in self.children.values():
            siblings.sort(key=lambda c: (c.position, c.id))

    def parent(self, clause: Clause) -> Clause | None:
        return self.by_id.get(clause.parent_id) if clause.parent_id is not None else None

    def siblings(self, clause: Clause) -> list[Clause]:
        return self.children[clause.parent_id]

    def numbers(self) -> dict[int, str]:
        return {n.clause.id: n.number for n in number_tree(self.clauses)}


def _name(clause: Clause, number: str) -> str:
    """How an event names a clause: "4.2「风险评价」", "列项 a)", "段「本文件规定……」"."""
    words = clause.title or (clause.body[:20] + ("……" if len(clause.body) > 20 else ""))
    label = number if number and clause.kind in (K.CHAPTER, K.CLAUSE, K.TERM, K.ANNEX, K.TABLE) else (
        f"{clause.kind.label} {number}".strip())
    return f"{label}「{words}」" if words else label


def allowed_under(kind: ClauseKind, parent: Clause | None) -> bool:
    return (parent.kind if parent else None) in PARENTS[kind]


def _refuse_placement(kind: ClauseKind, parent: Clause | None) -> None:
    if allowed_under(kind, parent):
        return
    where = f"{parent.kind.label}之下" if parent else "顶层"
    allowed = "、".join("顶层" if k is None else k.label for k in sorted(PARENTS[kind], key=lambda k: k or ""))
    raise ValidationError({"kind": f"{kind.label}不能放在{where}（只能放在{allowed}）。"})


def _reposition(session: Session, ordered: Sequence[Clause], keep: Clause | None = None) -> None:
    """Give ``ordered`` the positions 0, 1, 2 … without bumping their versions (``keep`` is
    changed through the ORM by the caller, so its own version moves)."""
    rows = [{"cid": c.id, "pos": i} for i, c in enumerate(ordered) if c.position != i and c is not keep]
    if rows:
        table = Clause.__table__
        session.execute(update(table).where(table.c.id == bindparam("cid")).values(position=bindparam("pos")), rows)
        for i, clause in enumerate(ordered):
            if clause is not keep:
                set_committed_value(clause, "position", i)
    if keep is not None:
        keep.position = ordered.index(keep)


# --- services ---------------------------------------------------------------------------------


def add_clause(session: Session, actor: User, version: StandardVersion, kind: ClauseKind,
               parent: Clause | None, data: ClauseInput, after: Clause | None = None) -> Clause:
    """Add a clause of ``kind`` under ``parent`` (the top when None): last, or right after ``after``."""
    project = check_editable(actor, version)
    if parent is not None and parent.version_id != version.id:
        raise NotFound("上级条款不存在或已被删除。")
    _refuse_placement(kind, parent)
    fields = _cleaned(kind, data)
    tree = Tree(clauses_of(session, version))
    siblings = list(tree.children[parent.id if parent else None])
    clause = Clause(version=version, kind=kind, parent_id=parent.id if parent else None, position=len(siblings),
                    **fields)
    index = siblings.index(after) + 1 if after is not None and after in siblings else len(siblings)
    session.add(clause)
    session.flush()
    siblings.insert(index, clause)
    _reposition(session, siblings)
    session.flush()
    tree = Tree([*tree.clauses, clause])
    number = tree.numbers().get(clause.id, "")
    audit.record(session, actor, "clause.add", clause, f"《{project.title}》新增{kind.label} {_name(clause, number)}",
                 data={"key": clause.key, "kind": kind.value, "number": number, "title": clause.title,
                       "body": clause.body, "parent": parent.key if parent else None})
    return clause


EDITED = ("title", "body", "is_requirement", "points", "veto", "check_method", "evidence", "annex_type")


def edit_clause(session: Session, actor: User, clause: Clause, data: ClauseInput, expected_version: int) -> Clause:
    """Save an editor's text and requirement fields, if nobody saved the clause since they opened it."""
    project = check_editable(actor, clause.version)
    _check_version(clause, expected_version)
    if clause.kind != K.ANNEX:
        data.annex_type = None
    fields = _cleaned(clause.kind, data)
    before = {name: _plain(getattr(clause, name)) for name in EDITED}
    for name, value in fields.items():
        setattr(clause, name, value)
    after = {name: _plain(getattr(clause, name)) for name in EDITED}
    changed = audit.changes(before, after)
    if not changed:
        return clause
    session.flush()
    number = Tree(clauses_of(session, clause.version)).numbers().get(clause.id, "")
    audit.record(session, actor, "clause.edit", clause, f"《{project.title}》修改 {_name(clause, number)}",
                 data={"key": clause.key, "number": number, "changes": changed})
    return clause


def _plain(value: object) -> object:
    """A field's value as an event stores it (JSON: Decimal and enums as text)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def move_clause(session: Session, actor: User, clause: Clause, move: Move, expected_version: int) -> Clause:
    """Move a clause among its siblings (up, down) or through the levels (indent, outdent)."""
    project = check_editable(actor, clause.version)
    _check_version(clause, expected_version)
    tree = Tree(clauses_of(session, clause.version))
    clause = tree.by_id[clause.id]
    before = tree.numbers().get(clause.id, "")
    siblings = list(tree.siblings(clause))
    index = siblings.index(clause)
    if move in (Move.UP, Move.DOWN):
        target = index - 1 if move == Move.UP else index + 1
        if not 0 <= target < len(siblings):
            raise Conflict(f"该条款已是同级的{'第一' if move == Move.UP else '最后一'}条，不能{move.label}。")
        siblings[index], siblings[target] = siblings[target], siblings[index]
        _reposition(session, siblings, keep=clause)
    elif move == Move.INDENT:
        if index == 0:
            raise Conflict("前面没有同级条款，不能降级。")
        new_parent = siblings[index - 1]
        _refuse_placement(clause.kind, new_parent)
        children = tree.children[new_parent.id]
        clause.parent_id, clause.position = new_parent.id, (max((c.position for c in children), default=-1) + 1)
    else:
        parent = tree.parent(clause)
        if parent is None:
            raise Conflict("该条款已在顶层，不能升级。")
        grandparent = tree.parent(parent)
        _refuse_placement(clause.kind, grandparent)
        uncles = list(tree.children[parent.parent_id])
        uncles.insert(uncles.index(parent) + 1, clause)
        clause.parent_id = parent.parent_id
        _reposition(session, uncles, keep=clause)
    session.flush()
    tree = Tree(tree.clauses)
    after = tree.numbers().get(clause.id, "")
    where = f"（{before} → {after}）" if before != after else ""
    audit.record(session, actor, f"clause.{move.value}", clause,
                 f"《{project.title}》{move.label} {_name(clause, before)}{where}",
                 data={"key": clause.key, "from": before, "to": after,
                       "parent": tree.by_id[clause.parent_id].key if clause.parent_id else None})
    return clause


@dataclass(frozen=True)
class Removed:
    """A clause a deletion takes with it (what the confirmation lists and the event keeps)."""

    key: str
    number: str
    kind: ClauseKind
    title: str
    excerpt: str


def doomed(session: Session, clause: Clause) -> list[Removed]:
    """The clause and every clause below it, in reading order: what deleting it removes."""
    tree = Tree(clauses_of(session, clause.version))
    going = {clause.id, *descendants(tree.clauses, clause.id)}
    return [Removed(n.clause.key, n.number, n.clause.kind, n.clause.title,  # type: ignore[attr-defined]
                    n.clause.body[:40]) for n in number_tree(tree.clauses) if n.clause.id in going]  # type: ignore[attr-defined]


def delete_clause(session: Session, actor: User, clause: Clause, expected_version: int) -> list[Removed]:
    """Delete a clause with everything below it; the event lists what went."""
    project = check_editable(actor, clause.version)
    _check_version(clause, expected_version)
    version = clause.version
    gone = doomed(session, clause)
    audit.record(session, actor, "clause.delete", clause,
                 f"《{project.title}》删除 {_name(clause, gone[0].number)}"
                 + (f"及其下 {len(gone) - 1} 个条款" if len(gone) > 1 else ""),
                 data={"removed": [{"key": r.key, "number": r.number, "kind": r.kind.value, "title": r.title,
                                    "excerpt": r.excerpt} for r in gone]})
    keys = [r.key for r in gone]
    table = Clause.__table__
    deleted = session.execute(delete(table).where(table.c.id == clause.id, table.c.lock_version == expected_version))
    if deleted.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleEdit("该条款已被他人修改或删除。为避免误删他人的修改，本次删除未执行。")
    session.execute(delete(table).where(table.c.version_id == version.id, table.c.key.in_(keys)))
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Clause) and obj.version_id == version.id and obj.key in keys:
            session.expunge(obj)
    session.expire(version, ["clauses"])
    return gone


# --- traceability -----------------------------------------------------------------------------


def source_enterprise_ids(project: StandardProject) -> set[int]:
    return {n.enterprise_id for n in project.sources}


def practices_of(session: Session, project: StandardProject) -> tuple[list[RiskPoint], list[CheckItem]]:
    """The source enterprises' risk points and check items (what a clause may be linked to)."""
    ids = source_enterprise_ids(project)
    points = session.scalars(select(RiskPoint).where(RiskPoint.enterprise_id.in_(ids))
                             .order_by(RiskPoint.enterprise_id, RiskPoint.level, RiskPoint.id)).all()
    items = session.scalars(select(CheckItem).where(CheckItem.enterprise_id.in_(ids))
                            .order_by(CheckItem.enterprise_id, CheckItem.id)).all()
    return list(points), list(items)


def link_practice(session: Session, actor: User, clause: Clause, risk_point_id: int | None = None,
                  check_item_id: int | None = None) -> ClauseSource:
    """Record that ``clause`` generalises a source enterprise's risk point or check item."""
    project = check_editable(actor, clause.version)
    if (risk_point_id is None) == (check_item_id is None):
        raise ValidationError({"practice": "请选择一个风险点或隐患排查项"})
    model = RiskPoint if risk_point_id is not None else CheckItem
    practice = session.get(model, risk_point_id or check_item_id)
    if practice is None or practice.enterprise_id not in source_enterprise_ids(project):
        raise ValidationError({"practice": "只能关联本项目标杆企业的风险点或隐患排查项"})
    column = ClauseSource.risk_point_id if risk_point_id is not None else ClauseSource.check_item_id
    exists = session.scalar(select(ClauseSource.id).where(
        ClauseSource.project_id == project.id, ClauseSource.clause_key == clause.key, column == practice.id))
    if exists:
        raise Conflict("该条款已关联此做法。")
    link = ClauseSource(project_id=project.id, clause_key=clause.key, risk_point_id=risk_point_id,
                        check_item_id=check_item_id)
    session.add(link)
    session.flush()
    number = Tree(clauses_of(session, clause.version)).numbers().get(clause.id, "")
    what = _practice_label(practice)
    audit.record(session, actor, "clause.link", clause, f"《{project.title}》{_name(clause, number)} 关联做法：{what}",
                 data={"key": clause.key, "risk_point": risk_point_id, "check_item": check_item_id})
    return link


def unlink_practice(session: Session, actor: User, clause: Clause, source_id: int) -> None:
    project = check_editable(actor, clause.version)
    link = session.scalars(select(ClauseSource).where(
        ClauseSource.id == source_id, ClauseSource.project_id == project.id,
        ClauseSource.clause_key == clause.key)).first()
    if link is None:
        raise NotFound("该关联不存在或已被移除。")
    what = _practice_label(link.risk_point or link.check_item)
    number = Tree(clauses_of(session, clause.version)).numbers().get(clause.id, "")
    audit.record(session, actor, "clause.unlink", clause,
                 f"《{project.title}》{_name(clause, number)} 取消关联做法：{what}",
                 data={"key": clause.key, "risk_point": link.risk_point_id, "check_item": link.check_item_id,
                       "row": link.row})
    session.delete(link)
    session.flush()


def _practice_label(practice: RiskPoint | CheckItem | None) -> str:
    if isinstance(practice, RiskPoint):
        return f"风险点「{practice.name}」"
    if isinstance(practice, CheckItem):
        return f"隐患排查项「{practice.content[:30]}」"
    return "（已删除的做法）"


@dataclass(frozen=True)
class SourceLink:
    """One practice a clause (or one row of a table clause) was generalised from."""

    id: int
    row: int | None
    kind: str  # "risk_point" | "check_item"
    practice_id: int
    label: str
    level: int | None  # a risk point's level, for its colour


def _source_rows(session: Session, project: StandardProject) -> dict[str, list[SourceLink]]:
    """Every link of the project, by clause key — one query, whatever the size of the text."""
    stmt = (select(ClauseSource.id, ClauseSource.clause_key, ClauseSource.row, ClauseSource.risk_point_id,
                   ClauseSource.check_item_id, RiskPoint.name, RiskPoint.level, CheckItem.content)
            .outerjoin(RiskPoint, RiskPoint.id == ClauseSource.risk_point_id)
            .outerjoin(CheckItem, CheckItem.id == ClauseSource.check_item_id)
            .where(ClauseSource.project_id == project.id)
            .order_by(ClauseSource.clause_key, ClauseSource.row, ClauseSource.id))
    links: dict[str, list[SourceLink]] = defaultdict(list)
    for row in session.execute(stmt):
        if row.risk_point_id is not None:
            link = SourceLink(row.id, row.row, "risk_point", row.risk_point_id, row.name, row.level)
        else:
            link = SourceLink(row.id, row.row, "check_item", row.check_item_id, row.content, None)
        links[row.clause_key].append(link)
    return links


def sources_of(session: Session, clause: Clause) -> list[SourceLink]:
    return _source_rows(session, clause.version.project).get(clause.key, [])


@dataclass(frozen=True)
class Usage:
    """Where a practice is used: "《标准》 4.2" (the newest version holding the clause)."""

    project_id: int
    project_title: str
    version_id: int
    clause_key: str
    number: str
    title: str
    row: int | None


def clauses_using(session: Session, practice: RiskPoint | CheckItem, actor: User | None = None) -> list[Usage]:
    """The clauses that generalise ``practice``, for its page ("used in standard X, clause 4.2").

    Each is numbered in the newest version of its project that still holds it. Given an
    ``actor``, projects they may not see are left out (a draft is the panel's business).
    """
    column = ClauseSource.risk_point_id if isinstance(practice, RiskPoint) else ClauseSource.check_item_id
    stmt = (select(ClauseSource.project_id, ClauseSource.clause_key, ClauseSource.row, StandardProject.title)
            .join(StandardProject, StandardProject.id == ClauseSource.project_id)
            .where(column == practice.id).order_by(ClauseSource.project_id, ClauseSource.row))
    if actor is not None:
        stmt = stmt.where(visible_projects(actor))
    links = session.execute(stmt).all()
    if not links:
        return []
    holders = session.execute(
        select(Clause.key, StandardVersion.project_id, StandardVersion.id, StandardVersion.number)
        .join(StandardVersion, StandardVersion.id == Clause.version_id)
        .where(StandardVersion.project_id.in_({link.project_id for link in links}),
               Clause.key.in_({link.clause_key for link in links}))).all()
    newest: dict[tuple[int, str], tuple[int, int]] = {}
    for key, project_id, version_id, number in holders:
        if (project_id, key) not in newest or number > newest[(project_id, key)][1]:
            newest[(project_id, key)] = (version_id, number)
    numbered: dict[int, dict[str, tuple[str, str]]] = {}
    usages = []
    for link in links:
        found = newest.get((link.project_id, link.clause_key))
        if found is None:
            continue  # the clause was deleted from every version
        version_id = found[0]
        if version_id not in numbered:
            version_clauses = session.scalars(select(Clause).where(Clause.version_id == version_id)).all()
            numbered[version_id] = {n.clause.key: (n.number, n.clause.title)  # type: ignore[attr-defined]
                                    for n in number_tree(version_clauses)}
        number, title = numbered[version_id].get(link.clause_key, ("", ""))
        usages.append(Usage(link.project_id, link.title, version_id, link.clause_key, number, title, link.row))
    return usages


# --- the editor's view of a version -----------------------------------------------------------


def projects_to_write(session: Session, actor: User) -> list[StandardProject]:
    """The projects whose text ``actor`` edits now (the 工作台's "my drafts")."""
    return list(session.scalars(
        select(StandardProject).join(ProjectMember, ProjectMember.project_id == StandardProject.id)
        .where(ProjectMember.user_id == actor.id, ProjectMember.role == MemberRole.EDITOR,
               StandardProject.stage.in_(EDITABLE_STAGES))
        .order_by(StandardProject.updated_at.desc(), StandardProject.id.desc()).limit(20)))


@dataclass(frozen=True)
class Entry:
    """One clause as the editor page draws it."""

    clause: Clause
    number: str
    depth: int
    reading: Reading
    warning: str
    sources: tuple[SourceLink, ...]
    moves: frozenset[Move] = field(default_factory=frozenset)
    children_kinds: tuple[ClauseKind, ...] = ()  # what may be added under it

    @property
    def indent(self) -> int:
        """How far the page indents it (deeper levels line up with the sixth)."""
        return min(self.depth, 6)


def addable_under(parent: Clause | None) -> tuple[ClauseKind, ...]:
    return tuple(k for k in ClauseKind if allowed_under(k, parent))


def outline(session: Session, version: StandardVersion) -> list[Entry]:
    """The whole tree in reading order with numbers, obligations, warnings, links and the
    moves each clause allows — two queries (clauses, links) whatever its size."""
    tree = Tree(clauses_of(session, version))
    links = _source_rows(session, version.project)
    place = {c.id: i for siblings in tree.children.values() for i, c in enumerate(siblings)}
    entries = []
    for numbered in number_tree(tree.clauses):
        clause: Clause = numbered.clause  # type: ignore[assignment]
        siblings = tree.children[clause.parent_id]
        index = place[clause.id]
        parent = tree.parent(clause)
        moves = set()
        if index > 0:
            moves.add(Move.UP)
            if allowed_under(clause.kind, siblings[index - 1]):
                moves.add(Move.INDENT)
        if index < len(siblings) - 1:
            moves.add(Move.DOWN)
        if parent is not None and allowed_under(clause.kind, tree.parent(parent)):
            moves.add(Move.OUTDENT)
        reading = read(clause.body) if clause.kind != K.TABLE else Reading(None, ())
        entries.append(Entry(clause, numbered.number, numbered.depth, reading,
                             requirement_warning(clause.is_requirement, clause.body),
                             tuple(links.get(clause.key, ())), frozenset(moves), addable_under(clause)))
    return entries


audit.name_things(actions={
    "clause.add": "新增条款", "clause.edit": "修改条款", "clause.up": "上移条款", "clause.down": "下移条款",
    "clause.indent": "条款降级", "clause.outdent": "条款升级", "clause.delete": "删除条款",
    "clause.link": "关联做法", "clause.unlink": "取消关联做法",
})


def _used_in_a_standard(session: Session, practice: RiskPoint | CheckItem) -> str | None:
    """How a standard refers to ``practice`` (for ``benchmarks.practices.refuse_if_referred``)."""
    usages = clauses_using(session, practice)
    if not usages:
        return None
    first = usages[0]
    more = f"等 {len(usages)} 处" if len(usages) > 1 else ""
    return f"已被标准《{first.project_title}》{first.number}{more}引用"


REFERRERS.append(_used_in_a_standard)

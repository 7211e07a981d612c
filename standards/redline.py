"""A redline: two versions of a standard compared clause by clause, by stable key.

Every clause of either version becomes one :class:`Entry`, in the newer text's reading
order, with the clauses that were removed placed where they used to be. An entry may
be at once *moved* and *changed* — an editor often moves a clause and rewords it in the
same sitting, and a reviewer needs to see both.

- **added** / **removed**: the key exists in one version only;
- **moved**: a different parent, or a different place among the siblings both versions
  share. Siblings that merely shift because a clause was inserted or removed before
  them are *not* moved (the longest common subsequence of the shared siblings stays
  put; only the others moved) — their numbers change and the entry shows that;
- **changed**: title, body, kind, annex type or an assessment field differs. Text is
  compared character by character with diff-match-patch and its semantic cleanup:
  Chinese has no spaces to split words on, and the cleanup turns a scatter of
  one-character matches into readable whole-phrase replacements.

Pure data out (no HTML, no session in :func:`compare`): the compare page and the DOCX
renderer draw the same entries.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from sqlalchemy.orm import Session

from standards import textdiff
from standards.models import AnnexType, ClauseKind, StandardVersion
from standards.numbering import Numbered, number_tree
from standards.versions import clauses_of


class ClauseLike(Protocol):
    id: int
    key: str
    parent_id: int | None
    position: int
    kind: ClauseKind
    title: str
    body: str
    annex_type: AnnexType | None
    is_requirement: bool
    points: Decimal | None
    veto: bool
    waivable: bool
    check_method: str
    evidence: str


class Op(enum.IntEnum):
    """What a piece of text did between the two versions (diff-match-patch's own codes)."""

    DELETE = -1
    EQUAL = 0
    INSERT = 1


@dataclass(frozen=True)
class Piece:
    op: Op
    text: str


def char_diff(old: str, new: str) -> tuple[Piece, ...]:
    """Character-level differences of two texts, semantically cleaned up (``standards.textdiff``,
    the same marking the editor's conflict page shows), as pieces.

    Concatenating the EQUAL and DELETE pieces gives ``old``; EQUAL and INSERT give ``new``.
    """
    if old == new:
        return (Piece(Op.EQUAL, old),) if old else ()
    return tuple(Piece(Op(op), text) for op, text in textdiff.diff(old, new) if text)


# --- what is compared -------------------------------------------------------------------------

# field name → how the redline names it; text fields are diffed as they are, the others
# compared as the words a reader sees (是/否, the kind's label …).
FIELDS: dict[str, str] = {
    "kind": "类型",
    "annex_type": "附录性质",
    "title": "标题",
    "body": "正文",
    "is_requirement": "评估要求",
    "points": "分值",
    "veto": "否决项",
    "waivable": "可作缺项",
    "check_method": "评估方法",
    "evidence": "证据要求",
}
# Kinds whose number finds them in the text on its own (4.2, 附录A, 表A.1); the others
# ("a)", "注：", unnumbered paragraphs) are placed after the nearest of these above them.
LANDMARKS = frozenset({ClauseKind.CHAPTER, ClauseKind.CLAUSE, ClauseKind.TERM, ClauseKind.ANNEX, ClauseKind.TABLE})


def _shown(clause: ClauseLike, name: str) -> str:
    value = getattr(clause, name)
    if name == "kind":
        return ClauseKind(value).label
    if name == "annex_type":
        return AnnexType(value).label if value else ""
    if name in ("is_requirement", "veto", "waivable"):
        return "是" if value else "否"
    if name == "points":
        return "" if value is None else f"{Decimal(value):.1f}"
    return value or ""


@dataclass(frozen=True)
class Snapshot:
    """A clause's compared fields in one version, as a reader sees them."""

    number: str
    place: str  # the number, or "4.2 段" / "4.2 注：" for one that does not say where it is
    depth: int
    values: dict[str, str]
    kind: ClauseKind
    annex_type: AnnexType | None
    is_requirement: bool

    @property
    def title(self) -> str:
        return self.values["title"]

    @property
    def body(self) -> str:
        return self.values["body"]


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    pieces: tuple[Piece, ...]

    @property
    def inserted(self) -> str:
        return "".join(p.text for p in self.pieces if p.op == Op.INSERT)

    @property
    def deleted(self) -> str:
        return "".join(p.text for p in self.pieces if p.op == Op.DELETE)


@dataclass(frozen=True)
class Entry:
    """One clause across the two versions."""

    key: str
    before: Snapshot | None  # None: added
    after: Snapshot | None  # None: removed
    moved: bool = False
    changes: tuple[FieldChange, ...] = ()

    @property
    def added(self) -> bool:
        return self.before is None

    @property
    def removed(self) -> bool:
        return self.after is None

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def touched(self) -> bool:
        return self.added or self.removed or self.moved or self.changed

    @property
    def current(self) -> Snapshot:
        """The newer state, or the last one for a removed clause."""
        return self.after or self.before  # type: ignore[return-value]

    @property
    def kind(self) -> ClauseKind:
        return self.current.kind

    @property
    def depth(self) -> int:
        return self.current.depth

    @property
    def renumbered(self) -> bool:
        return self.before is not None and self.after is not None and self.before.number != self.after.number

    def change(self, name: str) -> FieldChange | None:
        return next((c for c in self.changes if c.name == name), None)

    @property
    def labels(self) -> list[str]:
        """新增 / 删除 / 移动 / 修改, as the list and the DOCX summary name them."""
        marks = [("新增", self.added), ("删除", self.removed), ("移动", self.moved), ("修改", self.changed)]
        return [label for label, on in marks if on]


@dataclass(frozen=True)
class Counts:
    added: int
    removed: int
    moved: int
    changed: int
    unchanged: int


@dataclass(frozen=True)
class Redline:
    old_label: str
    new_label: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def counts(self) -> Counts:
        e = self.entries
        return Counts(added=sum(x.added for x in e), removed=sum(x.removed for x in e),
                      moved=sum(x.moved for x in e), changed=sum(x.changed for x in e),
                      unchanged=sum(not x.touched for x in e))

    @property
    def touched(self) -> list[Entry]:
        return [x for x in self.entries if x.touched]

    @property
    def identical(self) -> bool:
        return not self.touched


# --- the comparison ---------------------------------------------------------------------------


def _snapshots(clauses: Sequence[ClauseLike]) -> tuple[list[Numbered], dict[str, Snapshot], dict[str, str | None]]:
    """Reading order, each clause's snapshot by key, and each key's parent key."""
    order = number_tree(clauses)
    by_id = {n.clause.id: n for n in order}
    key_of = {c.id: c.key for c in clauses}
    snaps: dict[str, Snapshot] = {}
    for n in order:
        clause: ClauseLike = n.clause  # type: ignore[assignment]
        place = n.number
        if clause.kind not in LANDMARKS:  # "a)", "注：", a paragraph: named after where they stand
            landmark = next((by_id[i].number for i in reversed(n.path[:-1])
                             if by_id[i].clause.kind in LANDMARKS), "")
            place = f"{landmark} {n.number or clause.kind.label}".strip()
        snaps[clause.key] = Snapshot(
            number=n.number, place=place, depth=n.depth,
            values={name: _shown(clause, name) for name in FIELDS},
            kind=ClauseKind(clause.kind), annex_type=clause.annex_type, is_requirement=clause.is_requirement)
    parent_key = {c.key: key_of.get(c.parent_id) if c.parent_id is not None else None for c in clauses}
    return order, snaps, parent_key


def _lcs(a: Sequence[str], b: Sequence[str]) -> set[str]:
    """The members of the longest common subsequence of two orders (siblings stay few)."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            rows[i][j] = rows[i + 1][j + 1] + 1 if a[i] == b[j] else max(rows[i + 1][j], rows[i][j + 1])
    kept, i, j = set(), 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            kept.add(a[i])
            i, j = i + 1, j + 1
        elif rows[i + 1][j] >= rows[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def _moved(old_order: list[Numbered], new_order: list[Numbered], old_parent: dict[str, str | None],
           new_parent: dict[str, str | None]) -> set[str]:
    common = old_parent.keys() & new_parent.keys()
    moved = {k for k in common if old_parent[k] != new_parent[k]}
    stay = common - moved  # same parent in both: compare their order among shared siblings
    siblings_old: dict[str | None, list[str]] = defaultdict(list)
    siblings_new: dict[str | None, list[str]] = defaultdict(list)
    for order, parents, out in ((old_order, old_parent, siblings_old), (new_order, new_parent, siblings_new)):
        for n in order:
            key = n.clause.key  # type: ignore[attr-defined]
            if key in stay:
                out[parents[key]].append(key)
    for parent, old_keys in siblings_old.items():
        new_keys = siblings_new[parent]
        if old_keys != new_keys:
            moved |= set(old_keys) - _lcs(old_keys, new_keys)
    return moved


def _changes(before: Snapshot, after: Snapshot) -> tuple[FieldChange, ...]:
    out = []
    for name, label in FIELDS.items():
        old, new = before.values[name], after.values[name]
        if old != new:
            out.append(FieldChange(name, label, old, new, char_diff(old, new)))
    return tuple(out)


def compare(old: Sequence[ClauseLike], new: Sequence[ClauseLike], old_label: str = "", new_label: str = ""
            ) -> Redline:
    """Compare two clause trees (two versions of one project) by clause key."""
    old_order, old_snaps, old_parent = _snapshots(old)
    new_order, new_snaps, new_parent = _snapshots(new)
    moved = _moved(old_order, new_order, old_parent, new_parent)
    entries: list[Entry] = []
    for n in new_order:
        key = n.clause.key  # type: ignore[attr-defined]
        before, after = old_snaps.get(key), new_snaps[key]
        entries.append(Entry(key, before, after, moved=key in moved,
                             changes=_changes(before, after) if before else ()))
    return Redline(old_label, new_label, _place_removed(entries, old_order, old_snaps, old_parent, new_snaps, moved))


def _place_removed(entries: list[Entry], old_order: list[Numbered], old_snaps: dict[str, Snapshot],
                   old_parent: dict[str, str | None], new_snaps: dict[str, Snapshot], moved: set[str]
                   ) -> list[Entry]:
    """Insert each removed clause where it stood: after the clause it followed in the old
    text (the nearest one that is still there and did not move, with none of its ancestors)
    — right after it when that was its parent, else after that clause's whole subtree in
    the new text."""
    slots: dict[int, list[Entry]] = defaultdict(list)  # index in ``entries`` → removed after it
    index = {e.key: i for i, e in enumerate(entries)}
    ends = _subtree_ends(entries)
    anchor: str | None = None
    for n in old_order:
        key = n.clause.key  # type: ignore[attr-defined]
        if key in new_snaps:
            if key not in moved and moved.isdisjoint(_ancestors(key, old_parent)):
                anchor = key
            continue
        entry = Entry(key, old_snaps[key], None)
        if anchor is None:
            slots[-1].append(entry)
        elif _is_ancestor(anchor, key, old_parent):
            slots[index[anchor]].append(entry)
        else:
            slots[ends[index[anchor]]].append(entry)
    if not slots:
        return entries
    out = list(slots.get(-1, []))
    for i, entry in enumerate(entries):
        out.append(entry)
        out.extend(slots.get(i, []))
    return out


def _subtree_ends(entries: list[Entry]) -> list[int]:
    """For each entry, the index of the last entry of its subtree (reading order is preorder)."""
    ends = list(range(len(entries)))
    stack: list[int] = []
    for i, entry in enumerate(entries):
        while stack and entries[stack[-1]].depth >= entry.depth:
            stack.pop()
        for open_index in stack:
            ends[open_index] = i
        stack.append(i)
    return ends


def _ancestors(key: str, parents: dict[str, str | None]) -> list[str]:
    out, current = [], parents.get(key)
    while current is not None:
        out.append(current)
        current = parents.get(current)
    return out


def _is_ancestor(candidate: str, key: str, parents: dict[str, str | None]) -> bool:
    return candidate in _ancestors(key, parents)


# --- loading ----------------------------------------------------------------------------------


def redline(session: Session, old: StandardVersion, new: StandardVersion) -> Redline:
    """The redline from ``old`` to ``new`` (two versions of one project)."""
    return compare(clauses_of(session, old), clauses_of(session, new), old.label, new.label)

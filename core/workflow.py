"""One engine for every workflow: a table of rules, and :func:`transition` to run it.

A workflow is data — ``(state, action) → Rule`` — where a rule names the target state,
who may take the step (a predicate on the actor and the record), the guards that may
still refuse it (a deadline, a missing file), its effects on the record, and who hears
of it. :func:`transition` is the only code that moves a record: it checks the version
the user saw, the table, the predicate and the guards; applies the step; writes the
``from → to`` audit event; closes the tasks the step answered; and sends the notices —
all in the caller's transaction. Pages draw their buttons from :meth:`Workflow.allowed`,
so a page never offers what the engine would refuse.

Nominations and campaigns run on it; standards stages, review rounds, assessments and
rectifications are meant to be further tables, not further engines.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from core import audit, notifications
from core.errors import DomainError, InvalidTransition, PermissionDenied, StaleEdit
from core.people import User
from core.text import Text, clean

REASON_MAX = 2000


class Stateful(Protocol):
    """A record a workflow can move: it has a state, a lock version and an audit name."""

    audit_type: str
    id: Any
    state: Any
    lock_version: int


R = TypeVar("R", bound=Stateful)


@dataclass
class Step(Generic[R]):
    """One step being taken: what guards, effects and notices are given to look at."""

    session: Session
    actor: User
    record: R
    action: enum.StrEnum
    source: enum.StrEnum
    target: enum.StrEnum
    reason: str
    inputs: Mapping[str, Any]


@dataclass(frozen=True)
class Notice:
    """A message the step sends. ``task`` asks the readers to act: it is marked done by
    the next step of the same record, whoever takes it. ``about`` is the record the
    message opens — by default the one that moved; readers who may not open that one
    (an enterprise hearing of its nomination) are pointed at one they may."""

    recipients: Iterable[User]
    title: str
    body: str = ""
    task: bool = False
    about: Any = None


Guard = Callable[[Step[Any]], None]  # raises a DomainError to refuse the step
Effect = Callable[[Step[Any]], None]
Announce = Callable[[Step[Any]], Iterable[Notice]]


@dataclass(frozen=True)
class Rule:
    """One row of a transition table."""

    target: enum.StrEnum
    may: Callable[[User, Any], bool]
    reason: str | None = None  # the label of the reason this step requires
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    notices: tuple[Announce, ...] = ()


class Labelled(Protocol):
    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class Workflow(Generic[R]):
    """A record type's transition table, with the words its audit events use."""

    name: str  # the audit action prefix: "nomination" → "nomination.submit"
    states: type[enum.StrEnum]
    actions: type[enum.StrEnum]
    table: Mapping[tuple[Any, Any], Rule]
    describe: Callable[[R], str]  # how a summary names the record: “某某化工有限公司”
    active: Callable[[R], bool] = field(default=lambda _record: True)  # e.g. its campaign is open

    def rule(self, record: R, action: enum.StrEnum) -> Rule | None:
        return self.table.get((self.states(record.state), action))

    def may(self, actor: User, record: R, action: enum.StrEnum) -> bool:
        """Whether the table lets ``actor`` take ``action`` now (guards are checked on acting)."""
        rule = self.rule(record, action)
        return rule is not None and self.active(record) and rule.may(actor, record)

    def allowed(self, actor: User, record: R) -> list[enum.StrEnum]:
        """The actions to offer ``actor`` on ``record``, in the order the enum lists them."""
        return [action for action in self.actions if self.may(actor, record, action)]


_REGISTRY: dict[type, Workflow[Any]] = {}


def register(model: type, workflow: Workflow[Any]) -> Workflow[Any]:
    """Declare the workflow that moves records of ``model``."""
    _REGISTRY[model] = workflow
    return workflow


def workflow_of(record: Any) -> Workflow[Any]:
    return _REGISTRY[type(record)]


def label(value: Any) -> str:
    return getattr(value, "label", str(value))


def unmet(session: Session, actor: User, record: R, action: enum.StrEnum) -> DomainError | None:
    """Why ``action`` on ``record`` would be refused now — by the table, the actor's rights or a
    guard — or None. Pages ask this before drawing a button, so they never offer a step the
    engine would refuse, and can say what is still missing."""
    workflow = workflow_of(record)
    rule = workflow.rule(record, action)
    if rule is None or not workflow.may(actor, record, action):
        return PermissionDenied(f"您不能对{workflow.describe(record)}执行“{label(action)}”。")
    step = Step(session, actor, record, action, workflow.states(record.state), rule.target, "", {})
    try:
        for guard in rule.guards:
            guard(step)
    except DomainError as refusal:
        return refusal
    return None


def transition(
    session: Session, actor: User, record: R, action: enum.StrEnum, expected_version: int,
    *, reason: str = "", **inputs: Any,
) -> R:
    """Take ``action`` on ``record`` as ``actor``, if the table, the guards and the version allow.

    ``expected_version`` is the ``lock_version`` the user's page showed: if someone moved
    the record since, the step is refused with a message naming the state it is in now.
    """
    workflow = workflow_of(record)
    source = workflow.states(record.state)
    rule = workflow.rule(record, action)
    if rule is not None and not rule.may(actor, record):
        raise PermissionDenied(f"您不能对{workflow.describe(record)}执行“{label(action)}”。")
    if record.lock_version != expected_version:
        raise StaleEdit(f"{workflow.describe(record)}已被他人处理，当前状态为“{label(source)}”。"
                        "您的操作未执行，请查看最新情况后再办理。")
    if rule is None or not workflow.active(record):
        raise InvalidTransition(f"{workflow.describe(record)}当前状态为“{label(source)}”，"
                                f"不能执行“{label(action)}”。")
    reason_rule = Text(rule.reason or "理由", REASON_MAX, required=rule.reason is not None, multiline=True)
    step = Step(session, actor, record, action, source, rule.target, clean(reason, reason_rule, "reason"), inputs)
    for guard in rule.guards:
        guard(step)
    record.state = rule.target
    for effect in rule.effects:
        effect(step)
    session.flush()
    audit.record(
        session, actor, f"{workflow.name}.{action.value}", record,
        f"{workflow.describe(record)}：{label(source)} → {label(rule.target)}（{label(action)}）",
        reason=step.reason or None, data={"from": source.value, "to": rule.target.value},
    )
    notifications.complete_tasks(session, record)
    for announce in rule.notices:
        for notice in announce(step):
            recipients = [user for user in notice.recipients if user.id != actor.id]
            about = record if notice.about is None else notice.about
            notifications.notify(session, recipients, notice.title, notice.body, about=about, task=notice.task)
    return record

"""The shared workflow engine (``core.workflow``) on a table of its own, and after-commit work.

A toy table (a gate that opens and shuts) shows what the engine itself does: what a row
declares (who may act, its guards, effects and notices) happens, in that order, only when
the step is allowed, and the step writes its from → to event. Work queued with
``core.db.after_commit`` runs once the transaction commits, and never after a rollback.
The nomination and campaign tables running on the engine are in ``test_workflow_nominations``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.database import db
from core.audit import AuditEvent
from core.db import after_commit
from core.errors import InvalidTransition, PermissionDenied, StaleEdit
from core.notifications import Notification
from core.people import User
from core.workflow import Notice, Rule, Step, Workflow, register, transition
from tests.factories import World
from tests.marks import newest, nothing_since

# --- a toy table: guards, effects and notices run only for allowed steps -------------------


class Door(enum.StrEnum):
    SHUT = "shut"
    OPEN = "open"

    @property
    def label(self) -> str:
        return {"shut": "关闭", "open": "打开"}[self.value]


class Knock(enum.StrEnum):
    OPEN = "open"
    SHUT = "shut"

    @property
    def label(self) -> str:
        return {"open": "开门", "shut": "关门"}[self.value]


@dataclass
class Gate:
    id: int
    state: Door = Door.SHUT
    lock_version: int = 1
    locked: bool = False
    audit_type = "gate"


@dataclass
class Spy:
    calls: list[str]
    keeper_id: int = 0

    def guard(self, step: Step[Gate]) -> None:
        self.calls.append(f"guard:{step.action}")
        if step.record.locked:
            raise InvalidTransition("门已上锁")

    def effect(self, step: Step[Gate]) -> None:
        self.calls.append(f"effect:{step.source}->{step.target}")
        step.record.lock_version += 1

    def notice(self, step: Step[Gate]) -> Iterable[Notice]:
        self.calls.append("notice")
        keeper = step.session.get_one(User, self.keeper_id)
        yield Notice([keeper, step.actor], f"门已{step.target.label}", task=True)


@pytest.fixture
def gate_flow(world: World) -> tuple[Workflow[Gate], Spy]:
    spy = Spy([], keeper_id=world.zibo.id)
    may = lambda actor, _gate: actor.id == world.zhangdian.id  # noqa: E731
    rule = dict(may=may, guards=(spy.guard,), effects=(spy.effect,), notices=(spy.notice,))
    flow: Workflow[Gate] = Workflow(
        name="gate", states=Door, actions=Knock, describe=lambda g: f"{g.id} 号门",
        table={(Door.SHUT, Knock.OPEN): Rule(Door.OPEN, **rule), (Door.OPEN, Knock.SHUT): Rule(Door.SHUT, **rule)},
    )
    register(Gate, flow)
    return flow, spy


def test_guards_effects_and_notices_run_in_order_only_when_the_step_is_allowed(
    session: Session, world: World, gate_flow: tuple[Workflow[Gate], Spy]
) -> None:
    _flow, spy = gate_flow
    gate = Gate(id=7)
    marks = newest(session, AuditEvent), newest(session, Notification)
    with pytest.raises(PermissionDenied):
        transition(session, world.zhoucun, gate, Knock.OPEN, 1)
    with pytest.raises(StaleEdit):
        transition(session, world.zhangdian, gate, Knock.OPEN, 0)
    with pytest.raises(InvalidTransition):
        transition(session, world.zhangdian, gate, Knock.SHUT, 1)
    assert spy.calls == [] and nothing_since(session, *marks)
    gate.locked = True
    with pytest.raises(InvalidTransition, match="门已上锁"):
        transition(session, world.zhangdian, gate, Knock.OPEN, 1)
    assert spy.calls == ["guard:open"] and gate.state == Door.SHUT and nothing_since(session, *marks)
    gate.locked = False
    transition(session, world.zhangdian, gate, Knock.OPEN, 1, reason="通风")
    assert spy.calls == ["guard:open", "guard:open", "effect:shut->open", "notice"]
    assert gate.state == Door.OPEN
    event = session.scalars(select(AuditEvent).where(AuditEvent.id > marks[0])).one()
    assert (event.action, event.object_type, event.object_id) == ("gate.open", "gate", "7")
    assert event.summary == "7 号门：关闭 → 打开（开门）" and event.reason == "通风"
    assert json.loads(event.data) == {"from": "shut", "to": "open"}
    notes = list(session.scalars(select(Notification).where(Notification.id > marks[1])))
    assert [(n.user_id, n.title, n.object_type, n.object_id) for n in notes] == [
        (world.zibo.id, "门已打开", "gate", "7")], "the actor is not told of their own step"



# --- after commit -------------------------------------------------------------------------------


def test_work_queued_for_after_commit_runs_once_the_commit_is_done(session: Session, world: World) -> None:
    ran: list[str] = []
    world.zhoucun.phone = "0533-1"
    session.flush()
    after_commit(session, lambda: ran.append("indexed"))
    session.flush()
    assert ran == []
    session.commit()
    assert ran == ["indexed"]
    session.commit()
    assert ran == ["indexed"], "it runs once"


def test_work_queued_for_after_commit_never_runs_after_a_rollback(session: Session, world: World) -> None:
    ran: list[str] = []
    world.zhoucun.phone = "0533-2"
    session.flush()
    after_commit(session, lambda: ran.append("mailed"))
    session.rollback()
    world.zhoucun.phone = "0533-3"
    session.commit()  # the next transaction commits: the rolled-back one's work stays undone
    assert ran == []


def test_work_queued_before_anything_was_read_is_dropped_by_a_rollback_too(session: Session) -> None:
    ran: list[str] = []
    session.commit()  # start from no transaction at all
    after_commit(session, lambda: ran.append("too early"))
    session.rollback()
    session.execute(select(1))
    session.commit()
    assert ran == []


def test_a_failing_after_commit_task_neither_undoes_the_commit_nor_stops_the_others(
    session: Session, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise OSError("disk full")

    world.zhoucun.phone = "0533-4"
    after_commit(session, broken)
    after_commit(session, lambda: ran.append("second"))
    session.commit()
    assert ran == ["second"] and "after-commit callback" in caplog.text
    session.expire_all()
    assert world.zhoucun.phone == "0533-4"


def test_a_request_runs_its_after_commit_work_only_when_it_commits(app: Flask, client: FlaskClient) -> None:
    ran: list[str] = []

    @app.post("/_probe/after-commit/<outcome>")
    def probe(outcome: str) -> tuple[str, int]:
        db().execute(select(1))
        after_commit(db(), lambda: ran.append(outcome))
        if outcome == "refused":
            raise InvalidTransition("探针：拒绝")
        return outcome, 422 if outcome == "answered-422" else 200

    assert client.post("/_probe/after-commit/ok").status_code == 200
    assert client.post("/_probe/after-commit/refused").status_code == 409
    assert client.post("/_probe/after-commit/answered-422").status_code == 422
    assert ran == ["ok", "answered-422"]

"""Every transition of the nomination workflow, allowed and refused, through the engine.

The expectations below — who may take each step, and who hears of it — are written out
by hand from the notice's procedure, not read from ``benchmarks.workflow``, so a wrong
table fails here. Every allowed step must leave its audit event and its notifications;
every refused one must leave neither.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.models import NominationState as S
from benchmarks.workflow import Action as A
from core.audit import AuditEvent
from core.errors import InvalidTransition, PermissionDenied
from core.notifications import Notification
from core.workflow import transition
from tests.factories import World

# (state, action, who) that the procedure allows, for a county's nomination…
COUNTY_NOMINATION = {
    (S.DRAFT, A.SUBMIT, "county"),
    (S.RETURNED, A.SUBMIT, "county"),
    (S.SUBMITTED, A.ENDORSE, "city"),
    (S.SUBMITTED, A.RETURN, "city"),
    (S.ENDORSED, A.SELECT, "province"),
    (S.ENDORSED, A.REJECT, "province"),
    (S.DRAFT, A.WITHDRAW, "county"),
    (S.SUBMITTED, A.WITHDRAW, "county"),
    (S.RETURNED, A.WITHDRAW, "county"),
    (S.ENDORSED, A.WITHDRAW, "county"),
}
# …and for a city's own nomination (it goes straight to the province).
CITY_NOMINATION = {
    (S.DRAFT, A.ENDORSE, "city"),
    (S.ENDORSED, A.SELECT, "province"),
    (S.ENDORSED, A.REJECT, "province"),
    (S.DRAFT, A.WITHDRAW, "city"),
    (S.ENDORSED, A.WITHDRAW, "city"),
}
# Who hears of each allowed step (the one who takes it never notifies themselves).
COUNTY_NOTICES = {
    (S.DRAFT, A.SUBMIT): {"city", "enterprise"},
    (S.RETURNED, A.SUBMIT): {"city"},  # a resubmission is not news to the enterprise
    (S.SUBMITTED, A.ENDORSE): {"province", "county", "enterprise"},
    (S.SUBMITTED, A.RETURN): {"county"},
    (S.ENDORSED, A.SELECT): {"county", "city", "enterprise"},
    (S.ENDORSED, A.REJECT): {"county", "city", "enterprise"},
    (S.DRAFT, A.WITHDRAW): set(),
    (S.SUBMITTED, A.WITHDRAW): {"city"},
    (S.RETURNED, A.WITHDRAW): set(),
    (S.ENDORSED, A.WITHDRAW): {"province", "city"},
}
CITY_NOTICES = {  # 历城丁化工 has no enterprise account in the test world
    (S.DRAFT, A.ENDORSE): {"province"},
    (S.ENDORSED, A.SELECT): {"city"},
    (S.ENDORSED, A.REJECT): {"city"},
    (S.DRAFT, A.WITHDRAW): set(),
    (S.ENDORSED, A.WITHDRAW): {"province"},
}
# Steps that ask the readers to act (a task, done when the nomination moves on).
TASKS = {A.SUBMIT, A.RETURN, (S.DRAFT, A.ENDORSE), (S.SUBMITTED, A.ENDORSE)}
ACTORS = ("county", "other_county", "city", "other_city", "province", "admin", "expert", "enterprise")
FINAL = {S.SELECTED, S.REJECTED, S.WITHDRAWN}
COUNTY_STATES = list(S)
CITY_STATES = [S.DRAFT, S.ENDORSED, S.SELECTED, S.REJECTED, S.WITHDRAWN]


def _actor(world: World, who: str, city_nomination: bool):
    if city_nomination:  # the nomination belongs to 济南市 (an enterprise in 历城区)
        cast = {"county": world.zhangdian, "other_county": world.zhoucun, "city": world.jinan,
                "other_city": world.zibo}
    else:  # the nomination belongs to 张店区, under 淄博市
        cast = {"county": world.zhangdian, "other_county": world.zhoucun, "city": world.zibo,
                "other_city": world.jinan}
    cast |= {"province": world.sheng, "admin": world.admin, "expert": world.expert,
             "enterprise": world.ent_user}
    return cast[who]


def _newest(session: Session, model: type) -> int:
    return session.scalar(select(func.max(model.id))) or 0


def _check_everyone(session: Session, world: World, state: S, action: A, allowed: set) -> None:
    """One nomination in ``state``; every actor tries ``action`` on it inside a savepoint
    rolled back afterwards, so each meets the nomination exactly as the state left it."""
    city_nomination = allowed is CITY_NOMINATION
    nomination = world.nomination(session, state, world.ent_jn if city_nomination else world.ent_zd)
    for who in ACTORS:
        savepoint = session.begin_nested()
        try:
            _check(session, world, nomination, state, action, who, allowed)
        except AssertionError as failed:
            raise AssertionError(f"{who} {action.value} from {state.value}: {failed}") from failed
        finally:
            savepoint.rollback()


def _check(session: Session, world: World, nomination: object, state: S, action: A, who: str,
           allowed: set) -> None:
    city_nomination = allowed is CITY_NOMINATION
    actor = _actor(world, who, city_nomination)
    last_event, last_note = _newest(session, AuditEvent), _newest(session, Notification)
    if (state, action, who) in allowed:
        transition(session, actor, nomination, action, nomination.lock_version, reason="理由")
        assert nomination.state != state
        _assert_recorded(session, world, nomination, actor, state, action, last_event, city_nomination)
        _assert_notified(session, world, state, action, last_note, city_nomination)
        return
    if any((state, action) == (s, a) for s, a, _ in allowed):
        expected: type[Exception] | tuple[type[Exception], ...] = PermissionDenied
    else:
        # No one may take this step from this state; from a final state it is a wrong
        # transition whoever asks.
        expected = InvalidTransition if state in FINAL else (InvalidTransition, PermissionDenied)
    with pytest.raises(expected):
        transition(session, actor, nomination, action, nomination.lock_version, reason="理由")
    assert nomination.state == state
    assert _newest(session, AuditEvent) == last_event, "a refused step left an audit event"
    assert _newest(session, Notification) == last_note, "a refused step sent a notification"


def _assert_recorded(session: Session, world: World, nomination: object, actor: object, state: S, action: A,
                     last_event: int, city_nomination: bool) -> None:
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.id > last_event)))
    assert [e.action for e in events] == [f"nomination.{action.value}"]
    event = events[0]
    assert event.object_type == "nomination" and event.object_id == str(nomination.id)  # type: ignore[attr-defined]
    assert event.actor_id == actor.id  # type: ignore[attr-defined]
    assert json.loads(event.data) == {"from": state.value, "to": nomination.state.value}  # type: ignore[attr-defined]
    assert event.reason == "理由"


def _assert_notified(session: Session, world: World, state: S, action: A, last_note: int,
                     city_nomination: bool) -> None:
    expected = (CITY_NOTICES if city_nomination else COUNTY_NOTICES)[(state, action)]
    notes = list(session.scalars(select(Notification).where(Notification.id > last_note)))
    recipients = {n.user_id for n in notes}
    assert recipients == {_actor(world, who, city_nomination).id for who in expected}
    # Officials open the nomination; the enterprise opens its own page (it cannot open nominations).
    assert all(n.object_type == ("enterprise" if n.user_id == world.ent_user.id else "nomination") for n in notes)
    is_task = action in TASKS or (state, action) in TASKS
    bureau_notes = [n for n in notes if n.user_id != world.ent_user.id]
    assert any(n.task for n in bureau_notes) == (is_task and bool(bureau_notes))


@pytest.mark.parametrize("state", COUNTY_STATES, ids=str)
@pytest.mark.parametrize("action", list(A), ids=str)
def test_county_nomination_transition(session: Session, world: World, state: S, action: A) -> None:
    _check_everyone(session, world, state, action, COUNTY_NOMINATION)


@pytest.mark.parametrize("state", CITY_STATES, ids=str)
@pytest.mark.parametrize("action", list(A), ids=str)
def test_city_nomination_transition(session: Session, world: World, state: S, action: A) -> None:
    _check_everyone(session, world, state, action, CITY_NOMINATION)


@pytest.mark.parametrize(("state", "action", "to"), [
    (S.DRAFT, A.SUBMIT, S.SUBMITTED),
    (S.RETURNED, A.SUBMIT, S.SUBMITTED),
    (S.SUBMITTED, A.ENDORSE, S.ENDORSED),
    (S.SUBMITTED, A.RETURN, S.RETURNED),
    (S.ENDORSED, A.SELECT, S.SELECTED),
    (S.ENDORSED, A.REJECT, S.REJECTED),
    (S.SUBMITTED, A.WITHDRAW, S.WITHDRAWN),
])
def test_each_step_lands_in_the_state_the_procedure_names(
    session: Session, world: World, state: S, action: A, to: S
) -> None:
    nomination = world.nomination(session, state)
    who = {A.SUBMIT: world.zhangdian, A.WITHDRAW: world.zhangdian, A.ENDORSE: world.zibo,
           A.RETURN: world.zibo, A.SELECT: world.sheng, A.REJECT: world.sheng}[action]
    transition(session, who, nomination, action, nomination.lock_version, reason="理由")
    assert nomination.state == to

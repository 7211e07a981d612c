"""Every transition of the nomination workflow, allowed and refused, through the services.

The expectations below are written out by hand from the notice's procedure, not read
from ``benchmarks.workflow``, so a wrong table fails here.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from benchmarks import services
from benchmarks.models import NominationState as S
from benchmarks.workflow import Action as A
from core.errors import InvalidTransition, PermissionDenied
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


def _check(session: Session, world: World, state: S, action: A, who: str, allowed: set) -> None:
    city_nomination = allowed is CITY_NOMINATION
    enterprise = world.ent_jn if city_nomination else world.ent_zd
    nomination = world.nomination(session, state, enterprise)
    actor = _actor(world, who, city_nomination)
    reason = "理由"
    if (state, action, who) in allowed:
        services.act(session, actor, nomination, action, reason)
        assert nomination.state != state
    elif any((state, action) == (s, a) for s, a, _ in allowed):
        with pytest.raises(PermissionDenied):
            services.act(session, actor, nomination, action, reason)
        assert nomination.state == state
    else:
        # No one may take this step from this state; from a final state it is a wrong
        # transition whoever asks.
        expected = InvalidTransition if state in FINAL else (InvalidTransition, PermissionDenied)
        with pytest.raises(expected):
            services.act(session, actor, nomination, action, reason)
        assert nomination.state == state


@pytest.mark.parametrize("state", COUNTY_STATES, ids=str)
@pytest.mark.parametrize("action", list(A), ids=str)
@pytest.mark.parametrize("who", ACTORS)
def test_county_nomination_transition(session: Session, world: World, state: S, action: A, who: str) -> None:
    _check(session, world, state, action, who, COUNTY_NOMINATION)


@pytest.mark.parametrize("state", CITY_STATES, ids=str)
@pytest.mark.parametrize("action", list(A), ids=str)
@pytest.mark.parametrize("who", ACTORS)
def test_city_nomination_transition(session: Session, world: World, state: S, action: A, who: str) -> None:
    _check(session, world, state, action, who, CITY_NOMINATION)


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
    services.act(session, who, nomination, action, "理由")
    assert nomination.state == to

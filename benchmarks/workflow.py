"""The nomination workflow as one table: ``(state, action) -> Rule``.

Reading the table is reading the procedure of the notice: a county submits to its city
(逐级上报), the city endorses to the province or returns it, the province selects or
rejects (论证、筛选), and the nominator may withdraw before a decision. A city may also
nominate directly, which is the city endorsing its own draft.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from benchmarks.models import Nomination, NominationState
from core.people import Role, User
from core.regions import RegionLevel
from core.scope import covers

S = NominationState


class Action(enum.StrEnum):
    SUBMIT = "submit"
    ENDORSE = "endorse"
    RETURN = "return"
    SELECT = "select"
    REJECT = "reject"
    WITHDRAW = "withdraw"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.SUBMIT: "上报市级",
    Action.ENDORSE: "推荐至省级",
    Action.RETURN: "退回县级",
    Action.SELECT: "确定为省级标杆",
    Action.REJECT: "不予入选",
    Action.WITHDRAW: "撤回推荐",
}


class Party(enum.StrEnum):
    """Who stands where relative to one nomination."""

    COUNTY_NOMINATOR = "county_nominator"  # the county bureau that put it forward
    CITY_NOMINATOR = "city_nominator"  # a city bureau that put it forward itself
    CITY = "city"  # the city bureau over the enterprise
    PROVINCE = "province"  # the provincial bureau


class Deadline(enum.StrEnum):
    COUNTY = "county"
    CITY = "city"


@dataclass(frozen=True)
class Rule:
    to: NominationState
    parties: frozenset[Party]
    reason_label: str | None = None  # a reason is required when this is set
    deadline: Deadline | None = None


NOMINATORS = frozenset({Party.COUNTY_NOMINATOR, Party.CITY_NOMINATOR})
_withdraw = Rule(S.WITHDRAWN, NOMINATORS, reason_label="撤回理由")

TRANSITIONS: dict[tuple[NominationState, Action], Rule] = {
    (S.DRAFT, Action.SUBMIT): Rule(S.SUBMITTED, frozenset({Party.COUNTY_NOMINATOR}),
                                   deadline=Deadline.COUNTY),
    (S.RETURNED, Action.SUBMIT): Rule(S.SUBMITTED, frozenset({Party.COUNTY_NOMINATOR}),
                                      deadline=Deadline.COUNTY),
    (S.DRAFT, Action.ENDORSE): Rule(S.ENDORSED, frozenset({Party.CITY_NOMINATOR}),
                                    reason_label="市级推荐意见", deadline=Deadline.CITY),
    (S.SUBMITTED, Action.ENDORSE): Rule(S.ENDORSED, frozenset({Party.CITY}),
                                        reason_label="市级推荐意见", deadline=Deadline.CITY),
    (S.SUBMITTED, Action.RETURN): Rule(S.RETURNED, frozenset({Party.CITY}),
                                       reason_label="退回理由"),
    (S.ENDORSED, Action.SELECT): Rule(S.SELECTED, frozenset({Party.PROVINCE}),
                                      reason_label="遴选意见"),
    (S.ENDORSED, Action.REJECT): Rule(S.REJECTED, frozenset({Party.PROVINCE}),
                                      reason_label="不予入选的理由"),
    (S.DRAFT, Action.WITHDRAW): _withdraw,
    (S.SUBMITTED, Action.WITHDRAW): _withdraw,
    (S.RETURNED, Action.WITHDRAW): _withdraw,
    (S.ENDORSED, Action.WITHDRAW): _withdraw,
}

EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
DECIDED_STATES = frozenset({S.SELECTED, S.REJECTED, S.WITHDRAWN})


def parties(actor: User, nomination: Nomination) -> set[Party]:
    """Every party the actor plays for this nomination (usually one, often none)."""
    level = actor.bureau_level
    if level is None or actor.region is None:
        return set()
    found: set[Party] = set()
    if actor.region_code == nomination.nominator_region_code:
        found.add(
            Party.COUNTY_NOMINATOR if nomination.nominator_level == RegionLevel.COUNTY
            else Party.CITY_NOMINATOR
        )
    if level == RegionLevel.CITY and covers(actor, nomination.enterprise.region_path):
        found.add(Party.CITY)
    if level == RegionLevel.PROVINCE and Role.BUREAU in actor.roles:
        found.add(Party.PROVINCE)
    return found


def rule_for(nomination: Nomination, action: Action) -> Rule | None:
    return TRANSITIONS.get((nomination.state_enum, action))


def allowed_actions(actor: User, nomination: Nomination) -> list[Action]:
    """Actions the table offers this actor now (deadlines are checked when acting)."""
    if not nomination.campaign.is_open:
        return []
    mine = parties(actor, nomination)
    return [
        action for action in Action
        if (rule := rule_for(nomination, action)) is not None and rule.parties & mine
    ]

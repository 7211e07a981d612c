"""The nomination and campaign workflows as tables on the shared engine (``core.workflow``).

Reading the nomination table is reading the procedure of the notice: a county submits to
its city (逐级上报), the city endorses to the province or returns it, the province selects
or rejects (论证、筛选), and the nominator may withdraw before a decision. A city may also
nominate directly, which is the city endorsing its own draft. Each row says who may act
(a predicate over the actor's relation to the nomination), what must still hold (the
deadline of that level, reasons and evidence in place), what the step records, and who
hears of it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable

from sqlalchemy import func, select

from benchmarks.models import Campaign, CampaignStatus, Nomination, NominationState
from core import audit
from core.db import china_today, cn_date, utcnow
from core.errors import InvalidTransition, ValidationError
from core.notifications import bureau_staff_at, enterprise_staff
from core.people import Role, User
from core.regions import RegionLevel
from core.scope import covers
from core.workflow import Guard, Notice, Rule, Step, Workflow, register

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


NOMINATORS = frozenset({Party.COUNTY_NOMINATOR, Party.CITY_NOMINATOR})
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
DECIDED_STATES = frozenset({S.SELECTED, S.REJECTED, S.WITHDRAWN})
CRITERIA = {
    "risk_control": "风险管控",
    "hidden_danger": "隐患排查治理",
    "informatisation": "信息化管理",
}


def parties(actor: User, nomination: Nomination) -> set[Party]:
    """Every party the actor plays for this nomination (usually one, often none).

    The nominator is whoever put it forward, wherever the enterprise has moved since;
    the city is the one over the enterprise *as it stood when put forward*.
    """
    level = actor.bureau_level
    if level is None or actor.region is None:
        return set()
    found: set[Party] = set()
    if actor.region_code == nomination.nominator_region_code:
        found.add(Party.COUNTY_NOMINATOR if nomination.nominator_level == RegionLevel.COUNTY
                  else Party.CITY_NOMINATOR)
    if level == RegionLevel.CITY and covers(actor, nomination.region_path):
        found.add(Party.CITY)
    if level == RegionLevel.PROVINCE:
        found.add(Party.PROVINCE)
    return found


def _played_by(*wanted: Party) -> Callable[[User, Nomination], bool]:
    def may(actor: User, nomination: Nomination) -> bool:
        return bool(parties(actor, nomination) & set(wanted))

    return may


# --- guards: what must still hold when the step is taken --------------------------------


class Deadline(enum.StrEnum):
    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"


DEADLINE_NAMES = {
    Deadline.COUNTY: "县级上报截止日期",
    Deadline.CITY: "市级推荐截止日期",
    Deadline.PROVINCE: "省级遴选截止日期",
}


def deadline_of(campaign: Campaign, which: Deadline) -> dt.date:
    return {
        Deadline.COUNTY: campaign.county_deadline,
        Deadline.CITY: campaign.city_deadline,
        Deadline.PROVINCE: campaign.province_deadline,
    }[which]


def refuse_if_late(campaign: Campaign, which: Deadline, doing: str) -> None:
    deadline = deadline_of(campaign, which)
    if china_today() > deadline:
        raise InvalidTransition(
            f"已超过本批次的{DEADLINE_NAMES[which]}（{cn_date(deadline)}），不能再{doing}。"
            "如确需延期，请联系省级监管部门。"
        )


def _before(which: Deadline) -> Guard:
    def guard(step: Step[Nomination]) -> None:
        refuse_if_late(step.record.campaign, which, step.action.label)

    return guard


def _reasons_complete(step: Step[Nomination]) -> None:
    missing = {name: f"请填写{label}方面的推荐理由" for name, label in CRITERIA.items()
               if not getattr(step.record, name).strip()}
    if missing:
        raise ValidationError(missing)


def _has_evidence(step: Step[Nomination]) -> None:
    if not step.record.attachments:
        raise ValidationError({"file": "请先上传至少一份证明材料，再上报推荐"})


def _still_in_jurisdiction(step: Step[Nomination]) -> None:
    """A nominator cannot put forward an enterprise that has since left its jurisdiction."""
    enterprise = step.record.enterprise
    if not covers(step.actor, enterprise.region_path):
        raise InvalidTransition(f"“{enterprise.name}”已迁至{enterprise.region.full_name}，"
                                "不在本单位辖区内，不能再上报。可撤回本推荐。")


def _industry_in_campaign(step: Step[Nomination]) -> None:
    """An enterprise re-classed out of the campaign's industries cannot be put forward in it."""
    enterprise, campaign = step.record.enterprise, step.record.campaign
    if enterprise.industry_code not in campaign.industry_codes:
        raise InvalidTransition(f"“{enterprise.name}”的行业现为“{enterprise.industry.name}”，不在本批次遴选行业内，"
                                "不能上报。可撤回本推荐。")


# --- effects: what the step records -----------------------------------------------------


def _put_forward(step: Step[Nomination]) -> None:
    """Leaving the nominator: stamp it, and fix where the enterprise stands and its industry."""
    nomination, now = step.record, utcnow()
    nomination.submitted_at = nomination.submitted_at or now
    nomination.return_reason = None
    nomination.region_path = nomination.enterprise.region_path
    nomination.industry_code = nomination.enterprise.industry_code


def _endorsed(step: Step[Nomination]) -> None:
    step.record.endorsed_at, step.record.city_opinion = utcnow(), step.reason


def _returned(step: Step[Nomination]) -> None:
    step.record.return_reason = step.reason


def _decided(step: Step[Nomination]) -> None:
    step.record.decided_at, step.record.decision_reason = utcnow(), step.reason


# --- notices: who hears of it -----------------------------------------------------------


def _city_and_province(nomination: Nomination) -> tuple[str, str]:
    """The codes of the province and city the enterprise stood in when put forward."""
    province, city, *_ = nomination.region_path.strip("/").split("/")
    return city, province


def _reason_line(step: Step[Nomination]) -> str:
    return f"理由：{step.reason}" if step.reason else ""


def _tell_city(step: Step[Nomination]) -> Iterable[Notice]:
    n = step.record
    city, _ = _city_and_province(n)
    yield Notice(bureau_staff_at(step.session, [city]),
                 f"{n.nominator_region.name}推荐“{n.enterprise.name}”，待市级审核", task=True)


def _tell_province(step: Step[Nomination]) -> Iterable[Notice]:
    n = step.record
    city, province = _city_and_province(n)
    yield Notice(bureau_staff_at(step.session, [province]),
                 f"推荐“{n.enterprise.name}”（{n.industry.name}）待省级遴选", _reason_line(step), task=True)
    if n.nominator_region_code != city:
        yield Notice(bureau_staff_at(step.session, [n.nominator_region_code]),
                     f"“{n.enterprise.name}”已由市级推荐至省级", _reason_line(step))


def _tell_nominator_returned(step: Step[Nomination]) -> Iterable[Notice]:
    n = step.record
    yield Notice(bureau_staff_at(step.session, [n.nominator_region_code]),
                 f"“{n.enterprise.name}”的推荐被市级退回，请修改后重新上报", _reason_line(step), task=True)


def _tell_outcome(step: Step[Nomination]) -> Iterable[Notice]:
    n = step.record
    city, _ = _city_and_province(n)
    outcome = "确定为省级标杆企业" if step.target == S.SELECTED else "未入选省级标杆企业"
    yield Notice(bureau_staff_at(step.session, [n.nominator_region_code, city]),
                 f"“{n.enterprise.name}”{outcome}（{n.industry.name}）", _reason_line(step))


def _tell_holders_withdrawn(step: Step[Nomination]) -> Iterable[Notice]:
    n = step.record
    city, province = _city_and_province(n)
    holders = {S.SUBMITTED: [city], S.ENDORSED: [province, city]}.get(S(step.source), [])
    if holders:
        yield Notice(bureau_staff_at(step.session, holders), f"“{n.enterprise.name}”的推荐已被推荐单位撤回",
                     _reason_line(step))


ENTERPRISE_NEWS = {
    S.SUBMITTED: "本企业已被推荐参加“{campaign}”标杆企业遴选",
    S.ENDORSED: "本企业已由市级推荐至省级，参加“{campaign}”标杆企业遴选",
    S.SELECTED: "本企业已被确定为省级标杆企业（{industry}）",
    S.REJECTED: "本企业在“{campaign}”中未入选省级标杆企业",
}


def _tell_enterprise(step: Step[Nomination]) -> Iterable[Notice]:
    """The enterprise hears of each outward step: nominated, endorsed, selected, rejected."""
    n = step.record
    template = ENTERPRISE_NEWS.get(S(step.target))
    if template is not None and step.source != S.RETURNED:  # a resubmission is not news
        yield Notice(enterprise_staff(step.session, n.enterprise_id),
                     template.format(campaign=n.campaign.title, industry=n.industry.name),
                     about=n.enterprise)  # its own page: enterprise users do not open nominations


# --- the table ----------------------------------------------------------------------------

county_nominator = _played_by(Party.COUNTY_NOMINATOR)
city_nominator = _played_by(Party.CITY_NOMINATOR)
city_over = _played_by(Party.CITY)
province = _played_by(Party.PROVINCE)
nominator = _played_by(*NOMINATORS)

_submit = Rule(S.SUBMITTED, county_nominator,
               guards=(_before(Deadline.COUNTY), _reasons_complete, _has_evidence, _still_in_jurisdiction,
                       _industry_in_campaign),
               effects=(_put_forward,), notices=(_tell_city, _tell_enterprise))
_withdraw = Rule(S.WITHDRAWN, nominator, reason="撤回理由", notices=(_tell_holders_withdrawn,))

TRANSITIONS: dict[tuple[NominationState, Action], Rule] = {
    (S.DRAFT, Action.SUBMIT): _submit,
    (S.RETURNED, Action.SUBMIT): _submit,
    (S.DRAFT, Action.ENDORSE): Rule(
        S.ENDORSED, city_nominator, reason="市级推荐意见",
        guards=(_before(Deadline.CITY), _reasons_complete, _has_evidence, _still_in_jurisdiction,
                _industry_in_campaign),
        effects=(_put_forward, _endorsed), notices=(_tell_province, _tell_enterprise)),
    (S.SUBMITTED, Action.ENDORSE): Rule(
        S.ENDORSED, city_over, reason="市级推荐意见", guards=(_before(Deadline.CITY),),
        effects=(_endorsed,), notices=(_tell_province, _tell_enterprise)),
    (S.SUBMITTED, Action.RETURN): Rule(
        S.RETURNED, city_over, reason="退回理由", guards=(_before(Deadline.CITY),),
        effects=(_returned,), notices=(_tell_nominator_returned,)),
    (S.ENDORSED, Action.SELECT): Rule(
        S.SELECTED, province, reason="遴选意见", guards=(_before(Deadline.PROVINCE),),
        effects=(_decided,), notices=(_tell_outcome, _tell_enterprise)),
    (S.ENDORSED, Action.REJECT): Rule(
        S.REJECTED, province, reason="不予入选的理由", guards=(_before(Deadline.PROVINCE),),
        effects=(_decided,), notices=(_tell_outcome, _tell_enterprise)),
    (S.DRAFT, Action.WITHDRAW): _withdraw,
    (S.SUBMITTED, Action.WITHDRAW): _withdraw,
    (S.RETURNED, Action.WITHDRAW): _withdraw,
    (S.ENDORSED, Action.WITHDRAW): _withdraw,
}

NOMINATION_FLOW: Workflow[Nomination] = register(Nomination, Workflow(
    name="nomination", states=NominationState, actions=Action, table=TRANSITIONS,
    describe=lambda n: f"“{n.enterprise.name}”的推荐", active=lambda n: n.campaign.is_open,
))


# --- campaigns ------------------------------------------------------------------------------


class CampaignAction(enum.StrEnum):
    CLOSE = "close"

    @property
    def label(self) -> str:
        return "结束批次"


def is_province_bureau(actor: User) -> bool:
    return actor.bureau_level == RegionLevel.PROVINCE and Role.BUREAU in actor.roles


def _none_undecided(step: Step[Campaign]) -> None:
    pending = step.session.scalar(select(func.count()).where(
        Nomination.campaign_id == step.record.id, Nomination.state == S.ENDORSED)) or 0
    if pending:
        raise InvalidTransition(f"尚有 {pending} 个候选企业未作出遴选决定，不能结束本批次。")


def _closed(step: Step[Campaign]) -> None:
    step.record.closed_at = utcnow()


CAMPAIGN_TRANSITIONS: dict[tuple[CampaignStatus, CampaignAction], Rule] = {
    (CampaignStatus.OPEN, CampaignAction.CLOSE): Rule(
        CampaignStatus.CLOSED, lambda actor, _campaign: is_province_bureau(actor),
        guards=(_none_undecided,), effects=(_closed,)),
}

CAMPAIGN_FLOW: Workflow[Campaign] = register(Campaign, Workflow(
    name="campaign", states=CampaignStatus, actions=CampaignAction, table=CAMPAIGN_TRANSITIONS,
    describe=lambda c: f"遴选批次“{c.title}”",
))

audit.name_things(
    objects={"nomination": "推荐", "campaign": "遴选批次"},
    actions={
        **{f"nomination.{a.value}": a.label for a in Action},
        "nomination.create": "新增推荐", "nomination.update": "修改推荐理由",
        "nomination.attach": "上传证明材料", "nomination.detach": "删除证明材料",
        "campaign.open": "发起遴选批次", "campaign.update": "修改遴选批次", "campaign.close": "结束遴选批次",
    },
)

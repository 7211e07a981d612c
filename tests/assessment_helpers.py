"""Assessments for tests: a published standard answered by 张店甲 (the world's ``ent_user``).

- :func:`answer_all` answers every requirement (the first ``gaps`` not met, each planned);
- :func:`assessment_ids` builds what the authorisation table and the hostile sweep point at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from assessments import answers, campaigns, rectifications
from assessments.items import requirements_of
from assessments.models import Assessment, Rectification
from assessments.workflow import Action
from core.db import china_today
from core.people import User
from core.workflow import transition
from standards.models import Clause, ClauseKind, Publication
from tests.factories import PDF, World
from tests.publication_helpers import fake_render, published

PLAN = rectifications.PlanInput(measure="完善风险点台账", responsible="张三", funds="1.5",
                                deadline=dt.date(2030, 1, 1), contingency="加强巡检")


REQUIREMENTS = (  # title, points, veto — a chapter as a generated standard has (standards.generate)
    ("风险点划分", "10", False), ("风险评价", "20", False), ("重大风险管控", "10", True), ("隐患排查", "5", False),
    ("教育培训", "5", False))


def standard(session: Session, world: World, number: int = 4090, title: str = "对标用实施指南") -> Publication:
    """A published standard whose issued text holds six requirements (one a veto item) in two chapters."""
    publication = published(session, world, render=fake_render, title=title, panel_prefix=f"t_asm{number}",
                            issued_on=china_today(), number=f"DB37/T {number}—{china_today().year}")
    chapter = Clause(version_id=publication.version_id, kind=ClauseKind.CHAPTER, title="风险管控要求", position=90)
    session.add(chapter)
    session.flush()
    session.add_all(Clause(version_id=publication.version_id, parent_id=chapter.id, position=n, kind=ClauseKind.CLAUSE,
                           title=name, body=f"企业应做好{name}工作。", is_requirement=True, points=Decimal(points),
                           veto=veto, waivable=not veto)
                    for n, (name, points, veto) in enumerate(REQUIREMENTS))
    session.flush()
    return publication


def answer_all(session: Session, user: User, assessment: Assessment, gaps: int = 1,
               plan: rectifications.PlanInput = PLAN) -> None:
    for n, item in enumerate(requirements_of(session, assessment.publication).items):
        result = "nonconform" if n < gaps else "conform"
        answers.save_answer(session, user, assessment, item.key, result=result)
        if n < gaps:
            rectifications.save_plan(session, user, assessment, item.key, plan, None)


def submit(session: Session, user: User, assessment: Assessment) -> Assessment:
    return transition(session, user, assessment, Action.SUBMIT, assessment.lock_version)


@dataclass(frozen=True)
class AssessmentIds:
    """``submitted``: 张店甲's, with evidence and an open rectification (with evidence);
    ``draft``: 张店甲's against a second standard, complete, its gap (``key``) planned and with evidence;
    ``campaign``: 张店区's."""

    submitted: int = 0
    draft: int = 0
    key: str = "k"
    evidence: int = 0
    draft_evidence: int = 0
    rectification: int = 0
    rect_evidence: int = 0
    campaign: int = 0
    publication: int = 0


NO_ASSESSMENTS = AssessmentIds()


def assessment_ids(session: Session, world: World) -> AssessmentIds:
    first, second = standard(session, world, 4090), standard(session, world, 4091, "第二项对标用实施指南")
    a = answers.start(session, world.ent_user, first)
    answer_all(session, world.ent_user, a)
    key = requirements_of(session, first).items[0].key
    evidence = answers.attach(session, world.ent_user, world.store, a, key, "证据.pdf", PDF)
    submit(session, world.ent_user, a)
    plan = session.query(Rectification).filter_by(assessment_id=a.id).one()
    rect_evidence = rectifications.attach(session, world.ent_user, world.store, plan, "整改.pdf", PDF)
    draft = answers.start(session, world.ent_user, second)
    answer_all(session, world.ent_user, draft)  # complete, its one gap planned: ready to submit
    second_key = requirements_of(session, second).items[0].key
    draft_evidence = answers.attach(session, world.ent_user, world.store, draft, second_key, "草稿证据.pdf", PDF)
    campaign = campaigns.open_campaign(session, world.zhangdian, campaigns.CampaignInput(
        "张店区对标任务", first.id, china_today() + dt.timedelta(days=10)), [first])
    return AssessmentIds(a.id, draft.id, second_key, evidence.id, draft_evidence.id, plan.id, rect_evidence.id,
                         campaign.id, first.id)

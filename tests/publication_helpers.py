"""Standard projects taken to the committee, and published, through the services.

Used by the publication tests, the catalogue's pages, the authorisation table and the
browser journey. ``render`` is the real DOCX renderer unless a test hands in another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.models import Nomination, NominationState
from core.db import china_today
from core.people import User
from core.workflow import transition
from standards.approval import Render
from standards.imprint import ImprintInput
from standards.models import Publication, Stage, StandardProject
from standards.publishing import publish
from standards.workflow import StageAction, conclude
from tests.factories import World, make_expert
from tests.review_helpers import Ballot, raise_for_review, submit_for_review, vote


def at_approval(session: Session, world: World, title: str = "化工企业风险分级管控实施指南",
                panel_prefix: str = "t_pub") -> StandardProject:
    """A project whose review meeting passed: its 报批稿 waits for the committee."""
    source = session.scalar(select(Nomination).where(  # a benchmark already selected serves again
        Nomination.state == NominationState.SELECTED, Nomination.industry_code == "CHEM").limit(1)) \
        or world.nomination(session, NominationState.SELECTED, world.ent_zd)
    panel = [world.expert, make_expert(session, f"{panel_prefix}_b"), make_expert(session, f"{panel_prefix}_c")]
    project = raise_for_review(session, world.sheng, world.zhangdian, panel, source, title)
    project.proposer, project.responsible_body = "山东省应急管理厅", "山东安全生产标准化技术委员会"
    submit_for_review(session, world.zhangdian, project)
    vote(session, project, [Ballot(e, "agree") for e in panel])
    conclude(session, world.zhangdian, project, project.lock_version, "同意通过审查。")
    return project


def approved(session: Session, world: World, title: str = "化工企业风险分级管控实施指南",
             panel_prefix: str = "t_pub") -> StandardProject:
    project = at_approval(session, world, title, panel_prefix)
    transition(session, world.committee, project, StageAction.APPROVE, project.lock_version)
    return project


def imprint(number: str = "DB37/T 4085—2026", issued_on: dt.date = dt.date(2026, 3, 1), **changes: object
            ) -> ImprintInput:
    values: dict[str, object] = {"number": number, "ics": "13.100", "ccs": "C 67", "issued_on": issued_on,
                                 **changes}
    return ImprintInput(**values)  # type: ignore[arg-type]


def published(session: Session, world: World, committee: User | None = None, *, render: Render,
              title: str = "化工企业风险分级管控实施指南", panel_prefix: str = "t_pub", **imprint_values: object
              ) -> Publication:
    project = approved(session, world, title, panel_prefix)
    return publish(session, committee or world.committee, project, project.lock_version,
                   imprint(**imprint_values), render=render, store=world.store)  # type: ignore[arg-type]


def fake_render(publication: Publication) -> bytes:
    """Bytes that name what they render: enough where a test looks at the service, not the layout."""
    return f"DOCX {publication.number} {publication.title}".encode()



# --- the authorisation table's publications ----------------------------------------------------


@dataclass(frozen=True)
class PublicationIds:
    """What the committee's and the catalogue's URLs point at (zeros: the table's dummy build).

    - ``at_approval``: a project whose 报批稿 (``approval_version``) waits for the committee,
      the world's expert on its panel and 张店区 its editor;
    - ``approved``: a project approved and ready to publish;
    - ``slug``: a published standard (its project's 报批稿 issued).
    """

    at_approval: int = 0
    approval_version: int = 0
    approved: int = 0
    slug: str = "DB37T0000-2000"
    publication_id: int = 0


NO_PUBLICATIONS = PublicationIds()


def publication_ids(session: Session, world: World) -> PublicationIds:
    from exports.publication_files import publication_docx

    waiting = at_approval(session, world, "报批中的实施指南", panel_prefix="t_auth_a")
    frozen = next(v for v in waiting.versions if v.stage == Stage.APPROVAL and v.frozen_at is not None)
    ready = approved(session, world, "已批准的实施指南", panel_prefix="t_auth_b")
    issued = published(session, world, render=publication_docx, title="已发布的实施指南", panel_prefix="t_auth_c",
                       issued_on=china_today(), number=f"DB37/T 4085—{china_today().year}")
    return PublicationIds(waiting.id, frozen.id, ready.id, issued.slug, issued.id)


def publishing_fill() -> dict[str, dict[str, list[str]]]:
    """What the committee types in the forms the hostile-input sweep submits."""
    year = china_today().year
    return {
        "publishing.publish": {"number": [f"DB37/T 4999—{year}"], "ics": ["13.100"], "ccs": ["C 67"]},
        "publishing.withdraw": {"reason": ["已被新的国家标准覆盖。"]},
        "publishing.act": {"reason": ["附录A需补充。"]},
    }

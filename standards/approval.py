"""The last stages: the standards committee approves a 报批稿 (or returns it), then publishes it.

These are rows of the project's stage table (``standards.workflow``) and one small table of
a publication's own — withdrawal (废止). Publishing makes the :class:`Publication` from the
newest frozen 报批稿 and the checked imprint (``standards.imprint``), renders its DOCX with
the renderer the caller hands in (the domain knows no file formats: ``exports`` does) and
stores the bytes by SHA-256, so every later download is those bytes.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import china_today
from core.errors import InvalidTransition
from core.people import Role, User, UserRole
from core.workflow import Notice, Rule, Step, Workflow, register
from standards.imprint import Imprint
from standards.models import (
    MemberRole,
    Publication,
    PublicationState,
    Stage,
    StandardProject,
    StandardVersion,
)
from standards.permissions import is_committee
from standards.versions import freeze

Render = Callable[[Publication], bytes]


class Store(Protocol):
    def put(self, data: bytes) -> str: ...


def committee(session: Session) -> list[User]:
    return list(session.scalars(select(User).join(UserRole).where(
        UserRole.role == Role.COMMITTEE, User.is_active.is_(True)).order_by(User.id)))


def approval_draft(session: Session, project: StandardProject) -> StandardVersion | None:
    """The newest frozen 报批稿: what the committee approves and publishes."""
    return session.scalars(select(StandardVersion).where(
        StandardVersion.project_id == project.id, StandardVersion.stage == Stage.APPROVAL,
        StandardVersion.frozen_at.is_not(None)).order_by(StandardVersion.number.desc()).limit(1)).first()


# --- guards and effects -------------------------------------------------------------------------


def _was_returned(step: Step[StandardProject]) -> None:
    if approval_draft(step.session, step.record) is None:
        raise InvalidTransition("只有被退回的报批稿修改后才能重新报批；其他草案请先送审。")


def _refreeze(step: Step[StandardProject]) -> None:
    freeze(step.session, step.actor, step.record, Stage.APPROVAL)


def _publish(step: Step[StandardProject]) -> None:
    session, project = step.session, step.record
    imprint: Imprint = step.inputs["imprint"]
    render: Render = step.inputs["render"]
    store: Store = step.inputs["store"]
    version = approval_draft(session, project)
    if version is None:
        raise InvalidTransition(f"《{project.title}》没有可发布的报批稿。")
    publication = Publication(
        project=project, version=version, number=imprint.number, title=project.title,
        english_title=project.english_title, industry_code=project.industry_code, ics=imprint.ics,
        ccs=imprint.ccs, filing_number=imprint.filing_number, issued_on=imprint.issued_on,
        effective_on=imprint.effective_on, issuer=imprint.issuer, replaces=imprint.replaces,
        changes=imprint.changes, published_by_id=step.actor.id, grade_first=imprint.rules.grade_first,
        grade_second=imprint.rules.grade_second, grade_third=imprint.rules.grade_third,
        benchmark_pass=imprint.rules.benchmark_pass, partial_credit=imprint.rules.partial_credit)
    with session.no_autoflush:  # rendering reads the tree; the publication is complete only once it has its digest
        publication.docx_sha256 = store.put(render(publication))
    session.add(publication)
    session.flush()
    replaced = f"，代替 {imprint.replaces.number}" if imprint.replaces else ""
    audit.record(session, step.actor, "publication.issue", publication,
                 f"发布 {publication.number}《{publication.title}》，{imprint.effective_on.isoformat()} 实施{replaced}",
                 data={"number": publication.number, "version": version.number, "docx_sha256": publication.docx_sha256,
                       "issued_on": imprint.issued_on.isoformat(), "effective_on": imprint.effective_on.isoformat(),
                       "replaces": imprint.replaces.number if imprint.replaces else None})
    step.inputs["published"].append(publication)


# --- notices -------------------------------------------------------------------------------------


def _members(step: Step[StandardProject], *roles: MemberRole) -> list[User]:
    ids = set().union(*(step.record.member_ids(r) for r in roles))
    return list(step.session.scalars(select(User).where(User.id.in_(ids))))


def ask_committee(step: Step[StandardProject]) -> Iterable[Notice]:
    yield Notice(committee(step.session), f"《{step.record.title}》报批稿待审批", task=True)


def _tell_editors(title: str, task: bool = False) -> Callable[[Step[StandardProject]], Iterable[Notice]]:
    def announce(step: Step[StandardProject]) -> Iterable[Notice]:
        yield Notice(_members(step, MemberRole.EDITOR), title.format(title=step.record.title), step.reason, task=task)

    return announce


def _tell_published(step: Step[StandardProject]) -> Iterable[Notice]:
    publication: Publication = step.inputs["published"][-1]
    yield Notice(_members(step, MemberRole.EDITOR, MemberRole.EXPERT),
                 f"《{step.record.title}》已发布为 {publication.number}",
                 f"{publication.effective_on.isoformat()} 起实施", about=publication)


# --- the rows of the stage table ----------------------------------------------------------------


def stage_rows(actions: type[enum.StrEnum], editor: Callable[[User, StandardProject], bool]
               ) -> dict[tuple[Stage, enum.StrEnum], Rule]:
    """Approval's rows, keyed by ``actions`` (the stage table's enum, which lists them)."""
    a = actions
    return {
        (Stage.APPROVAL, a("approve")): Rule(
            Stage.APPROVED, is_committee, notices=(_tell_editors("《{title}》报批稿已批准，待发布"),)),
        (Stage.APPROVAL, a("return")): Rule(
            Stage.DRAFTING, is_committee, reason="退回理由",
            notices=(_tell_editors("《{title}》报批稿被退回，请修改后重新报批", task=True),)),
        (Stage.DRAFTING, a("resubmit")): Rule(
            Stage.APPROVAL, editor, guards=(_was_returned,), effects=(_refreeze,), notices=(ask_committee,)),
        (Stage.APPROVED, a("publish")): Rule(
            Stage.PUBLISHED, is_committee, effects=(_publish,), notices=(_tell_published,)),
    }


# --- withdrawal (废止): a publication's own table -----------------------------------------------


class PublicationAction(enum.StrEnum):
    WITHDRAW = "withdraw"

    @property
    def label(self) -> str:
        return {"withdraw": "废止"}[self.value]


def _withdraw(step: Step[Publication]) -> None:
    step.record.withdrawn_on = china_today()
    step.record.withdrawal_reason = step.reason


PUBLICATION_FLOW: Workflow[Publication] = register(Publication, Workflow(
    name="publication", states=PublicationState, actions=PublicationAction,
    table={(PublicationState.ISSUED, PublicationAction.WITHDRAW): Rule(
        PublicationState.WITHDRAWN, is_committee, reason="废止理由", effects=(_withdraw,))},
    describe=lambda p: f"{p.number}《{p.title}》",
))

audit.name_things(
    objects={"publication": "已发布标准"},
    actions={"publication.issue": "发布标准", "publication.withdraw": "废止标准",
             "publication.pdf": "生成 PDF"},
)

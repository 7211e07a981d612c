"""Two published demo standards, the second replacing the first, made as the committee would.

Each goes the whole way — generated from the benchmark's practices, consulted, passed at
the review meeting, approved — and is then published with its imprint, so the catalogue
shows a 被代替 standard and the 现行 one that replaced it, linked both ways, and a third
project (the demo's 报批稿) is left for the visitor to publish in the browser.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from app.demo.standards import Cast, _through_consultation, _vote
from core.attachments import FileStore
from core.people import User
from core.workflow import transition
from exports.publication_files import publication_docx
from standards import review
from standards.imprint import ImprintInput
from standards.models import Publication, RoundKind, StandardProject
from standards.publishing import publish
from standards.workflow import StageAction, open_round

TITLE = "化工企业安全生产风险分级管控体系实施指南"
ENGLISH = "Implementation guide for safety risk classification and control system of chemical enterprises"
CHANGES = ("增加了非常规作业（检维修、开停车）的危险源辨识要求（见5.2）；\n"
           "风险分级管控清单增加了“管控层级”一栏（见附录A）；\n"
           "删除了与DB37/T 2882—2016重复的术语。")


def _passed(session: Session, cast: Cast) -> StandardProject:
    project = _through_consultation(session, cast, TITLE, ENGLISH)
    for expert in cast.experts:
        _vote(session, expert, project, "agree", "同意通过审查。")
    meeting = open_round(session, project, RoundKind.MEETING)
    assert meeting is not None
    review.conclude_meeting(session, cast.province, meeting, project.lock_version, "同意通过审查，形成报批稿。")
    return project


def seed_publications(session: Session, cast: Cast, committee: User, upload_dir: str) -> list[Publication]:
    """DB37/T 3012—2024, replaced by DB37/T 4608—2026 (both in force in turn)."""
    store = FileStore(Path(upload_dir))
    published: list[Publication] = []
    for number, issued, effective, changes in (
            ("DB37/T 3012—2024", dt.date(2024, 3, 18), dt.date(2024, 4, 18), ""),
            ("DB37/T 4608—2026", dt.date(2026, 9, 10), dt.date(2026, 10, 10), CHANGES)):
        project = _passed(session, cast)
        transition(session, committee, project, StageAction.APPROVE, project.lock_version)
        published.append(publish(
            session, committee, project, project.lock_version,
            ImprintInput(number=number, ics="13.100", ccs="C 67", issued_on=issued, effective_on=effective,
                         replaces_id=published[-1].id if published else None, changes=changes),
            render=publication_docx, store=store))
    return published

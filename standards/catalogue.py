"""The catalogue of published standards: their status by date, filters, and supersession chains.

Anyone may read it — published standards are public — and nothing here ever returns a
draft: every query starts from :class:`Publication`. A standard's status is read from its
dates against today (``status_of`` in Python, ``status_is`` in SQL, the same rule twice):

- 废止 once withdrawn;
- 被代替 once a standard replacing it has taken effect;
- 即将实施 before its own implementation date;
- 现行 otherwise.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import ColumnElement, Select, and_, exists, extract, not_, or_, select
from sqlalchemy.orm import Session, aliased

from core.db import china_today
from core.text import filter_text
from standards.models import Publication, PublicationState, PublicationStatus


def status_of(publication: Publication, today: dt.date | None = None) -> PublicationStatus:
    today = today or china_today()
    if publication.state == PublicationState.WITHDRAWN:
        return PublicationStatus.WITHDRAWN
    newer = publication.replaced_by
    if newer is not None and newer.state == PublicationState.ISSUED and newer.effective_on <= today:
        return PublicationStatus.SUPERSEDED
    if publication.effective_on > today:
        return PublicationStatus.UPCOMING
    return PublicationStatus.CURRENT


def _superseded(today: dt.date) -> ColumnElement[bool]:
    newer = aliased(Publication)
    return exists().where(newer.replaces_id == Publication.id, newer.state == PublicationState.ISSUED,
                          newer.effective_on <= today)


def status_is(status: PublicationStatus, today: dt.date) -> ColumnElement[bool]:
    """``status_of(p, today) == status`` as a SQL condition on :class:`Publication`."""
    issued = Publication.state == PublicationState.ISSUED
    if status == PublicationStatus.WITHDRAWN:
        return Publication.state == PublicationState.WITHDRAWN
    if status == PublicationStatus.SUPERSEDED:
        return and_(issued, _superseded(today))
    if status == PublicationStatus.UPCOMING:
        return and_(issued, not_(_superseded(today)), Publication.effective_on > today)
    return and_(issued, not_(_superseded(today)), Publication.effective_on <= today)


def catalogue(*, q: str = "", industry: str = "", status: PublicationStatus | None = None,
              year: int | None = None, today: dt.date | None = None) -> Select[tuple[Publication]]:
    """Published standards, newest issue first, narrowed by the catalogue's filters."""
    today = today or china_today()
    stmt = select(Publication).order_by(Publication.issued_on.desc(), Publication.id.desc())
    if term := filter_text(q):
        like = f"%{term.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(Publication.title.ilike(like), Publication.number.ilike(like)))
    if industry:
        stmt = stmt.where(Publication.industry_code == industry)
    if status is not None:
        stmt = stmt.where(status_is(status, today))
    if year is not None:
        stmt = stmt.where(extract("year", Publication.issued_on) == year)
    return stmt


SLUG = re.compile(r"^DB37T(\d{3,5})-(\d{4})$")


def by_slug(session: Session, slug: str) -> Publication | None:
    """The publication a URL names (``DB37T4085-2020``: the number rewritten for a URL)."""
    match = SLUG.match(slug)
    if match is None:
        return None
    return session.scalar(select(Publication).where(Publication.number == f"DB37/T {match[1]}—{match[2]}"))


def years(session: Session) -> list[int]:
    return sorted({d.year for d in session.scalars(select(Publication.issued_on))}, reverse=True)


def supersession(publication: Publication) -> tuple[list[Publication], list[Publication]]:
    """What ``publication`` replaced (nearest first) and what replaced it (nearest first)."""
    older: list[Publication] = []
    node = publication.replaces
    while node is not None and len(older) < 50:
        older.append(node)
        node = node.replaces
    newer: list[Publication] = []
    node = publication.replaced_by
    while node is not None and len(newer) < 50:
        newer.append(node)
        node = node.replaced_by
    return older, newer


def replaceable(session: Session) -> list[Publication]:
    """Standards a new one may replace: issued, not withdrawn, not replaced already."""
    newer = aliased(Publication)
    return list(session.scalars(select(Publication).where(
        Publication.state == PublicationState.ISSUED,
        ~exists().where(newer.replaces_id == Publication.id)).order_by(Publication.number)))

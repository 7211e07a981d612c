"""In-app notifications (站内通知): who needs to know that something happened.

Notifications are rows written in the same transaction as the change they announce, so
a rolled-back action never leaves a message about something that did not happen. A
notification names the record it is about (type and id), never a URL: the web layer
decides where that record lives. One that asks for work (a *task*) is marked done when
the record takes its next step, so nobody is left chasing something already handled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import ForeignKey, Index, Select, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, created_at, intpk, utcnow
from core.errors import NotFound
from core.people import Role, User, UserRole


class Subject(Protocol):
    """What a notification can be about: any audited record."""

    audit_type: str
    id: Any


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_object", "object_type", "object_id"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    object_type: Mapped[str | None] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(64))
    task: Mapped[bool] = mapped_column(default=False)  # asks the reader to act
    created_at: Mapped[created_at]
    read_at: Mapped[dt.datetime | None]
    done_at: Mapped[dt.datetime | None]  # the work it asked for has been done

    @property
    def is_open_task(self) -> bool:
        return self.task and self.done_at is None


def notify(session: Session, users: Iterable[User], title: str, body: str = "",
           about: Subject | None = None, task: bool = False) -> int:
    """Send one message to each active user in ``users`` (duplicates collapse)."""
    recipients = {u.id: u for u in users if u.is_active}
    object_type = about.audit_type if about is not None else None
    object_id = str(about.id) if about is not None else None
    session.add_all(
        Notification(user_id=uid, title=title[:200], body=body, object_type=object_type,
                     object_id=object_id, task=task)
        for uid in recipients
    )
    return len(recipients)


def complete_tasks(session: Session, about: Subject, users: Iterable[User] | None = None) -> int:
    """Mark done every open task about ``about``: its next step answered them.

    ``users``: only theirs (one expert's vote answers their own request to vote, not the others')."""
    stmt = (
        update(Notification)
        .where(Notification.object_type == about.audit_type, Notification.object_id == str(about.id),
               Notification.task.is_(True), Notification.done_at.is_(None))
        .values(done_at=utcnow())
    )
    if users is not None:
        stmt = stmt.where(Notification.user_id.in_([u.id for u in users]))
    result = session.execute(stmt)
    return result.rowcount or 0


def bureau_staff_at(session: Session, region_codes: Iterable[str]) -> list[User]:
    """Active bureau staff whose own region is one of ``region_codes``."""
    codes = list(set(region_codes))
    if not codes:
        return []
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.BUREAU, User.region_code.in_(codes), User.is_active)
    )
    return list(session.scalars(stmt).unique())


def enterprise_staff(session: Session, enterprise_id: int) -> list[User]:
    """The active enterprise users (safety managers) of one enterprise."""
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ENTERPRISE, User.enterprise_id == enterprise_id, User.is_active)
    )
    return list(session.scalars(stmt).unique())


def unread_count(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def inbox(user: User) -> Select[tuple[Notification]]:
    """The user's notifications, unread first, newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(),
                  Notification.id.desc())
    )


def open_tasks(user: User) -> Select[tuple[Notification]]:
    """The user's notifications that still ask for work, oldest first (a to-do list)."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id, Notification.task.is_(True), Notification.done_at.is_(None))
        .order_by(Notification.created_at, Notification.id)
    )


def open_notification(session: Session, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read and return it (to follow its link)."""
    note = session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )
    if note is None:
        raise NotFound()
    if note.read_at is None:
        note.read_at = utcnow()
    return note


def mark_all_read(session: Session, user: User) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0

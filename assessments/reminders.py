"""Deadline reminders for live rectifications: 7 days and 1 day before, and on the day it passes.

Run daily (``flask --app wsgi reminders`` from cron). Each reminder is sent once per
rectification, kind and deadline — a ``reminders_sent`` row is written with it in the same
transaction — so running the command twice, or two hosts running it at once, sends
nothing twice; a moved deadline earns fresh reminders. The overdue notice also goes to
the county bureau (escalation) and counts the rectification in the dashboards' overdue
figure.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from assessments import stats
from assessments.models import Rectification, RectificationState, Reminder, ReminderSent
from core import audit
from core.db import china_today, cn_date
from core.notifications import bureau_staff_at, enterprise_staff, notify


def due(session: Session, kind: Reminder, today: dt.date) -> list[Rectification]:
    """Open rectifications owed a ``kind`` reminder today, not yet sent."""
    if kind == Reminder.OVERDUE:
        window = Rectification.deadline < today
    else:
        window = and_(Rectification.deadline <= today + dt.timedelta(days=kind.days_before),
                      Rectification.deadline >= today)
    sent = exists().where(ReminderSent.rectification_id == Rectification.id, ReminderSent.kind == kind,
                          ReminderSent.deadline == Rectification.deadline)
    return list(session.scalars(select(Rectification).where(
        Rectification.state == RectificationState.OPEN, window, ~sent).order_by(Rectification.id)))


def send_reminders(session: Session, today: dt.date | None = None) -> dict[Reminder, int]:
    """Send what is owed today; returns how many of each kind went out."""
    today = today or china_today()
    counts: dict[Reminder, int] = {}
    for kind in (Reminder.OVERDUE, Reminder.DAY_BEFORE, Reminder.WEEK_BEFORE):
        owed = due(session, kind, today)
        for r in owed:
            _remind(session, r, kind, today)
        counts[kind] = len(owed)
    return counts


def _remind(session: Session, r: Rectification, kind: Reminder, today: dt.date) -> None:
    session.add(ReminderSent(rectification_id=r.id, kind=kind, deadline=r.deadline))
    if kind == Reminder.DAY_BEFORE and not _sent(session, r, Reminder.WEEK_BEFORE):
        # The week reminder is moot once the day one is due: mark it, so it never follows.
        session.add(ReminderSent(rectification_id=r.id, kind=Reminder.WEEK_BEFORE, deadline=r.deadline))
    enterprise = r.assessment.enterprise
    staff = enterprise_staff(session, enterprise.id)
    if kind == Reminder.OVERDUE:
        title = f"整改已逾期：{r.clause_label}（时限 {cn_date(r.deadline)}）"
        notify(session, staff, title, r.measure, about=r, task=True)
        notify(session, bureau_staff_at(session, [r.county_code]), f"“{enterprise.name}”{title}", r.measure, about=r)
        stats.bump_rectifications(session, r, {"overdue": 1})
    else:
        days = (r.deadline - today).days
        when = "今天" if days == 0 else f"{days} 天后"
        notify(session, staff, f"整改时限将至（{when}）：{r.clause_label}", r.measure, about=r)
    what = "逾期" if kind == Reminder.OVERDUE else "到期"
    audit.record(session, None, "rectification.remind", r,
                 f"{r.clause_label}：{what}提醒（时限 {cn_date(r.deadline)}）",
                 data={"kind": kind.value, "deadline": r.deadline.isoformat()})


def _sent(session: Session, r: Rectification, kind: Reminder) -> bool:
    return session.scalar(select(ReminderSent.id).where(
        ReminderSent.rectification_id == r.id, ReminderSent.kind == kind, ReminderSent.deadline == r.deadline)
    ) is not None

"""Marks on the trail and in the inbox, to prove a refused step left nothing behind.

A test takes ``newest(session, AuditEvent), newest(session, Notification)`` before a step
and asks :func:`nothing_since` after it: used by both workflow test modules
(``test_workflow_engine`` and ``test_workflow_nominations``).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import AuditEvent
from core.notifications import Notification


def newest(session: Session, model: type) -> int:
    """The highest id of ``model`` so far (0 when there is none)."""
    return session.scalar(select(func.max(model.id))) or 0


def nothing_since(session: Session, event: int, note: int) -> bool:
    """No audit event and no notification was written after these marks."""
    return newest(session, AuditEvent) == event and newest(session, Notification) == note

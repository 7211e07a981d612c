"""Every kernel model in one import, so mappers and Alembic see the whole schema."""

from core.attachments import Attachment
from core.audit import AuditChainHead, AuditEvent
from core.enterprises import Enterprise
from core.notifications import Notification
from core.people import User, UserRole
from core.regions import Industry, Region

__all__ = [
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "Enterprise",
    "Industry",
    "Notification",
    "Region",
    "User",
    "UserRole",
]

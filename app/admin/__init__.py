"""Administration: user accounts and the audit trail."""

from app.admin.routes import bp

__all__ = ["bp"]

"""The committee's pages: approving or returning a 报批稿, publishing it, withdrawing a standard;
and a frozen draft's DOCX."""

from app.publishing.routes import bp

__all__ = ["bp"]

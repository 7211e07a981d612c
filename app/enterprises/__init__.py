"""The enterprise registry: list, register, edit, import and export."""

from app.enterprises.routes import bp

__all__ = ["bp"]

"""The redline of a standard project: two versions compared, on a page and as a DOCX."""

from app.redline.routes import bp

__all__ = ["bp"]

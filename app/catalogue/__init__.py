"""The public catalogue of published standards (no login): list, reading page, downloads."""

from app.catalogue.routes import bp

__all__ = ["bp"]

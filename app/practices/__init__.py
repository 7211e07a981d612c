"""Practices capture: an enterprise's risk points, check items, register exports and the bands."""

from app.practices.routes import bp

__all__ = ["bp"]

"""工作台 (each role's pending work) and the notification inbox."""

from app.home.routes import bp

__all__ = ["bp"]

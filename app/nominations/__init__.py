"""Benchmark nomination: campaigns, nominations, their steps, and the province's selection."""

from app.nominations.routes import bp

__all__ = ["bp"]

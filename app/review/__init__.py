"""Consultation rounds and review meetings: comments, dispositions, votes, the conclusion."""

from app.review.routes import bp

__all__ = ["bp"]

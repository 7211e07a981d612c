"""Standard projects (标准制定): the project pages and the clause-tree editor."""

from app.standards.routes import bp

__all__ = ["bp"]

"""The search page and what keeps the index current: the indexing jobs, the listener that
queues them after each commit, and ``flask --app wsgi search rebuild``."""

from app.search.indexing import init_search
from app.search.routes import bp

__all__ = ["bp", "init_search"]

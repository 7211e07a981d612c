"""Alembic migrations; run them with ``flask --app wsgi db upgrade``."""

"""Alembic is the only way the schema changes: head must equal the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

import benchmarks.models  # noqa: F401
import core.models  # noqa: F401
from core.db import Base
from core.migrate import alembic_config, current


def test_upgrade_head_yields_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_database_is_at_the_newest_revision(engine: Engine) -> None:
    assert current(engine) == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)

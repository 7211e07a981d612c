"""The persistence kernel: declarative base, shared column types, engines and paging.

Every model in every package derives from :class:`Base`, so Alembic, the app and the
CLI all see one metadata. Engines are made here (not in the web layer) because the
SQLite connection needs the same tuning wherever it is opened.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from sqlalchemy import (
    DateTime,
    Engine,
    MetaData,
    Select,
    String,
    TypeDecorator,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column

# Names for constraints, so Alembic migrations are stable and reviewable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware in UTC (all stored times are UTC)."""
    return dt.datetime.now(dt.UTC)


def china_today() -> dt.date:
    """Today's date in China: deadlines are calendar days in Beijing time."""
    return utcnow().astimezone(CHINA_TZ).date()


def cn_date(value: dt.date) -> str:
    """A date the way Chinese documents write it: 2026年4月30日."""
    return f"{value.year}年{value.month}月{value.day}日"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp column that stores UTC and always hands back aware UTC datetimes.

    SQLite keeps no zone, so values would read back naive and comparing them with aware
    datetimes would raise; PostgreSQL's ``timestamptz`` would hand back the session's zone.
    Normalising both ways here means the rest of the code only ever sees UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use core.db.utcnow()")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
created_at = Annotated[dt.datetime, mapped_column(UTCDateTime(), default=utcnow)]
str20 = Annotated[str, mapped_column(String(20))]
str50 = Annotated[str, mapped_column(String(50))]
str100 = Annotated[str, mapped_column(String(100))]
str200 = Annotated[str, mapped_column(String(200))]


class Base(DeclarativeBase):
    """The one declarative base; its metadata is what Alembic compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets real transactions, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {})
        kwargs["connect_args"].setdefault("timeout", 15)
        engine = create_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _tune_sqlite(engine: Engine) -> None:
    """Make pysqlite honour BEGIN/SAVEPOINT properly (SQLAlchemy's documented recipe).

    ``case_sensitive_like`` lets ``LIKE 'prefix%'`` use an ordinary index, which is how
    jurisdiction checks stay a single indexed prefix match on SQLite.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA case_sensitive_like=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer result, with what a pager needs to draw itself."""

    items: Sequence[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(session: Session, stmt: Select[Any], page: int, per_page: int = 50) -> Page[Any]:
    """Run ``stmt`` for one page; the count uses the same filters, so totals never lie."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, page=page, per_page=per_page, total=total)

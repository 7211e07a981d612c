"""The persistence kernel: declarative base, shared column types, engines and paging.

Every model in every package derives from :class:`Base`, so Alembic, the app and the
CLI all see one metadata. Engines are made here (not in the web layer) because the
SQLite connection needs the same tuning wherever it is opened.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Generic, TypeVar

from sqlalchemy import (
    DateTime,
    Engine,
    Enum,
    Integer,
    MetaData,
    Numeric,
    Select,
    String,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.types import TypeEngine

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


def round_half_up(value: Decimal | int, places: int = 1) -> Decimal:
    """Round the way the scoring rules do (四舍五入), not Python's banker's rounding."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class ExactDecimal(TypeDecorator[Decimal]):
    """A ``NUMERIC(precision, scale)`` handed back as ``Decimal`` on both databases.

    PostgreSQL keeps it exactly. SQLite has no decimal type: it stores a REAL, and a value
    of at most 15 significant digits survives that round trip, so it is re-read through
    ``repr`` and rounded half-up back to ``scale`` places — exact again.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 6, scale: int = 1) -> None:
        super().__init__(precision, scale)
        self.precision, self.scale = precision, scale

    def load_dialect_impl(self, dialect: Any) -> TypeEngine[Any]:
        asdecimal = dialect.name != "sqlite"
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=asdecimal))

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> Any:
        if value is None:
            return None
        rounded = round_half_up(Decimal(value), self.scale)
        return float(rounded) if dialect.name == "sqlite" else rounded

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return round_half_up(exact, self.scale)


def DecimalScore() -> ExactDecimal:
    """A score with one decimal place (``NUMERIC(6,1)``), the scoring rules' precision."""
    return ExactDecimal(6, 1)


def enum_column(enum_type: type[enum.StrEnum], name: str, length: int) -> Enum:
    """A ``StrEnum`` stored by value in a VARCHAR, with a CHECK constraint listing the values.

    ``name`` names the constraint (``ck_<table>_<name>``); the values come from the enum
    itself, so adding a state is one line in Python plus a migration, never a hand-typed
    SQL string that drifts from the code.
    """
    return Enum(
        enum_type, name=name, length=length, native_enum=False, create_constraint=True,
        validate_strings=True, values_callable=lambda members: [member.value for member in members],
    )


intpk = Annotated[int, mapped_column(primary_key=True)]
score = Annotated[Decimal, mapped_column(DecimalScore())]
created_at = Annotated[dt.datetime, mapped_column(UTCDateTime(), default=utcnow)]
str20 = Annotated[str, mapped_column(String(20))]
str50 = Annotated[str, mapped_column(String(50))]
str100 = Annotated[str, mapped_column(String(100))]
str200 = Annotated[str, mapped_column(String(200))]


class Base(DeclarativeBase):
    """The one declarative base; its metadata is what Alembic compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), Decimal: DecimalScore()}


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps ``lock_version``.

    A service compares the version the user saw with ``lock_version`` and refuses a
    stale edit with a clear message; the mapper's own check catches the race between
    that comparison and the write (``StaleDataError``, answered as a 409).
    """

    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.lock_version}


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets real transactions, foreign keys and a busy timeout.

    On SQLite every transaction begins ``IMMEDIATE`` (it takes the write lock at once,
    waiting up to the busy timeout), because a deferred transaction that reads and then
    writes cannot wait: SQLite fails it at once with "database is locked" when another
    writer got in between. Read-only work asks for a deferred start with
    ``engine.execution_options(sqlite_begin="DEFERRED")`` (see :func:`reader`).
    """
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
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql("BEGIN DEFERRED" if mode == "DEFERRED" else "BEGIN IMMEDIATE")


def reader(engine: Engine) -> Engine:
    """The same engine for read-only transactions: on SQLite they take no write lock."""
    return engine.execution_options(sqlite_begin="DEFERRED")


# --- what a refused write collided with ---------------------------------------------------

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")
# Lock waits that ran out and transactions the database chose to abort: try again later.
_CONTENTION_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def conflict_message(exc: IntegrityError) -> str | None:
    """The Chinese message of the unique rule ``exc`` broke, or None for any other violation.

    A unique constraint or index says what it protects in ``info={"conflict": …}``;
    PostgreSQL names the constraint, SQLite names its columns, and both are matched here.
    """
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    name = getattr(getattr(orig, "diag", None), "constraint_name", None) if sqlstate == "23505" else None
    columns = None
    if match := _SQLITE_UNIQUE.search(str(orig)):
        columns = tuple(part.strip() for part in match.group(1).split(","))
    if name is None and columns is None:
        return None
    for table in Base.metadata.tables.values():
        unique = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
        for item in [*unique, *(i for i in table.indexes if i.unique)]:
            if "conflict" not in item.info:
                continue
            named = tuple(f"{table.name}.{column.name}" for column in item.columns)
            if item.name == name or named == columns:
                return str(item.info["conflict"])
    return "提交的内容与已有记录重复，本次操作未生效。"


def is_contention(exc: OperationalError) -> bool:
    """Whether ``exc`` means "busy, try again" (a lock wait ran out) rather than a real fault."""
    if getattr(exc.orig, "sqlstate", None) in _CONTENTION_SQLSTATES:
        return True
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


# --- work that must happen only once the transaction has committed ----------------------

_TRANSACTION = "transaction_scoped"
log = logging.getLogger(__name__)


def transaction_scoped(session: Session) -> dict[str, Any]:
    """A scratch dict that lives as long as ``session``'s current transaction."""
    if not session.in_transaction():
        session.begin()  # begun now, so that its rollback (not a later commit) is what ends the scratch
    return session.info.setdefault(_TRANSACTION, {})


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once ``session``'s transaction commits; never if it rolls back.

    Side effects that must not survive a rollback (checkpoint files, search indexing,
    mail) are queued here rather than done in the service.
    """
    transaction_scoped(session).setdefault("after_commit", []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.get(_TRANSACTION, {}).pop("after_commit", []):
        try:
            callback()
        except Exception:  # the change is committed; a failed side effect must not undo the answer
            log.exception("after-commit callback %r failed", callback)


@event.listens_for(Session, "after_transaction_end")
def _forget_transaction(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_TRANSACTION, None)


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

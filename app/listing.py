"""Lists that sort by their columns, jump to a page, choose a page size and export.

A list declares its columns once (:class:`Listing`); the query string carries the
sort (``sort=name`` or ``sort=-name``), the page and the page size, all bounded, so a
hostile value falls back to the default instead of reaching the database. The export
of a list runs the same query, in the same order, without paging.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from core.db import Page, paginate
from core.text import bounded_int

PAGE_SIZES = (20, 50, 100, 200)
EXPORT_LIMIT = 50_000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: ColumnElement[Any] | Any | None = None  # what ORDER BY uses; None: not sortable
    numeric: bool = False  # right-aligned


@dataclass(frozen=True)
class Order:
    key: str
    descending: bool

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


@dataclass(frozen=True)
class Listing:
    """The columns of one list, its default order and its tie-breaker (an id)."""

    columns: tuple[Column, ...]
    default: str  # "name" or "-updated"
    tiebreak: Any

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key and c.sort is not None), None)

    def order(self, args: MultiDict[str, str]) -> Order:
        raw = str(args.get("sort", ""))[:40]
        key, descending = raw.removeprefix("-"), raw.startswith("-")
        if self.column(key) is None:
            key, descending = self.default.removeprefix("-"), self.default.startswith("-")
        return Order(key, descending)

    def ordered(self, stmt: Select[Any], order: Order) -> Select[Any]:
        column = self.column(order.key)
        assert column is not None
        expression = column.sort.desc() if order.descending else column.sort.asc()
        if getattr(getattr(column.sort, "expression", None), "nullable", False):
            # "never" (no last sign-in) sorts after every value both ways, on both databases:
            # SQLite would put it first when ascending, PostgreSQL first when descending.
            expression = expression.nulls_last()
        tiebreak = self.tiebreak.desc() if order.descending else self.tiebreak.asc()
        return stmt.order_by(None).order_by(expression, tiebreak)


@dataclass(frozen=True)
class ListPage:
    """One page of a list with its order: what the template draws headers and pager from."""

    page: Page[Any]
    order: Order
    listing: Listing

    @property
    def items(self) -> Sequence[Any]:
        return self.page.items


def page_size(args: MultiDict[str, str]) -> int:
    size = bounded_int(args.get("size"), lo=1, hi=max(PAGE_SIZES))
    return size if size in PAGE_SIZES else PAGE_SIZES[1]


def list_page(session: Session, stmt: Select[Any], listing: Listing, args: MultiDict[str, str]) -> ListPage:
    """The requested page of ``stmt`` in the requested order (defaults for anything odd)."""
    order = listing.order(args)
    number = bounded_int(args.get("page"), lo=1, hi=1_000_000) or 1
    page = paginate(session, listing.ordered(stmt, order), number, page_size(args))
    return ListPage(page, order, listing)


def export_rows(session: Session, stmt: Select[Any], listing: Listing, args: MultiDict[str, str],
                row: Callable[[Any], list[Any]]) -> list[list[Any]]:
    """Every row of the list as the page shows it (same filters, same order), bounded."""
    ordered = listing.ordered(stmt, listing.order(args)).limit(EXPORT_LIMIT)
    return [row(item) for item in session.scalars(ordered)]

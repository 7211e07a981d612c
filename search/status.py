"""A published standard's status from its dates, in the index and in a query.

The status changes with the calendar (an upcoming standard becomes current on its
implementation day; the one it replaces becomes superseded that same day), so documents
keep the dates and the status is decided when someone searches.
"""

from __future__ import annotations

import datetime as dt
import enum

from whoosh.query import And, NumericRange, Query

from search.schema import NEVER, day_number


class Status(enum.StrEnum):
    CURRENT = "current"
    UPCOMING = "upcoming"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"current": "现行", "upcoming": "即将实施", "superseded": "被代替", "withdrawn": "废止"}[self.value]


def status_from_dates(effective: int | None, superseded: int | None, withdrawn: int | None,
                      today: dt.date) -> Status:
    """The status of a standard whose dates (``YYYYMMDD``) the index holds, as of ``today``."""
    now = day_number(today)
    if (withdrawn or NEVER) <= now:
        return Status.WITHDRAWN
    if (superseded or NEVER) <= now:
        return Status.SUPERSEDED
    if (effective or 0) > now:
        return Status.UPCOMING
    return Status.CURRENT


def status_filter(status: Status, today: dt.date) -> Query:
    """The documents whose status is ``status`` today: the same rule as :func:`status_from_dates`."""
    now = day_number(today)
    past = {name: NumericRange(name, None, now) for name in ("effective", "superseded", "withdrawn")}
    future = {name: NumericRange(name, now + 1, None) for name in ("effective", "superseded", "withdrawn")}
    if status == Status.WITHDRAWN:
        return past["withdrawn"]
    if status == Status.SUPERSEDED:
        return And([future["withdrawn"], past["superseded"]])
    if status == Status.UPCOMING:
        return And([future["withdrawn"], future["superseded"], future["effective"]])
    return And([future["withdrawn"], future["superseded"], past["effective"]])

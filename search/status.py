"""A published standard's status from its dates, in the index and in a query.

The status changes with the calendar (an upcoming standard becomes current on its
implementation day; the one it replaces becomes superseded that same day), so documents
keep the dates and the status is decided when someone searches — by the rule of
``standards.catalogue.status_of``, restated over the indexed dates (a test holds the two together).
"""

from __future__ import annotations

import datetime as dt

from whoosh.query import And, NumericRange, Query

from search.schema import NEVER, day_number
from standards.models import PublicationStatus


def status_from_dates(effective: int | None, superseded: int | None, withdrawn: int | None,
                      today: dt.date) -> PublicationStatus:
    """The status of a standard whose dates (``YYYYMMDD``) the index holds, as of ``today``."""
    now = day_number(today)
    if (NEVER if withdrawn is None else withdrawn) <= now:
        return PublicationStatus.WITHDRAWN
    if (NEVER if superseded is None else superseded) <= now:
        return PublicationStatus.SUPERSEDED
    if (0 if effective is None else effective) > now:
        return PublicationStatus.UPCOMING
    return PublicationStatus.CURRENT


def status_filter(status: PublicationStatus, today: dt.date) -> Query:
    """The documents whose status is ``status`` today: the same rule as :func:`status_from_dates`."""
    now = day_number(today)
    past = {name: NumericRange(name, None, now) for name in ("effective", "superseded", "withdrawn")}
    future = {name: NumericRange(name, now + 1, None) for name in ("effective", "superseded", "withdrawn")}
    if status == PublicationStatus.WITHDRAWN:
        return past["withdrawn"]
    if status == PublicationStatus.SUPERSEDED:
        return And([future["withdrawn"], past["superseded"]])
    if status == PublicationStatus.UPCOMING:
        return And([future["withdrawn"], future["superseded"], future["effective"]])
    return And([future["withdrawn"], future["superseded"], past["effective"]])

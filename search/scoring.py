"""BM25F ranking without its per-hit cost.

Whoosh's BM25F reads each hit's field length from the segment's length column, one
``struct`` lookup per hit per query term, and with exact totals (every hit is scored, see
``search.query.collect``) that lookup was half the time of a common query. A segment never
changes once written, so its field lengths are read once per process into a list, keyed by
the segment's id; scoring is then a list index. Rankings are identical.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from whoosh import scoring

CACHED_SEGMENT_FIELDS = 64  # a few indexes' segments × (title, body)
_lengths: OrderedDict[tuple[str, str], list[int]] = OrderedDict()
_lock = threading.Lock()


def field_lengths(reader: Any, fieldname: str) -> list[int] | None:
    """Every document's length in ``fieldname`` for one segment's reader (None: not a segment)."""
    segment = reader.segment() if reader.is_atomic() else None
    if segment is None:
        return None
    key = (segment.segment_id(), fieldname)
    with _lock:
        found = _lengths.get(key)
        if found is not None:
            _lengths.move_to_end(key)
            return found
    found = [reader.doc_field_length(n, fieldname, 1) for n in range(reader.doc_count_all())]
    with _lock:
        _lengths[key] = found
        while len(_lengths) > CACHED_SEGMENT_FIELDS:
            _lengths.popitem(last=False)
    return found


class CachedBM25F(scoring.BM25F):
    """Whoosh's BM25F, reading field lengths from :func:`field_lengths`."""

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, scoring.BM25FScorer):
            lengths = field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer

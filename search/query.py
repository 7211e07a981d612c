"""Running a search: the words a person typed, the filters they chose, the page they want.

The typed text is parsed with the same jieba analyzer as the index, over the title and
body of every document. Terms are separated by blanks and must all occur; each term — a run
like 气体检测, or a quoted phrase with blanks inside ("中毒 风险", also in Chinese quotes) —
must match as consecutive words, as a substring would; AND / OR / NOT work as in Whoosh.
What would let a query reach past the
text — field names (``public:1``), wildcards, ranges, boosts — is not understood, only
read as words. The actor's permission filter and the page's filters are one Whoosh
filter, so totals and pages count only what the actor may open.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from dataclasses import dataclass
from typing import Any

from whoosh.index import FileIndex
from whoosh.qparser import MultifieldParser, QueryParser, plugins
from whoosh.query import And, NullQuery, Phrase, Prefix, Query, Sequence, Term
from whoosh.searching import Results, Searcher

from core.db import Page
from search.highlight import snippet_html, title_html
from search.schema import DocType, Kind, make_schema
from search.scoring import CachedBM25F
from search.status import status_filter, status_from_dates
from search.store import IndexStore
from search.tokenizer import PAIR
from standards.models import PublicationStatus

MAX_QUERY = 200  # characters a query may have; the rest is cut off (and the page says so)
PER_PAGE = 20
MAX_PAGE = 500
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"', "＂": '"',
                        "\u3000": " "})


@dataclass(frozen=True)
class Criteria:
    """What the search page asks for; every value already filtered (``core.text.filter_text``)."""

    text: str
    kind: str = ""
    industry: str = ""
    status: str = ""
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def truncated(self) -> bool:
        return len(self.text) > MAX_QUERY


@dataclass(frozen=True)
class Hit:
    doc_type: DocType
    title_html: str  # escaped, with <mark> around the matched words
    snippet_html: str
    context: str
    target: int
    anchor: str = ""
    number: str = ""
    slug: str = ""  # a published standard's number as its catalogue URL says it
    status: PublicationStatus | None = None  # a published standard's, as of today


@dataclass(frozen=True)
class Found(Page[Hit]):
    """One page of hits: a pager draws it like any list page."""

    parsed: str = ""  # the query as understood (for the curious, and the tests)

    @property
    def hits(self) -> list[Hit]:
        return list(self.items)


@functools.cache
def _parser() -> QueryParser:
    """Words, quoted phrases, parentheses and AND/OR/NOT over title and body; nothing else."""
    understood = [plugins.PhrasePlugin(), plugins.GroupPlugin(), plugins.OperatorsPlugin()]
    return MultifieldParser(["title", "body"], make_schema(), plugins=understood)


def parse(text: str) -> Query:
    """The query for ``text`` (at most :data:`MAX_QUERY` characters of it), phrases as word pairs."""
    parser = _parser()
    cleaned = text[:MAX_QUERY].translate(QUOTES).replace("\0", "")
    if cleaned.count('"') % 2:
        cleaned = cleaned.replace('"', " ")  # an unbalanced quote: read the words, not half a phrase
    try:
        parsed = parser.parse(cleaned)
    except Exception:  # the parser is forgiving; should it ever give up, the words alone still search
        parsed = parser.parse(cleaned.replace('"', " ").replace("(", " ").replace(")", " "))
    return _pairs(parsed)


def _pairs(query: Query) -> Query:
    """Each phrase as the index's adjacent-word pairs (``search.tokenizer``): ``a b`` then ``b c``
    at consecutive positions — the phrase's matches, found in posting lists a small fraction as
    long as its words'. The last pair is a prefix, so a phrase may end inside a word, as a
    substring may: "作业前" finds 作业前应通风 (jieba: 作业/前应/通风)."""
    if isinstance(query, Phrase):
        field, boost = query.fieldname, query.boost
        pairs = [f"{a}{PAIR}{b}" for a, b in itertools.pairwise(query.words)]
        if not pairs:
            return Term(field, query.words[0], boost=boost) if query.words else NullQuery
        if len(pairs) == 1:
            return Prefix(field, pairs[0], boost=boost)
        return Sequence([*(Term(field, pair) for pair in pairs[:-1]), Prefix(field, pairs[-1])], boost=boost)
    return query if query.is_leaf() else query.apply(_pairs)


def filters(criteria: Criteria, allowed: Query, today: dt.date) -> Query:
    """The actor's permission filter narrowed by the page's own filters."""
    parts = [allowed]
    if criteria.kind in Kind.__members__.values():
        parts.append(Term("kind", criteria.kind))
    if criteria.industry:
        parts.append(Term("industry", criteria.industry))
    if criteria.status in PublicationStatus.__members__.values():
        parts.append(status_filter(PublicationStatus(criteria.status), today))
    return And(parts) if len(parts) > 1 else allowed


def searcher_of(ix: FileIndex) -> Searcher:
    """A searcher ranking by BM25F (with the field lengths cached, ``search.scoring``)."""
    return ix.searcher(weighting=CachedBM25F())


def collect(searcher: Searcher, query: Query, allowed: Query | None, limit: int) -> Results:
    """The best ``limit`` hits among those ``allowed``; ``len()`` of the result counts them all.

    Every hit is scored (``optimize=False``): the total must be exact, and with block-skipping
    Whoosh counts it by running the query a second time. (Do not add ``terms=True`` here: it
    costs a third of the time, and with block-skipping it even counts without the filter.)
    Highlights read the query's own terms instead.
    """
    return searcher.search(query, limit=limit, filter=allowed, optimize=False)


def run(store: IndexStore, criteria: Criteria, allowed: Query, today: dt.date) -> Found:
    """One page of hits; :class:`IndexUnavailable` when the index is missing or damaged."""
    query = parse(criteria.text)
    page = min(max(criteria.page, 1), MAX_PAGE)
    if query is NullQuery:
        return Found(items=[], page=1, per_page=criteria.per_page, total=0, parsed="")
    with store.reading() as ix, searcher_of(ix) as searcher:
        results = collect(searcher, query, filters(criteria, allowed, today), page * criteria.per_page)
        total = len(results)
        page = min(page, max(1, math.ceil(total / criteria.per_page)))
        terms = {name: frozenset(searcher.schema[name].from_bytes(text)
                                 for _, text in results.query_terms(expand=True, fieldname=name))
                 for name in ("title", "body")}
        start = (page - 1) * criteria.per_page
        hits = [_hit(hit.fields(), terms, today) for hit in results[start:start + criteria.per_page]]
    return Found(items=hits, page=page, per_page=criteria.per_page, total=total, parsed=str(query))


def _hit(fields: dict[str, Any], terms: dict[str, frozenset[str]], today: dt.date) -> Hit:
    doc_type = DocType(fields["type"])
    status = None
    if doc_type in (DocType.STANDARD, DocType.CLAUSE):
        status = status_from_dates(fields.get("effective"), fields.get("superseded"), fields.get("withdrawn"), today)
    return Hit(
        doc_type=doc_type, title_html=title_html(fields.get("title", ""), terms["title"]),
        snippet_html=snippet_html(fields.get("body", ""), terms["body"]), context=fields.get("context", ""),
        target=int(fields.get("target") or 0), anchor=fields.get("anchor", ""), number=fields.get("number", ""),
        slug=fields.get("slug", ""), status=status,
    )

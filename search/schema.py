"""What one indexed document holds, and the kinds of record that become documents.

A document is one record a person could open: an enterprise, a risk point, a check item,
a draft standard project or one clause of its working draft, a published standard or one
of its clauses. Besides the text (``title``, ``body``) it carries what the permission
filter and the filters of the search page test *inside the query* — kind, industry,
public flag, project, enterprise, region path, and the publication's dates — so a result
the actor may not open is never counted, paged or shown.

A published standard's status (现行, 即将实施, 被代替, 废止) depends on today's date, so the
index keeps the dates (``effective``, ``superseded``, ``withdrawn`` as ``YYYYMMDD``) and the
query compares them with today, instead of storing a status word that would go stale.
"""

from __future__ import annotations

import datetime as dt
import enum

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from search.tokenizer import chinese_analyzer

NEVER = 99991231  # a date that has not happened (not yet superseded, not withdrawn)


class Kind(enum.StrEnum):
    """What the search page filters by (标准, 草案, 做法, 企业)."""

    STANDARD = "standard"
    DRAFT = "draft"
    PRACTICE = "practice"
    ENTERPRISE = "enterprise"

    @property
    def label(self) -> str:
        labels = {"standard": "已发布标准", "draft": "标准草案", "practice": "风险管控做法", "enterprise": "企业"}
        return labels[self.value]


class DocType(enum.StrEnum):
    """The record behind a document (a kind has one or two of them)."""

    STANDARD = "standard"
    CLAUSE = "clause"
    DRAFT = "draft"
    DRAFT_CLAUSE = "draft_clause"
    RISK_POINT = "risk_point"
    CHECK_ITEM = "check_item"
    ENTERPRISE = "enterprise"

    @property
    def kind(self) -> Kind:
        return {
            "standard": Kind.STANDARD, "clause": Kind.STANDARD, "draft": Kind.DRAFT, "draft_clause": Kind.DRAFT,
            "risk_point": Kind.PRACTICE, "check_item": Kind.PRACTICE, "enterprise": Kind.ENTERPRISE,
        }[self.value]

    @property
    def label(self) -> str:
        return {"standard": "地方标准", "clause": "标准条款", "draft": "标准项目", "draft_clause": "草案条款",
                "risk_point": "风险点", "check_item": "隐患排查项", "enterprise": "企业"}[self.value]


def doc_id(doc_type: DocType, record_id: int) -> str:
    """The unique key of a record's document: ``"risk_point:12"``."""
    return f"{doc_type.value}:{record_id}"


def day_number(day: dt.date | None, missing: int = NEVER) -> int:
    """A date as the ``YYYYMMDD`` integer the index compares (``missing`` when there is none)."""
    return missing if day is None else day.year * 10000 + day.month * 100 + day.day


# Bump when the schema or the analysis (tokenizer, pairs, jieba's settings) changes: an index
# written under another format is rebuilt instead of silently matching nothing.
INDEX_FORMAT = "2"

def make_schema() -> Schema:
    """The fields. A run of characters typed without a blank (气体检测) is searched as a phrase —
    its words together, in order — as a Chinese reader means it; blanks separate search terms."""
    analyzer = chinese_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        type=ID(stored=True),
        kind=ID(stored=True),
        title=TEXT(analyzer=analyzer, phrase=True, stored=True, field_boost=2.0, multitoken_query="phrase"),
        body=TEXT(analyzer=analyzer, phrase=True, stored=True, multitoken_query="phrase"),
        context=STORED,  # what the record belongs to: the enterprise, the project, the standard's number
        target=STORED,  # the id a link opens (the record's own, or its parent's page)
        anchor=STORED,  # a clause's stable key, for the #anchor of its page
        industry=ID(stored=True),
        public=ID,  # "1": anyone may open it (published standards and their clauses)
        project=ID(stored=True),  # a draft's project
        version=ID,  # the version a clause belongs to (to drop a whole version's clauses at once)
        enterprise=ID(stored=True),  # an enterprise, or the enterprise a practice belongs to
        region_path=ID,  # the enterprise's materialised region path: jurisdiction is a prefix test
        number=ID(stored=True),  # a published standard's number, e.g. "DB37/T 4085—2020"
        slug=STORED,  # the number as the catalogue's URL says it
        publication=ID,  # a published standard's id (its clauses carry it too)
        effective=NUMERIC(int, bits=32, stored=True),
        superseded=NUMERIC(int, bits=32, stored=True),
        withdrawn=NUMERIC(int, bits=32, stored=True),
    )

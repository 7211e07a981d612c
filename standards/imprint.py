"""What the committee types when it publishes a standard, checked: the number, codes and dates.

The rules are the cover's (cn-standards.md §2.2): the number is ``DB37/T NNNN—YYYY`` with
an em dash and the year of issue; ICS codes look like ``13.100`` or ``13.100.01``; CCS
codes a capital letter and two digits (``C 67``); the standard takes effect on or after
its issue date — 30 days later unless the committee says otherwise. People type hyphens
and full-width dashes for the em dash, so those are accepted and set right, not refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import china_today
from core.errors import ValidationError
from core.text import Text, bounded_date, clean, normalise
from standards.grading_rules import GradingRules, check_rules
from standards.models import ISSUER, Publication, PublicationState

EFFECTIVE_AFTER_DAYS = 30
NUMBER_PATTERN = re.compile(r"^DB\s*37\s*/\s*T\s*(\d{3,5})\s*(?:—|－|–|-|―|——|--)\s*(\d{4})$", re.IGNORECASE)
ICS_PATTERN = re.compile(r"^\d{2}\.\d{3}(?:\.\d{2})?$")
CCS_PATTERN = re.compile(r"^([A-Z])\s*(\d{2})$")

NUMBER = Text("标准编号", 30, required=True)
ICS = Text("ICS 分类号", 20, required=True)
CCS = Text("CCS 分类号", 10, required=True)
FILING = Text("备案号", 30)
ISSUER_TEXT = Text("发布机构", 100, required=True)
CHANGES = Text("主要技术变化", 4000, multiline=True)


@dataclass(frozen=True)
class ImprintInput:
    """The publication form as typed (dates already parsed by the form, or None)."""

    number: str
    ics: str
    ccs: str
    issued_on: dt.date | None = None
    effective_on: dt.date | None = None
    filing_number: str = ""
    issuer: str = ISSUER
    replaces_id: int | None = None
    changes: str = ""
    grading: dict[str, str] = field(default_factory=dict)  # standards.grading_rules: blank fields keep defaults


@dataclass(frozen=True)
class Imprint:
    """The checked facts a publication is made with."""

    number: str
    ics: str
    ccs: str
    issued_on: dt.date
    effective_on: dt.date
    filing_number: str
    issuer: str
    replaces: Publication | None
    changes: str
    rules: GradingRules = field(default_factory=GradingRules)


def standard_number(raw: str) -> str:
    """``DB37/T 4085—2020`` from what was typed, or ``ValidationError`` naming the field."""
    text = clean(raw, NUMBER, "number").replace("\u3000", " ")
    match = NUMBER_PATTERN.match(text)
    if match is None:
        raise ValidationError({"number": "标准编号应为“DB37/T 顺序号—年份”的格式，例如 DB37/T 4085—2020"})
    return f"DB37/T {match.group(1)}—{match.group(2)}"


def _code(raw: str, rule: Text, field: str, pattern: re.Pattern[str], example: str) -> str:
    text = clean(raw, rule, field).upper()
    match = pattern.match(text)
    if match is None:
        raise ValidationError({field: f"{rule.label}格式不正确，例如 {example}"})
    return f"{match.group(1)} {match.group(2)}" if pattern is CCS_PATTERN else text


def _replaced(session: Session, replaces_id: int | None, number: str) -> Publication | None:
    if replaces_id is None:
        return None
    old = session.get(Publication, replaces_id)
    if old is None or old.state == PublicationState.WITHDRAWN:
        raise ValidationError({"replaces_id": "被代替的标准不存在或已废止"})
    if old.replaced_by is not None:
        raise ValidationError({"replaces_id": f"{old.number} 已被 {old.replaced_by.number} 代替"})
    if old.number == number:
        raise ValidationError({"replaces_id": "标准不能代替它自己"})
    return old


def check_imprint(session: Session, typed: ImprintInput) -> Imprint:
    """Every field checked at once, so the form shows all its problems together."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    def attempt(field: str, compute: Callable[[], object]) -> None:
        try:
            values[field] = compute()
        except ValidationError as exc:
            errors.update(exc.errors)

    attempt("number", lambda: standard_number(typed.number))
    attempt("ics", lambda: _code(typed.ics, ICS, "ics", ICS_PATTERN, "13.100"))
    attempt("ccs", lambda: _code(typed.ccs, CCS, "ccs", CCS_PATTERN, "C 67"))
    attempt("filing_number", lambda: clean(typed.filing_number, FILING, "filing_number"))
    attempt("issuer", lambda: clean(typed.issuer or ISSUER, ISSUER_TEXT, "issuer"))
    attempt("changes", lambda: clean(typed.changes, CHANGES, "changes"))
    issued = bounded_date(typed.issued_on) if typed.issued_on else china_today()
    if issued is None:
        errors["issued_on"] = "发布日期不在有效范围内"
    effective = typed.effective_on
    if effective is not None and bounded_date(effective) is None:
        errors["effective_on"] = "实施日期不在有效范围内"
    elif issued is not None:
        effective = effective or issued + dt.timedelta(days=EFFECTIVE_AFTER_DAYS)
        if effective < issued:
            errors["effective_on"] = "实施日期不能早于发布日期"
    number = values.get("number")
    if isinstance(number, str) and issued is not None and not number.endswith(f"—{issued.year}"):
        errors["number"] = f"标准编号中的年份应为发布年份 {issued.year}"
    if isinstance(number, str) and "number" not in errors and session.scalar(
            select(Publication.id).where(Publication.number == number)):
        errors["number"] = f"标准编号 {number} 已被使用"
    if isinstance(number, str):
        attempt("replaces", lambda: _replaced(session, typed.replaces_id, number))
    attempt("rules", lambda: check_rules(typed.grading))
    if errors:
        raise ValidationError(errors)
    assert issued is not None and effective is not None
    return Imprint(str(values["number"]), str(values["ics"]), str(values["ccs"]), issued, effective,
                   str(values["filing_number"]), str(values["issuer"]), values.get("replaces"),  # type: ignore[arg-type]
                   normalise(str(values["changes"]), multiline=True), values["rules"])  # type: ignore[arg-type]

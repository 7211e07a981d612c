"""Risk bands as reference data: which table grades an enterprise's risk points, and editing them.

Provinces and sectors band the same matrix differently (cn-standards.md §1.6), so the
table that turns a method's result into a level is data: an industry may have its own
rows for a method, and where it has none the province's default rows (``industry_code``
NULL, seeded by migration 0004 with the Shandong values) apply. Each method is decided
separately — an industry may re-band LS and keep the default LEC table.

Only administrators edit bands. A table is always saved whole (all four levels, checked
by :func:`benchmarks.grading.check_bands`), against the table the administrator saw (a
fingerprint of it), with one audit event. Saving bands does not touch risk points: a
point keeps the level it was graded with until it is re-evaluated (edited) or an
administrator re-grades the industry (:func:`benchmarks.risk_picture.regrade`); until
then its page says what the current table would give.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from benchmarks.grading import FACTORS, SHANDONG_BANDS, Band, Method, RiskLevel, check_bands
from benchmarks.models import RiskBand
from core import audit
from core.errors import NotFound, PermissionDenied, StaleEdit, ValidationError
from core.people import User
from core.regions import Industry

DEFAULT_SCOPE = "default"  # the province's own table, in URLs and audit ids
STALE_BANDS = "该分级标准已被他人修改。为避免覆盖他人的修改，本次保存未生效，请查看最新标准后重新填写。"

audit.name_things(
    objects={"risk_band": "风险分级标准"},
    actions={"risk_band.update": "修改风险分级标准", "risk_band.reset": "恢复默认风险分级标准"},
)


def can_edit_bands(actor: User) -> bool:
    """Bands are reference data: administrators keep them."""
    return actor.is_admin


def max_result(method: Method) -> Decimal:
    """The largest result a method can give (the product of its scales' maxima)."""
    product = Decimal(1)
    for factor in FACTORS[method]:
        product *= max(factor.scale)
    return product


class BandTable:
    """One table — a method's four bands for an industry or the default — as an audit subject."""

    audit_type = "risk_band"

    def __init__(self, industry_code: str | None, method: Method) -> None:
        self.industry_code = industry_code
        self.method = method

    @property
    def id(self) -> str:
        return f"{self.industry_code or DEFAULT_SCOPE}:{self.method.value}"


def _rows(session: Session, industry_code: str | None, method: Method | None = None) -> list[RiskBand]:
    """An industry's own rows (or the default rows), optionally of one method."""
    where = [RiskBand.industry_code.is_(None) if industry_code is None else RiskBand.industry_code == industry_code]
    if method is not None:
        where.append(RiskBand.method == method)
    return list(session.scalars(select(RiskBand).where(*where).order_by(RiskBand.method, RiskBand.level)))


def _ordered(bands: Sequence[Band]) -> tuple[Band, ...]:
    return tuple(sorted(bands, key=lambda b: b.level))


def band_book(session: Session, industry_code: str | None) -> dict[Method, tuple[Band, ...]]:
    """The tables in force for an industry, per method: its own where it has them, else the default.

    Should the default rows be missing too (a damaged database), the Shandong values apply,
    so a risk point can always be graded.
    """
    stmt = select(RiskBand).where(or_(RiskBand.industry_code.is_(None), RiskBand.industry_code == industry_code)
                                  if industry_code is not None else RiskBand.industry_code.is_(None))
    own: dict[Method, list[Band]] = {}
    default: dict[Method, list[Band]] = {}
    for row in session.scalars(stmt):
        (default if row.industry_code is None else own).setdefault(Method(row.method), []).append(row.as_band())
    return {method: _ordered(own.get(method) or default.get(method) or SHANDONG_BANDS[method]) for method in Method}


def bands_in_force(session: Session, industry_code: str | None, method: Method) -> tuple[Band, ...]:
    return band_book(session, industry_code)[method]


def has_own_table(session: Session, industry_code: str, method: Method) -> bool:
    """Whether an industry bands ``method`` its own way (else the default applies to it)."""
    return bool(_rows(session, industry_code, method))


def fingerprint(bands: Sequence[Band]) -> str:
    """A short digest of a table as shown, sent back with the edit form (optimistic locking)."""
    text = ";".join(f"{b.level.value}:{b.lower.normalize()}:{int(b.inclusive)}" for b in _ordered(bands))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def describe(bands: Sequence[Band]) -> str:
    """``重大 ≥ 20、较大 ≥ 15、一般 ≥ 9、低 ≥ 1``: a table in one line (audit summaries, pages)."""
    return "、".join(f"{b.level.label.removesuffix('风险')} {b.text}" for b in _ordered(bands))


@dataclass(frozen=True)
class ScopeTables:
    """What the bands page shows for one scope: the default, or one industry."""

    industry: Industry | None  # None: the province's default
    tables: Mapping[Method, tuple[Band, ...]]  # the tables in force
    own: frozenset[Method]  # methods with the industry's own rows (all, for the default)

    @property
    def scope(self) -> str:
        return self.industry.code if self.industry is not None else DEFAULT_SCOPE


def overview(session: Session) -> list[ScopeTables]:
    """The default tables, then every industry with the tables in force for it."""
    rows = list(session.scalars(select(RiskBand)))
    default: dict[Method, list[Band]] = {}
    own: dict[str, dict[Method, list[Band]]] = {}
    for row in rows:
        target = default if row.industry_code is None else own.setdefault(row.industry_code, {})
        target.setdefault(Method(row.method), []).append(row.as_band())
    base = {m: _ordered(default.get(m) or SHANDONG_BANDS[m]) for m in Method}
    result = [ScopeTables(None, base, frozenset(Method))]
    for industry in session.scalars(select(Industry).order_by(Industry.position)):
        mine = own.get(industry.code, {})
        tables = {m: _ordered(mine[m]) if m in mine else base[m] for m in Method}
        result.append(ScopeTables(industry, tables, frozenset(mine)))
    return result


def scope_industry(session: Session, scope: str) -> Industry | None:
    """The industry a scope names (None for the default), or ``NotFound``."""
    if scope == DEFAULT_SCOPE:
        return None
    industry = session.get(Industry, scope[:10])
    if industry is None:
        raise NotFound("没有这个行业。")
    return industry


@dataclass(frozen=True)
class BandInput:
    """One level's row as typed: its lower bound and whether the bound itself belongs to it."""

    lower: object
    inclusive: bool = True


def parse_bands(method: Method, rows: Mapping[RiskLevel, BandInput]) -> tuple[Band, ...]:
    """Checked bands from typed rows: every level, a number from 0 to the method's maximum with at
    most two decimals, bounds falling from 重大 to 低 — or ``ValidationError`` naming the field."""
    errors: dict[str, str] = {}
    bands: list[Band] = []
    top = max_result(method)
    for level in RiskLevel:
        field = f"lower_{level.value}"
        given = rows.get(level)
        raw = str(given.lower).strip() if given is not None and given.lower is not None else ""
        try:
            value = Decimal(raw)
        except (InvalidOperation, ValueError):
            value = None
        label = f"{level.label}的下限"
        if not raw:
            errors[field] = f"请填写{label}"
        elif value is None or not value.is_finite():
            errors[field] = f"{label}应为数字"
        elif not Decimal(0) <= value <= top:
            errors[field] = f"{label}应在 0 到 {top.normalize():f}（该方法的最大值）之间"
        elif value != value.quantize(Decimal("0.01")):
            errors[field] = f"{label}最多保留两位小数"
        else:
            bands.append(Band(level, value, bool(given and given.inclusive)))
    if errors:
        raise ValidationError(errors)
    check_bands(bands)
    return _ordered(bands)


def set_bands(session: Session, actor: User, industry_code: str | None, method: Method,
              bands: Sequence[Band], expected: str) -> bool:
    """Save a method's table for an industry (or the default); False when nothing changed.

    ``expected`` is the fingerprint of the table the administrator edited: if the table in
    force has changed since, the save is refused rather than overwrite someone's change.
    """
    if not can_edit_bands(actor):
        raise PermissionDenied("风险分级标准由系统管理员维护。")
    check_bands(bands)
    before = bands_in_force(session, industry_code, method)
    if fingerprint(before) != expected:
        raise StaleEdit(STALE_BANDS)
    if fingerprint(before) == fingerprint(bands):
        return False  # the table in force already says this (an industry is not pinned to today's default)
    existing = _rows(session, industry_code, method)
    for row in existing:
        session.delete(row)
    session.flush()
    session.add_all(RiskBand(industry_code=industry_code, method=method, level=b.level.value,
                             lower=b.lower, inclusive=b.inclusive) for b in bands)
    session.flush()
    audit.record(session, actor, "risk_band.update", BandTable(industry_code, method),
                 f"修改{_scope_label(session, industry_code)}的风险分级标准（{method.label}）：{describe(bands)}",
                 data={"before": describe(before), "after": describe(bands), "own_before": bool(existing)})
    return True


def reset_bands(session: Session, actor: User, industry_code: str, method: Method, expected: str) -> bool:
    """Drop an industry's own table for a method: the default applies again. False if it had none."""
    if not can_edit_bands(actor):
        raise PermissionDenied("风险分级标准由系统管理员维护。")
    before = bands_in_force(session, industry_code, method)
    if fingerprint(before) != expected:
        raise StaleEdit(STALE_BANDS)
    existing = _rows(session, industry_code, method)
    if not existing:
        return False
    for row in existing:
        session.delete(row)
    session.flush()
    after = bands_in_force(session, None, method)
    audit.record(session, actor, "risk_band.reset", BandTable(industry_code, method),
                 f"{_scope_label(session, industry_code)}的风险分级标准（{method.label}）"
                 f"恢复为全省默认：{describe(after)}",
                 data={"before": describe(before), "after": describe(after)})
    return True


def _scope_label(session: Session, industry_code: str | None) -> str:
    if industry_code is None:
        return "全省默认"
    industry = session.get(Industry, industry_code)
    return f"{industry.name if industry else industry_code}行业"

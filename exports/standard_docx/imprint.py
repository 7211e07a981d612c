"""What a standard's DOCX shows that is not in its clause tree: the imprint.

The publication record (number, ICS/CCS, dates, issuer, replaced standards) lives with
the publication workflow; a draft has none of it yet. The renderer takes it as one plain
value so it stays a pure function of (version, imprint) and the lead's publication code
decides where the facts come from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from standards.models import StandardVersion

SHANDONG_ISSUER = "山东省市场监督管理局"
NUMBER_PLACEHOLDER = "DB37/T XXXX—XXXX"
DATE_PLACEHOLDER = "XXXX-XX-XX"
PATENT_DISCLOSURE = "在提交反馈意见时，请将您知道的相关专利连同支持性文件一并附上。"


@dataclass(frozen=True)
class Imprint:
    """The cover and 前言 facts of one rendering.

    ``stage_document`` is None for a published standard, or the draft's name
    ("征求意见稿", "送审稿", "报批稿"): a draft shows it and the patent-disclosure notice on
    its cover and "DB37/T XXXX—XXXX" until it has a number. ``replaces`` holds
    (number, title) of each standard this one replaces; ``changes`` the 主要技术变化 lines
    and ``history`` the 历次版本发布情况 lines of the 前言 (one per line, may be empty).
    """

    stage_document: str | None = None
    number: str | None = None
    ics: str = ""
    ccs: str = ""
    filing_number: str = ""  # 备案号
    issued_on: dt.date | None = None
    effective_on: dt.date | None = None
    issuer: str = SHANDONG_ISSUER
    replaces: tuple[tuple[str, str], ...] = ()
    changes: str = ""
    history: str = ""

    @property
    def is_draft(self) -> bool:
        return self.stage_document is not None

    @property
    def shown_number(self) -> str:
        """The number on the cover and in the header (the placeholder until one is assigned)."""
        return self.number or NUMBER_PLACEHOLDER

    @property
    def ics_line(self) -> str:
        return _coded("ICS", self.ics)

    @property
    def ccs_line(self) -> str:
        return _coded("CCS", self.ccs)

    @property
    def replaces_line(self) -> str:
        """"代替 DB37/T 4008—2020" (several joined by 、, on one line), or empty."""
        return "代替 " + "、".join(number for number, _ in self.replaces) if self.replaces else ""

    @property
    def dates_line(self) -> str:
        """Issue date left, implementation date right (the cover's right tab stop)."""
        return f"{_date(self.issued_on)} 发布\t{_date(self.effective_on)} 实施"


def _coded(prefix: str, code: str) -> str:
    code = code.strip()
    if code.upper().startswith(prefix):
        code = code[len(prefix):].strip()
    return f"{prefix} {code}" if code else f"{prefix} "


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else DATE_PLACEHOLDER


def imprint_for_draft(version: StandardVersion, *, ics: str = "", ccs: str = "") -> Imprint:
    """The imprint of a draft: its stage document's name (征求意见稿 …) on the cover with the
    patent-disclosure notice, the number and dates as placeholders, the Shandong issuer."""
    return Imprint(stage_document=version.stage.document, ics=ics, ccs=ccs)

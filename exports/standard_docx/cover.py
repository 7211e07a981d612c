"""The cover (封面, GB/T 1.1-2020 §8.1), top to bottom as on DB37/T 4085—2020.

ICS and CCS (and the 备案号, when there is one) top left; the DB37 mark right; 山东省地方标准
centred over a rule; the number right, the 代替 line under it; the Chinese title (一号黑体)
and the English title centred; for a draft, the stage (（征求意见稿）) and the
patent-disclosure notice; the issue and implementation dates left and right over a
rule; the issuer and 发布 at the foot.

Every cover style has an exact line height, so the space above the title and above the
dates can be worked out from the titles' lengths: the title sits about a third of the
way down and the dates at the foot of the page whatever the titles' lengths, and the
cover never spills onto a second page.
"""

from __future__ import annotations

from docx.oxml.xmlchemy import BaseOxmlElement

from exports.standard_docx.imprint import PATENT_DISCLOSURE, Imprint
from exports.standard_docx.ooxml import paragraph, run, text_paragraph
from exports.standard_docx.styles import TEXT_WIDTH

PAGE_TEXT_HEIGHT = (297 - 25 - 20) * 72 / 25.4  # A4 less top and bottom margins, points
SAFETY = 24.0  # points left free at the foot: fonts' rounding, the rules' widths
TITLE_TOP = 250.0  # where the Chinese title starts, points below the top margin


def _lines(text: str, size: float) -> int:
    """How many lines ``text`` takes at ``size`` across the text width (CJK wide, Latin narrow)."""
    width = sum(size if ord(ch) > 0x2e7f else size * 0.55 for ch in text)
    return max(1, -(-int(width * 1.04) // int(TEXT_WIDTH)))


def cover(title: str, english: str, imprint: Imprint) -> list[BaseOxmlElement]:
    """The cover's paragraphs; the caller closes its section (no header, no page number)."""
    top: list[BaseOxmlElement] = [text_paragraph("BgCoverCode", imprint.ics_line),
                                  text_paragraph("BgCoverCode", imprint.ccs_line)]
    if imprint.filing_number.strip():
        top.append(text_paragraph("BgCoverCode", f"备案号：{imprint.filing_number.strip()}"))
    mark = paragraph("BgCoverMark")
    mark.append(run("DB37", bold=True))
    top += [mark, text_paragraph("BgCoverLevel", "山东省地方标准"),
            text_paragraph("BgCoverNumber", imprint.shown_number)]
    if imprint.replaces_line:
        top.append(text_paragraph("BgCoverReplace", imprint.replaces_line))
    top_height = 16 * (3 if imprint.filing_number.strip() else 2) + 48 + 46 + 24 + (16 if imprint.replaces else 0)

    title_height = 38 * _lines(title, 26)
    english_height = (12 + 20 * _lines(english, 14)) if english.strip() else 0
    stage_height = (16 + 22 + 10 + 16 * _lines(PATENT_DISCLOSURE, 10.5)) if imprint.is_draft else 0
    foot_height = 22 + 2 + 10 + 26
    middle = title_height + english_height + stage_height
    above_title = max(24.0, min(TITLE_TOP - top_height, PAGE_TEXT_HEIGHT - SAFETY - top_height - middle
                                - foot_height - 24))
    above_dates = max(12.0, PAGE_TEXT_HEIGHT - SAFETY - top_height - above_title - middle - foot_height)

    middle_paragraphs = [text_paragraph("BgCoverTitle", title, before=above_title)]
    if english.strip():
        middle_paragraphs.append(text_paragraph("BgCoverEnglish", english.strip()))
    if imprint.is_draft:
        middle_paragraphs += [text_paragraph("BgCoverStage", f"（{imprint.stage_document}）"),
                              text_paragraph("BgCoverNotice", PATENT_DISCLOSURE)]
    foot = [text_paragraph("BgCoverDates", imprint.dates_line, before=above_dates),
            text_paragraph("BgCoverIssuer", f"{imprint.issuer}　发布")]
    return top + middle_paragraphs + foot

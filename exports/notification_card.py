"""岗位安全风险告知卡: one print-ready card per risk point, each on its own A4 page.

A card is what hangs at the post: what can go wrong there (危险因素), what it leads to
(后果 and the GB 6441 accident types), how dangerous it is (the level in its colour band),
how it is controlled (the measures by type, the control levels, who is responsible), what
to do when it happens (应急措施) and whom to call (报告电话, with the public emergency
numbers). It is one bordered table with a heavy outer frame, titled in 黑体 on the level's
colour, so a printed stack of cards reads at a glance by colour.

Pure: risk points in, DOCX bytes out (the toolkit is :mod:`exports.practice_register`'s).
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.enum.text import WD_BREAK

from benchmarks.models import MEASURE_LABELS, MeasureKind, RiskPoint
from core.enterprises import Enterprise
from exports.practice_register import (
    HEI,
    LEVEL_FILL,
    LEVEL_INK,
    TWIPS_PER_MM,
    Cell,
    add_table,
    consequences,
    document_bytes,
    new_document,
    scaled,
    usable_width,
)

CARD_TITLE = "岗位安全风险告知卡"
PUBLIC_NUMBERS = "火警 119　急救 120"
# Least row heights in millimetres, so a card fills its A4 page (rows grow with long text):
# title, enterprise, level, then the labelled lines of :func:`card_rows` in order.
ROW_MM = (20, 9, 16, 12, 10, 36, 26, 52, 36, 14, 16)


def card_rows(enterprise: Enterprise, point: RiskPoint) -> list[tuple[str, str]]:
    """The card's labelled lines, in print order (the title and the level band aside)."""
    subject = f"{point.post}／{point.name}" if point.post and point.post != point.name else point.name
    measures = "\n".join(
        f"{MEASURE_LABELS[kind]}：{'；'.join(m.content for m in point.measures_of(kind))}"
        for kind in MeasureKind if point.measures_of(kind))
    responsible = "　".join(part for part in (
        f"责任单位：{point.responsible_unit}" if point.responsible_unit else "",
        f"责任人：{point.responsible_person}" if point.responsible_person else "") if part)
    controls = "、".join(c.label for c in point.controls)
    return [
        ("岗位/风险点", subject),
        ("所在区域", point.location or "—"),
        ("主要危险因素", point.hazards or "—"),
        ("可能导致的后果", consequences(point) or "—"),
        ("管控措施", measures or "—"),
        ("应急措施", point.emergency_measures or "—"),
        ("管控层级", controls + (f"\n{responsible}" if responsible else "")),
        ("报告电话", f"{point.report_phone or enterprise.safety_phone or '—'}\n{PUBLIC_NUMBERS}"),
    ]


def _card(point: RiskPoint, enterprise: Enterprise) -> list[list[Cell]]:
    level = point.risk_level
    band, ink = LEVEL_FILL[level], LEVEL_INK[level]
    rows = [
        [Cell(CARD_TITLE, span=2, fill=band, ink=ink, bold=True, centred=True, size=24, east_asia=HEI)],
        [Cell(enterprise.name, span=2, centred=True, size=11)],
        [Cell("风险等级", bold=True, centred=True, size=12, east_asia=HEI),
         Cell(f"{level.label}（{level.colour}色）", fill=band, ink=ink, bold=True, centred=True, size=18,
              east_asia=HEI)],
    ]
    for label, text in card_rows(enterprise, point):
        big = label == "报告电话"
        rows.append([Cell(label, bold=True, centred=True, size=12, east_asia=HEI),
                     Cell(text, size=14 if big else 12, bold=big)])
    return rows


def render_cards(enterprise: Enterprise, points: Sequence[RiskPoint]) -> bytes:
    """Every point's card, one per A4 page, in the order given."""
    doc = new_document(landscape=False)
    widths = scaled((38, 142), usable_width(False))
    heights = [round(mm * TWIPS_PER_MM) for mm in ROW_MM]
    for index, point in enumerate(points):
        if index:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        add_table(doc, widths, _card(point, enterprise), size=11, outer=24, inner=6, heights=heights, padding=60)
    if not points:
        doc.add_paragraph("尚未登记风险点。")
    return document_bytes(doc)

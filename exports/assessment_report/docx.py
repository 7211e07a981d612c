"""The 对标自评估报告 as DOCX: what an enterprise files with its bureau after a self-assessment.

A4 in 宋体/黑体 (the toolkit of :mod:`exports.practice_register.docx_kit`, whose
tables are built as XML in one go): the title, the facts (who, against which standard,
where the assessment stands, the score and grade, a veto failure and the benchmark line),
the chapters' points, then 问题与整改 — one row per item 部分符合 or 不符合 with its
rectification, on landscape pages as it has nine columns — and the bureau's verification
rounds. The generated date is in the footer and on the last line, so a printed copy says
when it was made.

Every text may hold characters XML cannot (control characters from old rows or hostile
input): they are dropped here, never fatal, for the tables and the paragraphs alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt

from core.db import cn_date
from exports.assessment_report.model import AssessmentReport, ReportItem, number_text, score_text
from exports.practice_register.docx_kit import (
    _XML_ILLEGAL,
    A4_LONG,
    A4_SHORT,
    HEI,
    Cell,
    add_table,
    document_bytes,
    heading,
    new_document,
    note,
    scaled,
    set_font,
    usable_width,
)

_SURROGATES = re.compile("[\ud800-\udfff]")  # lone halves of a pair: lxml cannot encode them either
HEAD_FILL, LABEL_FILL = "DDEBF7", "F2F2F2"
ALERT_INK = "C00000"
DASH = "—"
SECTION_NUMBERS = "一二三四五六"

GAP_HEADERS = ("条款", "评估结果", "说明", "整改措施", "责任人", "资金（万元）", "整改时限", "应急措施", "状态")
GAP_WEIGHTS = (24, 12, 32, 38, 12, 11, 26, 32, 14)
ROUND_HEADERS = ("轮次", "提交日期", "得分", "等级", "核查结论", "核查人", "意见")
ROUND_WEIGHTS = (8, 19, 8, 8, 12, 12, 33)


def clean(text: str) -> str:
    """``text`` without the characters a DOCX cannot hold."""
    return _SURROGATES.sub("", _XML_ILLEGAL.sub("", text))


def title_text(report: AssessmentReport) -> str:
    return f"《{report.standard_number} {report.standard_title}》对标自评估报告"


def veto_line(report: AssessmentReport) -> str:
    """"否决项不符合：5.3 重大风险管控、…，判定为不达标", or "" when no veto item failed."""
    return f"否决项不符合：{'、'.join(report.vetoed)}，判定为不达标" if report.vetoed else ""


def benchmark_line(report: AssessmentReport) -> str:
    """"标杆企业合格线 80 分：达到/未达到" for a benchmark enterprise, else ""."""
    if not report.is_benchmark:
        return ""
    verdict = {True: "达到", False: "未达到", None: "尚未得分"}[report.benchmark_pass]
    return f"标杆企业合格线 {number_text(report.benchmark_mark)} 分：{verdict}"


def _date(value: date | None) -> str:
    return cn_date(value) if value is not None else DASH


def _header(labels: Sequence[str]) -> list[Cell]:
    return [Cell(label, bold=True, centred=True, fill=HEAD_FILL, east_asia=HEI) for label in labels]


def _fact_rows(report: AssessmentReport) -> list[list[Cell]]:
    counts = report.result_counts
    facts = [
        ("企业名称", report.enterprise),
        ("统一社会信用代码", report.credit_code),
        ("所在地区", report.region),
        ("行业", report.industry),
        ("评估标准", f"{report.standard_number}《{report.standard_title}》"),
        ("状态", report.state_label),
        ("提交日期", _date(report.submitted_on)),
        ("核查日期", _date(report.verified_on)),
        ("完成情况", f"已评估 {report.answered}/{report.total} 项"),
        ("评估结果", "，".join(f"{label} {n} 项" for label, n in counts.items())),
        ("得分", f"{score_text(report.score)} 分" if report.score is not None else "未计分"),
        ("等级", report.grade_label or "未评定"),
    ]
    rows = [[Cell(label, bold=True, fill=LABEL_FILL, east_asia=HEI), Cell(clean(value) or DASH)]
            for label, value in facts]
    for line in (veto_line(report), benchmark_line(report)):
        if line:
            alert = line.startswith("否决") or line.endswith("未达到")
            rows.append([Cell(clean(line), span=2, bold=True, ink=ALERT_INK if alert else None)])
    return rows


def _chapter_rows(report: AssessmentReport) -> list[list[Cell]]:
    rows = [_header(("章", "得分", "应得分", "得分率"))]
    for chapter in report.chapters:
        rate = f"{score_text(chapter.score)}%" if chapter.score is not None else DASH
        rows.append([Cell(clean(chapter.label)), Cell(number_text(chapter.earned), centred=True),
                     Cell(number_text(chapter.possible), centred=True), Cell(rate, centred=True)])
    if report.chapters:
        earned = sum((c.earned for c in report.chapters), start=Decimal(0))
        possible = sum((c.possible for c in report.chapters), start=Decimal(0))
        rate = f"{score_text(report.score)}%" if report.score is not None else DASH
        rows.append([Cell("合计", bold=True), Cell(number_text(earned), centred=True, bold=True),
                     Cell(number_text(possible), centred=True, bold=True), Cell(rate, centred=True, bold=True)])
    return rows


def _clause(item: ReportItem) -> str:
    return f"{item.number} {item.title}" + ("（否决项）" if item.veto else "")


def _gap_row(item: ReportItem) -> list[Cell]:
    explanation = "\n".join(part for part in (
        item.note, f"核查退回意见：{item.returned_reason}" if item.returned_reason else "") if part)
    fix = item.rectification
    result = Cell(clean(item.result_label), centred=True, ink=ALERT_INK if item.result_label == "不符合" else None)
    if fix is None:
        return [Cell(clean(_clause(item))), result, Cell(clean(explanation) or DASH),
                Cell("尚未制定整改措施", ink=ALERT_INK), *(Cell(DASH, centred=True) for _ in range(5))]
    deadline = cn_date(fix.deadline) + ("\n已逾期" if fix.overdue else "")
    return [Cell(clean(_clause(item))), result, Cell(clean(explanation) or DASH), Cell(clean(fix.measure) or DASH),
            Cell(clean(fix.responsible) or DASH, centred=True), Cell(number_text(fix.funds), centred=True),
            Cell(deadline, centred=True, ink=ALERT_INK if fix.overdue else None, bold=fix.overdue),
            Cell(clean(fix.contingency) or DASH), Cell(clean(fix.state_label) or DASH, centred=True)]


def _round_rows(report: AssessmentReport) -> list[list[Cell]]:
    rows = [_header(ROUND_HEADERS)]
    for r in report.rounds:
        rows.append([Cell(f"第 {r.number} 次", centred=True), Cell(cn_date(r.submitted_on), centred=True),
                     Cell(score_text(r.score), centred=True), Cell(clean(r.grade_label) or DASH, centred=True),
                     Cell(clean(r.outcome_label) or DASH, centred=True),
                     Cell(clean(r.decided_by) or DASH, centred=True),
                     Cell(clean(r.reason) or DASH)])
    return rows


def _footer(doc: DocxDocument, report: AssessmentReport) -> None:
    """The footer: which report, when it was generated, the page number (a PAGE field)."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(f"{clean(report.enterprise)} 对标自评估报告　生成日期：{cn_date(report.generated_on)}　第 ")
    run.font.size = Pt(9)
    set_font(run.font)
    paragraph._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="18"/></w:rPr>'
        "<w:t>1</w:t></w:r></w:fldSimple>"))
    tail = paragraph.add_run(" 页")
    tail.font.size = Pt(9)
    set_font(tail.font)


def _section(doc: DocxDocument, index: int, text: str) -> None:
    heading(doc, f"{SECTION_NUMBERS[index]}、{text}", size=12, centred=False, space_after=3)
    doc.paragraphs[-1].paragraph_format.space_before = Pt(8)  # air after the table above


def _landscape(doc: DocxDocument) -> None:
    """Go on from a new A4-landscape page (same margins, same footer): the gap table has nine columns."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(A4_LONG), Mm(A4_SHORT)


def render_docx(report: AssessmentReport) -> bytes:
    """The 对标自评估报告 as DOCX bytes: facts and chapters on A4 portrait; when there are gaps,
    their nine-column table (and the rounds after it) from a new A4-landscape page."""
    doc = new_document()
    width = usable_width(False)
    heading(doc, clean(title_text(report)), size=16, space_after=4)
    subtitle = doc.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(clean(report.enterprise)).font.size = Pt(12)

    sections = iter(range(len(SECTION_NUMBERS)))
    _section(doc, next(sections), "基本情况")
    add_table(doc, scaled((28, 72), width), _fact_rows(report), size=10.5, padding=30)

    _section(doc, next(sections), "各章得分")
    add_table(doc, scaled((55, 15, 15, 15), width), _chapter_rows(report), header_rows=1, size=10, padding=20)

    gaps = report.gaps
    if gaps:
        _landscape(doc)
        width = usable_width(True)
    _section(doc, next(sections), "问题与整改")
    if gaps:
        note(doc, f"部分符合或不符合的条款共 {len(gaps)} 项，"
                  f"其中整改已逾期 {sum(1 for g in gaps if g.rectification and g.rectification.overdue)} 项。",
             size=10)
        add_table(doc, scaled(GAP_WEIGHTS, width), [_header(GAP_HEADERS), *(_gap_row(g) for g in gaps)],
                  header_rows=1, size=8.5, padding=20)
    else:
        note(doc, "本次自评估没有部分符合或不符合的条款。", size=10.5)

    if report.rounds:
        _section(doc, next(sections), "核查记录")
        add_table(doc, scaled(ROUND_WEIGHTS, width), _round_rows(report), header_rows=1, size=9, padding=20)

    closing = doc.add_paragraph()
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    closing.paragraph_format.space_before = Pt(12)
    closing.add_run(f"报告生成日期：{cn_date(report.generated_on)}")
    _footer(doc, report)
    return document_bytes(doc)

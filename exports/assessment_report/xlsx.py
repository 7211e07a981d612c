"""The self-assessment as a workbook: "概况" (facts and chapter scores), "自评明细" (one row per
requirement) and, once the bureau has decided, "核查记录".

For the enterprise and the bureau to sort, filter and sum: numbers are numbers (Decimal →
float), dates are dates, and every text cell goes through :func:`exports.xlsx.append_row`,
so a note that begins with "=" stays text and is never run as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from exports.assessment_report.model import AssessmentReport, ReportItem, number_value
from exports.xlsx import HEADER_FILL, append_row, header_row, workbook_bytes

DATE_FORMAT = "yyyy-mm-dd"
SCORE_FORMAT = "0.0"
WRAP = Alignment(wrap_text=True, vertical="top")

DETAIL_HEADERS = ("章", "条款编号", "要求", "分值", "否决项", "评估结果", "得分", "不适用理由", "说明", "证据文件",
                  "整改措施", "责任人", "资金（万元）", "整改时限", "整改状态", "核查退回意见")
DETAIL_WIDTHS = (18, 10, 40, 7, 7, 10, 7, 20, 30, 28, 30, 10, 12, 12, 16, 24)
DETAIL_WRAPPED = ("要求", "不适用理由", "说明", "证据文件", "整改措施", "核查退回意见")
CHAPTER_HEADERS = ("章", "得分", "应得分", "得分率")
ROUND_HEADERS = ("轮次", "提交日期", "得分", "等级", "核查结论", "核查人", "意见")
ROUND_WIDTHS = (8, 12, 8, 8, 12, 12, 50)
UNANSWERED = "未评估"


def _facts(report: AssessmentReport) -> list[tuple[str, Any]]:
    """The 概况 lines: label, then a value of its natural type."""
    facts: list[tuple[str, Any]] = [
        ("企业名称", report.enterprise),
        ("统一社会信用代码", report.credit_code),
        ("所在地区", report.region),
        ("行业", report.industry),
        ("评估标准", f"{report.standard_number}《{report.standard_title}》"),
        ("状态", report.state_label),
        ("提交日期", report.submitted_on),
        ("核查日期", report.verified_on),
        ("已评估项数", report.answered),
        ("要求总数", report.total),
        *((f"{label}项数", n) for label, n in report.result_counts.items()),
        ("得分", number_value(report.score)),
        ("等级", report.grade_label or "未评定"),
        ("否决项不符合", "、".join(report.vetoed) or "无"),
    ]
    if report.vetoed:
        facts.append(("否决项判定", "判定为不达标"))
    if report.is_benchmark:
        verdict = {True: "达到", False: "未达到", None: "尚未得分"}[report.benchmark_pass]
        facts += [("标杆企业合格线（分）", number_value(report.benchmark_mark)), ("是否达到合格线", verdict)]
    facts.append(("生成日期", report.generated_on))
    return facts


def _bold_header(ws: Worksheet, labels: Sequence[str]) -> None:
    """A header line in the middle of a sheet, shaded like the first row's."""
    append_row(ws, labels)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL


def _summary_sheet(ws: Worksheet, report: AssessmentReport) -> None:
    ws.title = "概况"
    header_row(ws, ("项目", "内容"), (22, 60))
    for label, value in _facts(report):
        append_row(ws, (label, value))
        cell = ws.cell(row=ws.max_row, column=2)
        if label.endswith("日期"):
            cell.number_format = DATE_FORMAT
        elif label == "得分":
            cell.number_format = SCORE_FORMAT
        cell.alignment = Alignment(horizontal="left")
    ws.append(())
    _bold_header(ws, CHAPTER_HEADERS)
    for chapter in report.chapters:
        append_row(ws, (chapter.label, number_value(chapter.earned), number_value(chapter.possible),
                        number_value(chapter.score)))
        ws.cell(row=ws.max_row, column=4).number_format = SCORE_FORMAT
    for column, width in (("C", 10), ("D", 10)):
        ws.column_dimensions[column].width = width


def detail_row(item: ReportItem) -> list[Any]:
    """One requirement as the 自评明细 row (columns of ``DETAIL_HEADERS``)."""
    fix = item.rectification
    state = "" if fix is None else fix.state_label + ("（已逾期）" if fix.overdue else "")
    return [
        item.chapter, item.number, item.title, number_value(item.points), "是" if item.veto else "否",
        item.result_label or UNANSWERED, number_value(item.earned), item.na_reason, item.note,
        "、".join(item.evidence),
        fix.measure if fix else "", fix.responsible if fix else "", number_value(fix.funds) if fix else None,
        fix.deadline if fix else None, state, item.returned_reason,
    ]


def _detail_sheet(ws: Worksheet, report: AssessmentReport) -> None:
    header_row(ws, DETAIL_HEADERS, DETAIL_WIDTHS)
    wrapped = [DETAIL_HEADERS.index(h) for h in DETAIL_WRAPPED]
    deadline = DETAIL_HEADERS.index("整改时限")
    for item in report.items:
        append_row(ws, detail_row(item))
        row = ws[ws.max_row]
        for index in wrapped:
            row[index].alignment = WRAP
        row[deadline].number_format = DATE_FORMAT
        if item.rectification and item.rectification.overdue:
            row[deadline].font = Font(color="C00000", bold=True)
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


def _rounds_sheet(ws: Worksheet, report: AssessmentReport) -> None:
    header_row(ws, ROUND_HEADERS, ROUND_WIDTHS)
    for r in report.rounds:
        append_row(ws, (r.number, r.submitted_on, number_value(r.score), r.grade_label, r.outcome_label,
                        r.decided_by, r.reason))
        ws.cell(row=ws.max_row, column=2).number_format = DATE_FORMAT
        ws.cell(row=ws.max_row, column=3).number_format = SCORE_FORMAT
        ws.cell(row=ws.max_row, column=7).alignment = WRAP


def render_xlsx(report: AssessmentReport) -> bytes:
    """The workbook: 概况, 自评明细 and (when there were rounds) 核查记录."""
    wb = Workbook()
    _summary_sheet(wb.active, report)
    _detail_sheet(wb.create_sheet("自评明细"), report)
    if report.rounds:
        _rounds_sheet(wb.create_sheet("核查记录"), report)
    return workbook_bytes(wb)

"""The 对标自评估报告 renderers: a report built by hand (no database) comes out as a DOCX a bureau
can read — title, score, grade, the veto failure, every gap with its rectification, the
verification rounds — and as a workbook with one row per requirement, numbers as numbers and
a hostile note kept as text. Control characters in any text never break either file, and
LibreOffice opens the DOCX (one real conversion, about 2 s).
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from exports.assessment_report import (
    AssessmentReport,
    ReportChapter,
    ReportItem,
    ReportRectification,
    ReportRound,
    number_text,
    render_docx,
    render_xlsx,
    score_text,
)
from exports.pdf import docx_to_pdf

D = Decimal
FORMULA_NOTE = '=HYPERLINK("http://evil.example","点击查看")'
ENTERPRISE = "济南华泰化工有限公司"


def fix(measure: str, deadline: dt.date, *, overdue: bool = False, state: str = "整改中",
        funds: str = "2.5") -> ReportRectification:
    return ReportRectification(measure=measure, responsible="王建国", funds=D(funds), deadline=deadline,
                               contingency="加强巡检，设置警示标志\x02", state_label=state, overdue=overdue)


def item(number: str, title: str, chapter: str, result: str, points: str, earned: str | None, *,
         veto: bool = False, note: str = "", na_reason: str = "", evidence: tuple[str, ...] = (),
         rectification: ReportRectification | None = None, returned: str = "") -> ReportItem:
    return ReportItem(number=number, title=title, chapter=chapter, points=D(points), veto=veto, result_label=result,
                      earned=None if earned is None else D(earned), na_reason=na_reason, note=note,
                      evidence=evidence, rectification=rectification, returned_reason=returned)


BASIC, RISK, HIDDEN = "4 基础管理", "5 风险辨识评价", "6 隐患排查治理"
ITEMS = (
    item("4.1", "建立双重预防机制工作制度", BASIC, "符合", "2", "2", note=FORMULA_NOTE,
         evidence=("双重预防制度.pdf", "发文通知.docx")),
    item("4.2", "明确各级人员职责", BASIC, "部分符合", "4", "2", note="台账不全\x01缺少签字",
         rectification=fix("补齐岗位职责清单并逐人签字确认", dt.date(2026, 3, 31), overdue=True)),
    item("5.2.1", "风险点划分覆盖全部区域", RISK, "不符合", "6", "0", note="仓储区未划分风险点",
         rectification=fix("对仓储区重新划分风险点并评价", dt.date(2026, 6, 30), state="待验收", funds="3.5"),
         returned="请补充仓储区平面图"),
    item("5.3", "重大风险管控", RISK, "不符合", "10", "0", veto=True, note="重大风险未落实双人管控",
         rectification=fix("落实重大风险双人管控并纳入考核", dt.date(2026, 5, 15), state="整改计划", funds="12")),
    item("5.4", "重大危险源监测预警", RISK, "不适用", "5", None, na_reason="本企业无重大危险源"),
    item("6.1", "隐患排查清单", HIDDEN, "部分符合", "4", "2", note="清单未按岗位细化"),
    item("6.2", "隐患治理闭环", HIDDEN, "", "4", None),
)
ROUNDS = (
    ReportRound(number=1, submitted_on=dt.date(2026, 4, 10), score=D("84"), grade_label="不达标",
                outcome_label="退回", decided_by="李核查", reason="仓储区风险点缺失\x03，请补充"),
    ReportRound(number=2, submitted_on=dt.date(2026, 4, 28), score=D("86.5"), grade_label="不达标",
                outcome_label="核查通过", decided_by="李核查", reason="同意"),
)


def make_report(**changes: object) -> AssessmentReport:
    fields: dict[str, object] = dict(
        enterprise=ENTERPRISE, credit_code="91370100MA3C1234X5", region="山东省济南市历城区", industry="化工",
        standard_number="DB37/T 4608—2026", standard_title="化工企业双重预防机制建设评估规范\x0b",
        state_label="已核查", submitted_on=dt.date(2026, 4, 28), verified_on=dt.date(2026, 5, 2),
        generated_on=dt.date(2026, 5, 6), score=D("86.5"), grade_label="不达标", vetoed=("5.3 重大风险管控",),
        is_benchmark=True, benchmark_pass=False, benchmark_mark=D(80), answered=6, total=7,
        chapters=(ReportChapter(BASIC, D(4), D(6), D("66.7")), ReportChapter(RISK, D(0), D(16), D(0)),
                  ReportChapter(HIDDEN, D(2), D(8), D(25))),
        items=ITEMS, rounds=ROUNDS)
    fields.update(changes)
    return AssessmentReport(**fields)  # type: ignore[arg-type]


def docx_text(data: bytes) -> str:
    """What a reader sees: body paragraphs, every table cell, the footer."""
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    parts += [p.text for section in doc.sections for p in section.footer.paragraphs]
    return "\n".join(parts)


def gap_rows(data: bytes) -> dict[str, list[str]]:
    """The 问题与整改 table's rows by their clause number."""
    doc = Document(io.BytesIO(data))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "条款")
    return {row.cells[0].text.split()[0]: [c.text for c in row.cells] for row in table.rows[1:]}


def test_score_and_points_print_as_a_reader_expects() -> None:
    assert [score_text(v) for v in (D("86.5"), D(90), D("86.45"), D("66.666"), None)] == [
        "86.5", "90.0", "86.5", "66.7", "—"]
    assert [number_text(v) for v in (D(2), D("1.50"), D("0.25"), D(10), D("3.5"))] == ["2", "1.5", "0.25", "10", "3.5"]


def test_the_docx_shows_the_title_facts_score_veto_and_benchmark_line() -> None:
    report = make_report()
    data = render_docx(report)
    text = docx_text(data)

    assert "《DB37/T 4608—2026 化工企业双重预防机制建设评估规范》对标自评估报告" in text  # \x0b dropped
    for fact in (ENTERPRISE, "91370100MA3C1234X5", "山东省济南市历城区", "化工", "已核查", "2026年4月28日",
                 "2026年5月2日", "已评估 6/7 项", "86.5 分", "不达标",
                 "符合 1 项，部分符合 2 项，不符合 2 项，不适用 1 项"):
        assert fact in text, fact
    assert "否决项不符合：5.3 重大风险管控，判定为不达标" in text
    assert "标杆企业合格线 80 分：未达到" in text
    assert "66.7%" in text and "4 基础管理" in text and "合计" in text
    doc = Document(io.BytesIO(data))
    assert doc.paragraphs[-1].text == "报告生成日期：2026年5月6日"
    assert "生成日期：2026年5月6日" in doc.sections[0].footer.paragraphs[0].text


def test_the_docx_lists_every_gap_with_its_rectification() -> None:
    report = make_report()
    data = render_docx(report)
    rows = gap_rows(data)

    assert list(rows) == [g.number for g in report.gaps] == ["4.2", "5.2.1", "5.3", "6.1"]
    for gap in report.gaps:
        if gap.rectification:
            assert gap.rectification.measure in rows[gap.number]
            assert any(f"{gap.rectification.deadline.year}年{gap.rectification.deadline.month}月"
                       f"{gap.rectification.deadline.day}日" in cell for cell in rows[gap.number])
    assert "已逾期" in rows["4.2"][6] and "2026年3月31日" in rows["4.2"][6]
    assert all("已逾期" not in cell for number in ("5.2.1", "5.3") for cell in rows[number])
    assert rows["4.2"][2] == "台账不全缺少签字"  # the control character is dropped, the text kept
    assert "核查退回意见：请补充仓储区平面图" in rows["5.2.1"][2]
    assert rows["5.3"][0] == "5.3 重大风险管控（否决项）" and rows["5.3"][5] == "12"
    assert rows["6.1"][3] == "尚未制定整改措施"
    assert "加强巡检，设置警示标志" in rows["4.2"][7]

    text = docx_text(data)
    assert "核查记录" in text and "第 2 次" in text and "仓储区风险点缺失，请补充" in text
    assert "5.4" not in rows and "4.1" not in rows


def test_a_report_not_yet_scored_without_gaps_or_rounds_still_renders() -> None:
    report = make_report(state_label="填报中", submitted_on=None, verified_on=None, score=None, grade_label="",
                         vetoed=(), is_benchmark=False, benchmark_pass=None, rounds=(), answered=1,
                         items=ITEMS[:1], chapters=(ReportChapter(BASIC, D(2), D(2), None),))
    text = docx_text(render_docx(report))

    assert "未计分" in text and "未评定" in text and "本次自评估没有部分符合或不符合的条款。" in text
    assert "否决项不符合" not in text and "标杆企业合格线" not in text and "核查记录" not in text
    assert load_workbook(io.BytesIO(render_xlsx(report))).sheetnames == ["概况", "自评明细"]


def test_the_workbook_has_one_row_per_requirement_with_numbers_dates_and_inert_text() -> None:
    report = make_report()
    wb = load_workbook(io.BytesIO(render_xlsx(report)))

    assert wb.sheetnames == ["概况", "自评明细", "核查记录"]
    ws = wb["自评明细"]
    headers = [c.value for c in ws[1]]
    assert headers[:15] == ["章", "条款编号", "要求", "分值", "否决项", "评估结果", "得分", "不适用理由", "说明",
                            "证据文件", "整改措施", "责任人", "资金（万元）", "整改时限", "整改状态"]
    col = {h: i for i, h in enumerate(headers)}
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(report.items) == 7
    by_number = {row[col["条款编号"]].value: row for row in rows}
    assert list(by_number) == [i.number for i in report.items]

    note = by_number["4.1"][col["说明"]]
    assert note.value == FORMULA_NOTE and note.data_type == "s"  # text, never a formula
    assert by_number["4.1"][col["证据文件"]].value == "双重预防制度.pdf、发文通知.docx"
    assert by_number["4.2"][col["说明"]].value == "台账不全缺少签字"

    partial = by_number["4.2"]
    for header, expected in (("分值", 4), ("得分", 2), ("资金（万元）", 2.5)):
        assert partial[col[header]].data_type == "n" and partial[col[header]].value == pytest.approx(expected)
    assert partial[col["整改时限"]].value == dt.datetime(2026, 3, 31)
    assert partial[col["整改状态"]].value == "整改中（已逾期）"
    assert by_number["5.3"][col["否决项"]].value == "是" and by_number["4.1"][col["否决项"]].value == "否"
    assert by_number["5.4"][col["不适用理由"]].value == "本企业无重大危险源"
    assert by_number["5.4"][col["得分"]].value is None
    assert by_number["6.2"][col["评估结果"]].value == "未评估"
    assert by_number["5.2.1"][col["核查退回意见"]].value == "请补充仓储区平面图"

    facts = {row[0].value: row[1].value for row in wb["概况"].iter_rows(min_row=2) if row[0].value}
    assert facts["企业名称"] == ENTERPRISE and facts["等级"] == "不达标"
    assert facts["得分"] == pytest.approx(86.5) and facts["提交日期"] == dt.datetime(2026, 4, 28)
    assert facts["否决项不符合"] == "5.3 重大风险管控" and facts["是否达到合格线"] == "未达到"
    assert facts["4 基础管理"] == 4 and facts["章"] == "得分"  # the chapter table below the facts
    rounds = list(wb["核查记录"].iter_rows(min_row=2, values_only=True))
    assert rounds[0][:3] == (1, dt.datetime(2026, 4, 10), 84) and rounds[0][6] == "仓储区风险点缺失，请补充"


def test_libreoffice_opens_the_docx(tmp_path: Path) -> None:
    pdf = docx_to_pdf(render_docx(make_report()))

    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())
    assert ENTERPRISE in flat and "对标自评估报告" in flat and "86.5" in flat

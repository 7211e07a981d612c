"""The register and the notification cards, written and read back: headers, rows, card texts."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from benchmarks import bands
from exports.notification_card import render_cards
from exports.practice_register import (
    render_check_list_docx,
    render_check_list_xlsx,
    render_risk_register_docx,
    render_risk_register_xlsx,
)
from tests.factories import World, make_check_item, make_risk_point


@pytest.fixture
def register(session: Session, world: World):
    lec = make_risk_point(
        session, world.ent_user, world.ent_zd, name="动火作业", kind="activity", location="全厂", post="动火作业人员",
        hazards="未办理动火作业票；未进行可燃气体分析", accident_types=["火灾", "其他爆炸"], consequences="火灾、爆炸",
        method="lec", inputs={"L": "3", "E": "6", "C": "15"},
        measures={"management": "执行动火作业许可制度\n动火前气体分析合格",
                  "monitoring": "便携式可燃气体检测仪全程监测",
                  "protection": "=HYPERLINK(\"http://evil.example\",\"x\")"},
        added_controls=[], responsible_unit="安全环保部", responsible_person="张伟")
    ls = make_risk_point(session, world.ent_user, world.ent_zd)
    item = make_check_item(session, world.ent_user, world.ent_zd, risk_point_id=ls.id)
    other = make_check_item(session, world.ent_user, world.ent_zd, content="安全生产责任制是否健全", basis="",
                            frequency="quarter", category="management", check_level="company")
    return [ls, lec], [item, other], bands.band_book(session, "CHEM")


def test_the_risk_list_workbook_has_the_form_columns_one_sheet_per_method(world: World, register) -> None:
    points, _items, book = register
    wb = load_workbook(io.BytesIO(render_risk_register_xlsx(world.ent_zd, points, book)))
    assert wb.sheetnames == ["风险分级管控清单（LS）", "风险分级管控清单（LEC）"]
    ws = wb["风险分级管控清单（LEC）"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "张店甲化工有限公司风险分级管控清单（作业条件危险性分析法（LEC））"
    assert rows[1] == ["序号", "区域/风险点", "类型", "危险因素或潜在事件", "主要后果/事故类型",
                       "现有控制措施", None, None, None, None, "风险评价", None, None, None,
                       "风险等级", "管控层级", "责任单位", "责任人"]
    assert rows[2][5:14] == ["工程技术", "管理措施", "培训教育", "个体防护", "应急处置", "L", "E", "C", "D"]
    assert rows[3] == [
        1, "全厂\n动火作业", "作业活动", "未办理动火作业票；未进行可燃气体分析", "火灾、爆炸\n事故类型：火灾、其他爆炸",
        "在线监测：便携式可燃气体检测仪全程监测", "1. 执行动火作业许可制度\n2. 动火前气体分析合格", None,
        "=HYPERLINK(\"http://evil.example\",\"x\")", None, "3", "6", "15", "270", "较大风险（橙）",
        "公司（厂）级、车间（部室）级、班组级、岗位级", "安全环保部", "张伟"]
    assert ws.cell(row=4, column=9).data_type == "s" and ws.cell(row=4, column=9).quotePrefix
    assert ws.cell(row=4, column=15).fill.fgColor.rgb.endswith("FF9900")
    assert rows[-1][0].startswith("注：作业条件危险性分析法（LEC），D = L × E × C；分级标准：重大风险 D > 320")
    ls_rows = [[c.value for c in row] for row in wb["风险分级管控清单（LS）"].iter_rows()]
    assert ls_rows[2][10:13] == ["L", "S", "R"] and ls_rows[3][10:15] == ["4", "3", "12", "一般风险（黄）",
                                                                         "车间（部室）级、班组级、岗位级"]


def test_the_check_list_workbook(world: World, register) -> None:
    _points, items, _book = register
    ws = load_workbook(io.BytesIO(render_check_list_xlsx(world.ent_zd, items))).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "张店甲化工有限公司隐患排查清单"
    assert rows[1] == ["序号", "排查内容", "排查依据", "排查频次", "类别", "排查层级", "关联风险点"]
    assert rows[2] == [1, "储罐液位高高报警及联锁是否完好投用", "GB 50160-2008 第 6.2 条", "每日", "现场类", "班组级",
                       "1#甲醇储罐"]
    assert rows[3] == [2, "安全生产责任制是否健全", None, "每季度", "基础管理类", "公司（厂）级", None]


def _table_texts(table) -> list[list[str]]:
    """Cell texts row by row, each merged cell once per grid column (as python-docx reads it)."""
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_risk_list_document_is_landscape_with_chinese_fonts(world: World, register) -> None:
    points, _items, book = register
    doc = Document(io.BytesIO(render_risk_register_docx(world.ent_zd, points, book, issued="2026年5月1日")))
    section = doc.sections[0]
    assert section.page_width > section.page_height
    assert doc.paragraphs[0].text == "张店甲化工有限公司\n风险分级管控清单"
    assert "编制日期：2026年5月1日" in doc.paragraphs[1].text
    assert "共 2 个风险点：重大风险 0 个、较大风险 1 个、一般风险 1 个、低风险 0 个" in doc.paragraphs[1].text
    fonts = doc.paragraphs[0].runs[0]._r.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "黑体"
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    ls_table, lec_table = doc.tables
    texts = _table_texts(lec_table)
    assert texts[0][:6] == ["序号", "区域/风险点", "类型", "危险因素或潜在事件", "主要后果/事故类型", "现有控制措施"]
    assert texts[1][5:14] == ["工程技术", "管理措施", "培训教育", "个体防护", "应急处置", "L", "E", "C", "D"]
    assert texts[2][:3] == ["1", "全厂\n动火作业", "作业活动"] and texts[2][13:16] == ["270", "较大风险（橙）",
                                                                                     "公司（厂）级、车间（部室）级、班组级、岗位级"]
    assert _table_texts(ls_table)[1][10:13] == ["L", "S", "R"]
    assert lec_table._tbl.xpath("./w:tr[1]/w:trPr/w:tblHeader")  # the header repeats on every page
    shading = lec_table.rows[2].cells[14]._tc.xpath("./w:tcPr/w:shd/@w:fill")
    assert shading == ["FF9900"]


def test_the_check_list_document(world: World, register) -> None:
    _points, items, _book = register
    doc = Document(io.BytesIO(render_check_list_docx(world.ent_zd, items)))
    assert doc.sections[0].page_width < doc.sections[0].page_height
    texts = _table_texts(doc.tables[0])
    assert texts[0] == ["序号", "排查内容", "排查依据", "排查频次", "类别", "排查层级", "关联风险点"]
    assert texts[2] == ["2", "安全生产责任制是否健全", "", "每季度", "基础管理类", "公司（厂）级", ""]
    assert "共 2 项：现场类 1 项、基础管理类 1 项" in doc.paragraphs[1].text


def test_one_card_per_risk_point_with_everything_the_post_needs(world: World, register) -> None:
    points, _items, _book = register
    doc = Document(io.BytesIO(render_cards(world.ent_zd, points)))
    assert len(doc.tables) == 2
    card = _table_texts(doc.tables[1])
    assert card[0][0] == "岗位安全风险告知卡" and card[1][0] == "张店甲化工有限公司"
    lines = {row[0]: row[1] for row in card[2:]}
    assert lines["风险等级"] == "较大风险（橙色）"
    assert lines["岗位/风险点"] == "动火作业人员／动火作业"
    assert lines["主要危险因素"] == "未办理动火作业票；未进行可燃气体分析"
    assert lines["可能导致的后果"] == "火灾、爆炸\n事故类型：火灾、其他爆炸"
    assert lines["管控措施"] == ("管理措施：执行动火作业许可制度；动火前气体分析合格\n"
                             "个体防护措施：=HYPERLINK(\"http://evil.example\",\"x\")\n"
                             "在线监测：便携式可燃气体检测仪全程监测")
    assert lines["管控层级"] == "公司（厂）级、车间（部室）级、班组级、岗位级\n责任单位：安全环保部　责任人：张伟"
    assert lines["报告电话"] == "0533-6180119\n火警 119　急救 120"
    first = {row[0]: row[1] for row in _table_texts(doc.tables[0])[2:]}
    assert first["应急措施"] == "立即关闭进料阀，启动泡沫灭火系统，报告值班长"
    assert first["报告电话"] == "0533-6180119\n火警 119　急救 120"
    title = doc.tables[0].rows[0].cells[0]._tc
    assert title.xpath("./w:tcPr/w:shd/@w:fill") == ["FFFF00"]  # a 一般风险 card is titled on yellow
    assert doc.tables[0]._tbl.xpath("./w:tblPr/w:tblBorders/w:top/@w:sz") == ["24"]  # the heavy frame
    breaks = doc.element.body.xpath(".//w:br[@w:type='page']")
    assert len(breaks) == 1  # two cards, two pages

"""A standard rendered as a GB/T 1.1-2020 DOCX, opened again with python-docx and read the
way a reader of a DB37/T standard reads it: the cover top to bottom, the 目次 field, the
前言 sentences, numbered headings, lists, notes, tables and annexes, headers, page numbers
and fonts."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlalchemy.orm import Session

from exports.standard_docx import Imprint, imprint_for_draft, render_standard
from exports.standard_docx.imprint import PATENT_DISCLOSURE
from standards.models import AnnexType, ClauseKind, Stage, StandardVersion
from standards.versions import freeze, working_draft
from tests.factories import World, add_clause, make_project

K = ClauseKind
NUMBER = "DB37/T 4321—2025"
TITLE = "化工企业风险分级管控实施指南"
PUBLISHED = Imprint(number=NUMBER, ics="13.100", ccs="C 65", filing_number="81234-2025",
                    issued_on=dt.date(2025, 6, 20), effective_on=dt.date(2025, 7, 20))
REPLACING = Imprint(number=NUMBER, ics="13.100", ccs="C 65", issued_on=dt.date(2025, 6, 20),
                    effective_on=dt.date(2025, 7, 20),
                    replaces=(("DB37/T 3010—2017", "化工企业生产安全事故隐患排查治理体系细则"),),
                    changes="增加了风险点排查台账的内容（见4.1）；\n更改了危险源辨识的范围。")


@pytest.fixture
def version(session: Session, world: World) -> StandardVersion:
    """A small but complete text: an 引言, chapters with terms, clauses, lists, notes, an
    example and a table, a normative and an informative annex with tables."""
    project = make_project(session, world, title=TITLE)
    project.english_title = "Implementation guide for risk classification and control of chemical enterprises"
    project.proposer, project.responsible_body = "山东省应急管理厅", "山东安全生产标准化技术委员会"
    project.drafting_units, project.drafters = "山东省安全生产标准化技术委员会\n张店甲化工有限公司", "刘明远、王海涛"
    draft = working_draft(session, project)
    add_clause(session, draft, K.PARAGRAPH, body="为总结标杆企业的做法，制定本文件。")
    add_clause(session, draft, K.CHAPTER, None, "范围", "本文件规定了化工企业风险分级管控的要求。")
    refs = add_clause(session, draft, K.CHAPTER, None, "规范性引用文件", "下列文件……构成本文件必不可少的条款。")
    add_clause(session, draft, K.PARAGRAPH, refs, body="DB37/T 2882—2016　安全生产风险分级管控体系通则")
    terms = add_clause(session, draft, K.CHAPTER, None, "术语和定义", "下列术语和定义适用于本文件。")
    risk = add_clause(session, draft, K.TERM, terms, "风险", "生产安全事故或健康损害事件发生的可能性和严重性的组合。")
    add_clause(session, draft, K.NOTE, risk, body="风险＝可能性×严重性。")
    basics = add_clause(session, draft, K.CHAPTER, None, "基本要求")
    organisation = add_clause(session, draft, K.CLAUSE, basics, "组织机构",
                              "企业**必须**成立风险分级管控工作机构。  \n机构由主要负责人牵头。")
    untitled = add_clause(session, draft, K.CLAUSE, organisation, body="工作机构应每季度至少召开一次会议。")
    add_clause(session, draft, K.LIST_ITEM, untitled, body="研究重大风险管控措施；")
    second = add_clause(session, draft, K.LIST_ITEM, untitled, body="部署风险辨识工作：")
    add_clause(session, draft, K.LIST_ITEM, second, body="年度辨识；")
    add_clause(session, draft, K.NOTE, untitled, body="会议纪要保存不少于三年。")
    add_clause(session, draft, K.NOTE, untitled, body="可与安全生产委员会会议合并召开。")
    add_clause(session, draft, K.EXAMPLE, untitled, body="第一季度会议研究储罐区风险。")
    add_clause(session, draft, K.TABLE, basics, "风险等级", "| 等级 | 颜色 | 说明 |\n|---|---|---|\n| 重大 | 红 | |")
    annex_a = add_clause(session, draft, K.ANNEX, None, "风险评价方法", annex_type=AnnexType.NORMATIVE)
    ls = add_clause(session, draft, K.CLAUSE, annex_a, "风险矩阵分析法", "风险值 R＝L×S。")
    add_clause(session, draft, K.TABLE, ls, "可能性（L）取值", "| 分值 | 判定准则 |\n|---|---|\n| 5 | 每月发生 |")
    annex_b = add_clause(session, draft, K.ANNEX, None, "风险分级管控清单", annex_type=AnnexType.INFORMATIVE)
    add_clause(session, draft, K.TABLE, annex_b, "风险分级管控清单", "| 序号 | 风险点 |\n|---|---|\n| 1 | 液氯储罐区 |")
    session.refresh(draft)
    return draft


def _open(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def _sections(doc: DocumentObject) -> list[list[Paragraph | Table]]:
    """The body's paragraphs and tables, cut where each section ends (a ``w:sectPr``)."""
    parts: list[list[Paragraph | Table]] = [[]]
    for item in doc.iter_inner_content():
        parts[-1].append(item)
        if isinstance(item, Paragraph) and item._p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            parts.append([])
    return parts


def _texts(items: list[Paragraph | Table]) -> list[str]:
    return [item.text for item in items if isinstance(item, Paragraph) and item.text.strip()]


def _last(texts: list[str], text: str) -> int:
    return len(texts) - 1 - texts[::-1].index(text)


def _between(texts: list[str], start: str, stop: str | None) -> list[str]:
    """The texts after the last ``start`` up to the last ``stop`` (past the 目次's entries)."""
    begin = _last(texts, start) + 1
    return texts[begin:_last(texts, stop)] if stop else texts[begin:]


def _styled(doc: DocumentObject, *style_ids: str) -> Iterator[Paragraph]:
    for paragraph in doc.paragraphs:
        if paragraph._p.style in style_ids:
            yield paragraph


def test_the_cover_lists_the_imprint_top_to_bottom_as_on_a_db37_standard(version) -> None:
    doc = _open(render_standard(version, PUBLISHED))

    assert _texts(_sections(doc)[0]) == [
        "ICS 13.100", "CCS C 65", "备案号：81234-2025", "DB37", "山东省地方标准", NUMBER, TITLE,
        "Implementation guide for risk classification and control of chemical enterprises",
        "2025-06-20 发布\t2025-07-20 实施", "山东省市场监督管理局　发布",
    ]
    title = next(_styled(doc, "BgCoverTitle"))
    assert title.style.font.size.pt == 26 and title.alignment is None
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_a_replacing_standard_names_what_it_replaces_under_its_number(version) -> None:
    cover = _texts(_sections(_open(render_standard(version, REPLACING)))[0])

    assert cover[cover.index(NUMBER) + 1] == "代替 DB37/T 3010—2017"
    assert "备案号" not in "".join(cover)  # none given: none shown


def test_a_draft_shows_its_stage_the_patent_notice_and_placeholders_on_its_cover(session, world, version) -> None:
    frozen = freeze(session, world.zhangdian, version.project, Stage.CONSULTATION)
    imprint = imprint_for_draft(frozen)
    cover = _texts(_sections(_open(render_standard(frozen, imprint)))[0])

    assert imprint.stage_document == "征求意见稿"
    assert cover[cover.index("山东省地方标准") + 1] == "DB37/T XXXX—XXXX"
    assert cover[cover.index(TITLE) + 2:cover.index(TITLE) + 4] == ["（征求意见稿）", PATENT_DISCLOSURE]
    assert "XXXX-XX-XX 发布\tXXXX-XX-XX 实施" in cover
    published = _texts(_sections(_open(render_standard(version, PUBLISHED)))[0])
    assert PATENT_DISCLOSURE not in published and "（征求意见稿）" not in published


def test_the_foreword_of_a_first_edition_has_the_standard_sentences_in_order(version) -> None:
    front = _texts(_sections(_open(render_standard(version, PUBLISHED)))[1])

    assert _between(front, "前言", "引言") == [
        "本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。",
        "请注意本文件的某些内容可能涉及专利。本文件的发布机构不承担识别专利的责任。",
        "本文件由山东省应急管理厅提出。",
        "本文件由山东安全生产标准化技术委员会归口。",
        "本文件起草单位：山东省安全生产标准化技术委员会、张店甲化工有限公司。",
        "本文件主要起草人：刘明远、王海涛。",
        "本文件为首次发布。",
    ]


def test_the_foreword_of_a_revision_states_what_it_replaces_its_changes_and_history(version) -> None:
    front = _texts(_sections(_open(render_standard(version, REPLACING)))[1])

    assert _between(front, "前言", "引言") == [
        "本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。",
        "本文件代替DB37/T 3010—2017《化工企业生产安全事故隐患排查治理体系细则》，与DB37/T 3010—2017相比，"
        "除结构调整和编辑性改动外，主要技术变化如下：",
        "——增加了风险点排查台账的内容（见4.1）；",
        "——更改了危险源辨识的范围。",
        "请注意本文件的某些内容可能涉及专利。本文件的发布机构不承担识别专利的责任。",
        "本文件由山东省应急管理厅提出。",
        "本文件由山东安全生产标准化技术委员会归口。",
        "本文件起草单位：山东省安全生产标准化技术委员会、张店甲化工有限公司。",
        "本文件主要起草人：刘明远、王海涛。",
        "本文件及其所代替文件的历次版本发布情况为：",
        "——2017年首次发布为DB37/T 3010—2017；",
        "——本次为第一次修订。",
    ]


def test_the_front_matter_has_a_table_of_contents_field_that_word_refreshes_on_opening(version) -> None:
    doc = _open(render_standard(version, PUBLISHED))
    front = _sections(doc)[1]

    assert _texts(front)[0] == "目次"
    instructions = [t.text for t in doc.element.body.iter(qn("w:instrText"))]
    assert ' TOC \\o "1-2" \\h \\z \\u ' in instructions
    update = doc.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    entries = [p.text for p in _styled(doc, "TOC1", "TOC2")]
    assert entries == ["前言", "引言", "1　范围", "2　规范性引用文件", "3　术语和定义", "4　基本要求", "4.1　组织机构",
                       "附录A（规范性）　风险评价方法", "A.1　风险矩阵分析法", "附录B（资料性）　风险分级管控清单"]


def test_the_introduction_is_the_text_before_chapter_one_and_chapters_keep_their_numbers(version) -> None:
    doc = _open(render_standard(version, PUBLISHED))
    front, body = _texts(_sections(doc)[1]), _texts(_sections(doc)[2])

    assert _between(front, "引言", None) == ["为总结标杆企业的做法，制定本文件。"]
    assert body[:2] == [TITLE, "1　范围"]
    assert "为总结标杆企业的做法，制定本文件。" not in body


def test_body_headings_are_numbered_from_position_in_heiti(version) -> None:
    doc = _open(render_standard(version, PUBLISHED))
    headings = [(p._p.style, p.text) for p in _styled(doc, *(f"Heading{n}" for n in range(1, 7)))]

    assert headings == [("Heading1", "1　范围"), ("Heading1", "2　规范性引用文件"), ("Heading1", "3　术语和定义"),
                        ("Heading1", "4　基本要求"), ("Heading2", "4.1　组织机构"), ("Heading2", "A.1　风险矩阵分析法")]
    body = _texts(_sections(doc)[2])
    assert "4.1.1　工作机构应每季度至少召开一次会议。" in body  # an untitled clause opens with its number
    assert body[body.index("3　术语和定义") + 2:body.index("3　术语和定义") + 5] == [
        "3.1", "风险", "生产安全事故或健康损害事件发生的可能性和严重性的组合。"]


def test_lists_notes_and_examples_carry_their_labels_with_hanging_indents(version) -> None:
    doc = _open(render_standard(version, PUBLISHED))
    body = _texts(_sections(doc)[2])

    start = body.index("4.1.1　工作机构应每季度至少召开一次会议。")
    assert body[start + 1:start + 7] == ["a)\t研究重大风险管控措施；", "b)\t部署风险辨识工作：", "1)\t年度辨识；",
                                         "注1：会议纪要保存不少于三年。", "注2：可与安全生产委员会会议合并召开。",
                                         "示例：第一季度会议研究储罐区风险。"]
    assert "注：风险＝可能性×严重性。" in body
    first, nested = next(_styled(doc, "BgList1")), next(_styled(doc, "BgList2"))
    assert first.style.paragraph_format.first_line_indent < 0  # hanging
    assert nested.style.paragraph_format.left_indent > first.style.paragraph_format.left_indent
    note = next(p for p in _styled(doc, "BgNote") if p.text.startswith("注1："))
    assert note.style.font.size.pt == 9 and note.paragraph_format.first_line_indent < 0
    label = note.runs[0]
    assert label.text == "注1：" and label._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_markdown_emphasis_and_line_breaks_become_runs_not_asterisks(version) -> None:
    doc = _open(render_standard(version, PUBLISHED))
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("企业必须成立"))

    assert paragraph.text == "企业必须成立风险分级管控工作机构。\n机构由主要负责人牵头。"
    assert [r.text for r in paragraph.runs if r.bold] == ["必须"]
    assert "**" not in "".join(p.text for p in doc.paragraphs)


def test_tables_have_their_number_and_title_centred_above_and_a_dash_in_empty_cells(version) -> None:
    doc = _open(render_standard(version, PUBLISHED))
    body = doc.element.body
    titles = [tbl.getprevious() for tbl in body.iter(qn("w:tbl"))]

    assert [Paragraph(p, doc).text for p in titles] == ["表1　风险等级", "表A.1　可能性（L）取值",
                                                         "表B.1　风险分级管控清单"]
    for p in titles:
        assert Paragraph(p, doc).style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    first = doc.tables[0]
    assert [c.text for c in first.rows[0].cells] == ["等级", "颜色", "说明"]
    assert [c.text for c in first.rows[1].cells] == ["重大", "红", "—"]
    assert first.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page


def test_each_annex_starts_a_new_page_with_three_centred_lines(version) -> None:
    doc = _open(render_standard(version, PUBLISHED))
    annexes = list(_styled(doc, "BgAnnex"))

    assert [p.text for p in annexes] == ["附录A\n（规范性）\n风险评价方法", "附录B\n（资料性）\n风险分级管控清单"]
    for annex in annexes:
        assert annex.style.paragraph_format.page_break_before
        assert annex.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert annex.style.font.size.pt == 10.5


def test_headers_carry_the_number_and_pages_are_numbered_roman_then_arabic(version) -> None:
    doc = _open(render_standard(version, PUBLISHED))
    cover, front, body = doc.sections[0], doc.sections[1], doc.sections[2]

    assert cover.header.is_linked_to_previous and cover.footer.is_linked_to_previous  # first section: none
    assert doc.settings.odd_and_even_pages_header_footer
    assert [p.text for p in front.header.paragraphs] == [NUMBER]
    assert [p.text for p in front.even_page_header.paragraphs] == [NUMBER]
    assert front.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert front.even_page_header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert body.header.is_linked_to_previous and body.footer.is_linked_to_previous
    page_fields = [t.text for t in front.footer._element.iter(qn("w:instrText"))]
    assert page_fields == [" PAGE "]

    def page_numbers(section) -> tuple[str | None, str | None]:
        found = section._sectPr.find(qn("w:pgNumType"))
        return (found.get(qn("w:fmt")), found.get(qn("w:start"))) if found is not None else (None, None)

    assert [page_numbers(s) for s in doc.sections] == [(None, None), ("upperRoman", "1"), ("decimal", "1")]
    assert all(s.page_width.mm == pytest.approx(210, abs=0.1) and s.page_height.mm == pytest.approx(297, abs=0.1)
               for s in doc.sections)  # A4


def test_every_style_used_names_its_chinese_font_and_size(version) -> None:
    doc = _open(render_standard(version, PUBLISHED))
    paragraphs = [*doc.paragraphs, *(p for t in doc.tables for c in t._cells for p in c.paragraphs)]
    used = {p._p.style or "Normal" for p in paragraphs}  # a section's closing paragraph has no style
    styles = {s.style_id: s for s in doc.styles}
    expected = {"BgBody": ("宋体", 10.5), "BgClause": ("宋体", 10.5), "Heading1": ("黑体", 10.5),
                "Heading2": ("黑体", 10.5), "BgFrontTitle": ("黑体", 16), "BgTocTitle": ("黑体", 16),
                "BgStdTitle": ("黑体", 16), "BgAnnex": ("黑体", 10.5), "BgNote": ("宋体", 9), "BgExample": ("宋体", 9),
                "BgTableTitle": ("黑体", 10.5), "BgTableText": ("宋体", 9), "BgTableHead": ("宋体", 9),
                "BgCoverTitle": ("黑体", 26), "BgCoverNumber": ("黑体", 14), "BgCoverCode": ("黑体", 10.5),
                "BgList1": ("宋体", 10.5), "BgTermName": ("黑体", 10.5)}

    assert set(expected) <= used
    for style_id in used:
        style = styles[style_id]
        fonts = style.element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体"), style_id
        assert fonts.get(qn("w:ascii")) == "Times New Roman", style_id
        assert not any(fonts.get(qn(a)) for a in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme")), style_id
        if style_id in expected:
            assert (fonts.get(qn("w:eastAsia")), style.font.size.pt) == expected[style_id], style_id
    heading = styles["Heading1"]
    assert str(heading.font.color.rgb) == "000000" and heading.font.bold is False


def test_an_annex_with_a_wide_table_is_laid_out_landscape_and_the_page_numbers_run_on(session, version) -> None:
    annex = next(c for c in version.clauses if c.kind == K.ANNEX and c.annex_type == AnnexType.INFORMATIVE)
    columns = [f"列{n}" for n in range(1, 11)]
    add_clause(session, version, K.TABLE, annex, "风险分级管控清单（全表）",
               "| " + " | ".join(columns) + " |\n|" + "---|" * 10 + "\n| " + " | ".join("x" * 10) + " |")
    session.refresh(version)
    doc = _open(render_standard(version, PUBLISHED))

    orientations = [(s.page_width > s.page_height) for s in doc.sections]
    assert orientations == [False, False, False, True]  # cover, front, body with annex A, annex B
    assert [s._sectPr.find(qn("w:pgNumType")) is not None for s in doc.sections] == [False, True, True, False]
    assert all(s.header.is_linked_to_previous for s in doc.sections[2:])


def test_the_renderer_reads_only_the_loaded_version_and_project(session, version) -> None:
    """Pure: once the tree and the project are loaded, the session can go — nothing else is queried."""
    assert version.clauses and version.project.title
    session.expunge_all()

    doc = _open(render_standard(version, PUBLISHED))
    assert TITLE in _texts(_sections(doc)[2])


def test_odd_bodies_render_as_text_never_as_markup_or_an_error(session, version) -> None:
    chapter = next(c for c in version.clauses if c.title == "范围")
    add_clause(session, version, K.PARAGRAPH, chapter,
               body="控制字符\x01保留 &lt;文字&gt; 与 <script>alert(1)</script>")
    add_clause(session, version, K.PARAGRAPH, chapter, body="第一行\n第二行 with *em* and m<sup>3</sup>\n\n- 甲\n- 乙")
    add_clause(session, version, K.TABLE, chapter, "不是表格", body="这只是一段文字，不是 Markdown 表格。")
    add_clause(session, version, K.TABLE, chapter, "参差的表格",
               body="| 甲 | 乙 | 丙 |\n|---|---|---|\n| 1 |\n| 2 | 3 | 4 | 5 |")
    session.refresh(version)
    doc = _open(render_standard(version, PUBLISHED))
    body = _texts(_sections(doc)[2])

    assert "控制字符保留 <文字> 与" in body and not any("script" in t or "alert" in t for t in body)
    assert "第一行第二行 with em and m3" in body  # soft break joined; emphasis and superscript are runs
    assert body[body.index("第一行第二行 with em and m3") + 1:][:2] == ["——甲", "——乙"]
    assert body[body.index("表1　不是表格") + 1] == "这只是一段文字，不是 Markdown 表格。"  # shown as text
    assert "表2　参差的表格" in body and "表3　风险等级" in body  # numbered through the body
    ragged = doc.tables[0]
    assert [[c.text for c in row.cells] for row in ragged.rows] == [["甲", "乙", "丙", "—"], ["1", "—", "—", "—"],
                                                                     ["2", "3", "4", "5"]]


def test_an_empty_text_still_renders_a_cover_front_matter_and_body(session, world) -> None:
    project = make_project(session, world, title="尚无条文的标准")
    doc = _open(render_standard(working_draft(session, project), imprint_for_draft(working_draft(session, project))))

    assert [_texts(part)[:1] for part in _sections(doc)] == [["ICS "], ["目次"], ["尚无条文的标准"]]

"""The review's two documents as DOCX: the 意见汇总处理表 and the 审查会会议纪要.

Pure functions from domain objects to bytes — no session, no Flask. The comment table
follows the national form (cn-standards.md §3.3: 序号 | 章条编号 | 意见内容 | 提出单位 |
处理意见 | 备注, with the counts above it) on A4 landscape, its header row repeated on
every page; the minutes list the panel with their units, the tally, the conclusion and
each expert's opinion. Chinese text is set in 宋体, headings and table heads in 黑体
(the ``w:eastAsia`` font, with the template's theme fonts removed so they cannot override
it); tables are built as one ``w:tbl`` with lxml rather than cell by cell (perf-notes §1).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from core.db import cn_date
from core.people import User
from standards.models import Comment, ReviewRound, RoundKind, VoteChoice
from standards.review import count_comments
from standards.workflow import Tally

SONG, HEI, LATIN = "宋体", "黑体", "Times New Roman"
THEME_ATTRIBUTES = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")
COMMENT_COLUMNS = (("序号", 1.2), ("章条编号", 2.3), ("意见内容", 9.0), ("提出单位/人", 4.2), ("处理意见", 6.0),
                   ("备注", 2.5))
PANEL_COLUMNS = (("序号", 1.4), ("姓名", 2.6), ("单位", 6.0), ("表决意见", 2.6), ("签字", 3.4))
CM_TWIPS = 567  # twentieths of a point per centimetre


def _fonts(rpr: Any, east_asia: str = SONG, size: float | None = None, bold: bool = False) -> None:
    """Latin and East Asian fonts on a run's (or a style's) properties, theme fonts removed."""
    fonts = rpr.get_or_add_rFonts()
    for name in THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(name), None)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)
    if bold:
        rpr.append(OxmlElement("w:b"))
    if size is not None:
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), str(int(size * 2)))
        rpr.append(sz)


def _document(landscape: bool) -> DocxDocument:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5 if landscape else 12)
    _fonts(normal.element.get_or_add_rPr())
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    section = doc.sections[0]
    section.page_width, section.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Cm(2.0 if landscape else 2.5)
    section.top_margin = section.bottom_margin = Cm(2.0 if landscape else 2.5)
    _page_footer(doc)
    return doc


def _field(paragraph: Any, instruction: str) -> None:
    """A complex field (PAGE, NUMPAGES) with a cached "1" until the word processor updates it."""
    for part in ("begin", "instr", "separate", "cached", "end"):
        run = paragraph.add_run()
        if part == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        elif part == "cached":
            run.text = "1"
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), part)
            run._r.append(char)


def _page_footer(doc: DocxDocument) -> None:
    """第 N 页 共 M 页, filled in by the reader's word processor."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" 页 共 ")
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")


def _line(doc: DocxDocument, text: str, *, font: str = SONG, size: float | None = None, bold: bool = False,
          center: bool = False, indent: bool = False, after: float = 4) -> None:
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(24)
    run = paragraph.add_run(text)
    _fonts(run._r.get_or_add_rPr(), font, size, bold)
    if font == HEI:
        run.font.color.rgb = RGBColor(0, 0, 0)


def _cell(row: Any, text: str, width: float, head: bool, centred: bool = False) -> None:
    tc = OxmlElement("w:tc")
    tc_pr = OxmlElement("w:tcPr")
    tc_w = OxmlElement("w:tcW")
    tc_w.set(qn("w:w"), str(int(width * CM_TWIPS)))
    tc_w.set(qn("w:type"), "dxa")
    tc_pr.append(tc_w)
    v_align = OxmlElement("w:vAlign")
    v_align.set(qn("w:val"), "center" if head or centred else "top")
    tc_pr.append(v_align)
    tc.append(tc_pr)
    for line in (text or "").split("\n"):
        p = OxmlElement("w:p")
        if head or centred:
            p_pr = OxmlElement("w:pPr")
            jc = OxmlElement("w:jc")
            jc.set(qn("w:val"), "center")
            p_pr.append(jc)
            p.append(p_pr)
        r = OxmlElement("w:r")
        r_pr = OxmlElement("w:rPr")
        _fonts(r_pr, HEI if head else SONG, None, False)
        r.append(r_pr)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = line
        r.append(t)
        p.append(r)
        tc.append(p)
    row.append(tc)


def _table(doc: DocxDocument, columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[str]]) -> None:
    """One bordered table ("Table Grid"), fixed column widths, its head repeated on each page."""
    tbl = OxmlElement("w:tbl")
    tbl_pr = OxmlElement("w:tblPr")
    style = OxmlElement("w:tblStyle")
    style.set(qn("w:val"), "TableGrid")
    tbl_w = OxmlElement("w:tblW")
    tbl_w.set(qn("w:w"), str(int(sum(w for _, w in columns) * CM_TWIPS)))
    tbl_w.set(qn("w:type"), "dxa")
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.extend([style, tbl_w, layout])
    grid = OxmlElement("w:tblGrid")
    for _, width in columns:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(int(width * CM_TWIPS)))
        grid.append(col)
    tbl.extend([tbl_pr, grid])
    for index, values in enumerate([[name for name, _ in columns], *rows]):
        tr = OxmlElement("w:tr")
        if index == 0:
            tr_pr = OxmlElement("w:trPr")
            tr_pr.append(OxmlElement("w:tblHeader"))
            tr.append(tr_pr)
        for column, ((_, width), value) in enumerate(zip(columns, values, strict=True)):
            _cell(tr, value, width, head=index == 0, centred=column == 0)  # 序号 centred
        tbl.append(tr)
    doc.element.body.sectPr.addprevious(tbl)


def _save(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _person(comment: Comment) -> str:
    unit = comment.author_unit or "评审专家"
    return f"{unit}\n{comment.author.display_name}"


def _disposition(comment: Comment) -> str:
    if comment.disposition is None:
        return "（尚未处理）"
    return comment.disposition.label + (f"：{comment.disposition_reason}" if comment.disposition_reason else "")


def _content(comment: Comment) -> str:
    return comment.text + (f"\n建议修改为：{comment.proposed_text}" if comment.proposed_text else "")


def comment_rows(comments: Sequence[Comment]) -> list[list[str]]:
    """The table's body: one row per comment, in the order given."""
    return [[str(i), c.clause_number if c.clause_key else "全文", _content(c), _person(c), _disposition(c),
             f"{c.kind.label}意见"] for i, c in enumerate(comments, start=1)]


def comment_table(review: ReviewRound, comments: Sequence[Comment], made_on: dt.date) -> bytes:
    """The 征求意见汇总处理表 of one consultation round (``comments`` in the table's order)."""
    project, counts = review.project, count_comments(comments)
    doc = _document(landscape=True)
    _line(doc, "标准征求意见稿意见汇总处理表", font=HEI, size=16, center=True, after=10)
    _line(doc, f"标准名称：{project.title}")
    until = f"至{cn_date(review.deadline)}" if review.deadline else ""
    closed = f"（{cn_date(review.closed_at.date())}结束）" if review.closed_at else "（进行中）"
    _line(doc, f"阶段：{review.version.stage.document}（第 {review.version.number} 版）    "
               f"征求意见时间：{cn_date(review.opened_at.date())}{until}{closed}")
    authors = {c.author_id for c in comments}
    _line(doc, f"发送征求意见稿的专家及单位数：{len(review.participants)}；提出意见的专家及单位数：{len(authors)}；"
               f"{counts.text}。", after=8)
    _table(doc, COMMENT_COLUMNS, comment_rows(comments))
    _line(doc, "")
    _line(doc, f"负责起草单位：{project.drafting_units.splitlines()[0] if project.drafting_units else '标准编写组'}"
               f"        填表日期：{cn_date(made_on)}")
    return _save(doc)


def _vote_label(meeting: ReviewRound, expert: User) -> str:
    vote = next((v for v in meeting.votes if v.expert_id == expert.id), None)
    return vote.choice.label if vote else "未表决"


def minutes(meeting: ReviewRound, panel: Sequence[User], counted: Tally) -> bytes:
    """The 审查会会议纪要: when and where, who attended (the panel, with units), the tally,
    the conclusion and each expert's opinion."""
    if meeting.kind != RoundKind.MEETING:
        raise ValueError("minutes are of a review meeting")
    project = meeting.project
    held = (meeting.closed_at or meeting.opened_at).date()
    doc = _document(landscape=False)
    _line(doc, f"《{project.title}》审查会会议纪要", font=HEI, size=16, center=True, after=12)
    _line(doc, f"会议时间：{cn_date(held)}")
    _line(doc, f"会议地点：{meeting.meeting_place or '（未填写）'}")
    _line(doc, f"审查对象：{project.title}（{meeting.version.stage.document}，第 {meeting.version.number} 版）")
    _line(doc, f"组织单位：{project.responsible_body}", after=8)
    _line(doc, f"本标准专家组共有专家 {counted.panel} 人，参加表决专家 {counted.cast} 人。", indent=True, after=8)
    _line(doc, "一、参加会议专家", font=HEI, size=12)
    _table(doc, PANEL_COLUMNS, [[str(i), u.display_name, u.affiliation or "—", _vote_label(meeting, u), ""]
                                for i, u in enumerate(panel, start=1)])  # the sheet the experts sign
    _line(doc, "")
    _line(doc, "二、表决情况", font=HEI, size=12)
    by = {c: sum(1 for v in meeting.votes if v.choice == c) for c in VoteChoice}
    _line(doc, f"{counted.text}。其中同意 {by[VoteChoice.AGREE]} 票，修改后同意 {by[VoteChoice.AGREE_WITH_CHANGES]} "
               f"票，不同意 {by[VoteChoice.DISAGREE]} 票。按“赞成票不少于实投票数的四分之三”的规则，"
               f"审查{'通过' if counted.passed else '未通过'}。", indent=True)
    _line(doc, "三、审查结论", font=HEI, size=12)
    if meeting.outcome is None:
        _line(doc, "（审查会尚未作出结论。）", indent=True)
    else:
        _line(doc, f"审查结论：{meeting.outcome.label}。", indent=True)
        for paragraph in meeting.conclusion.splitlines() or [""]:
            if paragraph.strip():
                _line(doc, paragraph, indent=True)
    _line(doc, "四、专家审查意见", font=HEI, size=12)
    for i, expert in enumerate(panel, start=1):
        vote = next((v for v in meeting.votes if v.expert_id == expert.id), None)
        said = f"{vote.choice.label}。{vote.opinion}" if vote else "未表决。"
        unit = f"（{expert.affiliation}）" if expert.affiliation else ""
        _line(doc, f"{i}. {expert.display_name}{unit}：{said}", indent=True)
    return _save(doc)

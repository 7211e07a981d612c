"""The one style set of a GB/T 1.1-2020 document, built once per process.

Sizes and faces follow 表F.1 (cn-standards.md §2.5): 五号 (10.5 pt) 宋体 body text,
五号黑体 chapter/clause headings, annex lines and table titles, 小五 (9 pt) for notes,
examples and table text, 三号 (16 pt) 黑体 for the 目次/前言/引言 titles and the title on
the first body page, 一号 (26 pt) 黑体 for the cover title, 四号 (14 pt) for the cover's
number and English title. Every style names its East Asian face (``w:eastAsia``) and
Times New Roman for Latin text, and the template's theme fonts are stripped — a theme
font attribute overrides an explicit name in Word and LibreOffice alike — so nothing
falls back to a Japanese or Latin face. Headings are black, never bold or italic
(黑体 is heavy already).

Chapters and annexes are outline level 1, first-level clauses level 2: the 目次 field
(``TOC \\o "1-2" \\u``) lists exactly those, plus the 前言 and 引言 titles.

Building the styles costs more than a small document, so :func:`template` makes the
document once and every render starts from a copy of its bytes.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.xmlchemy import BaseOxmlElement

from exports.standard_docx.ooxml import HEI, SONG, clark, el, fonts
from exports.standard_docx.pages import text_width

CHAR = 10.5  # one 五号 character, the unit of GB/T indents
TEXT_WIDTH = text_width()
THEME = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")


@dataclass(frozen=True)
class Style:
    """One paragraph style: id, the name Word shows, and its look."""

    id: str
    name: str
    east_asia: str = SONG
    size: float = 10.5
    based_on: str = "Normal"
    align: str = "both"
    outline: int | None = None  # 0 = level 1
    left: float = 0.0  # indent, points
    first: float = 0.0  # first-line indent (negative: hanging), points
    before: float = 0.0
    after: float = 0.0
    line: float | None = None  # exact line height, points (cover layout); None: single
    keep_next: bool = False
    page_break: bool = False
    spacing: float = 0.0  # extra space between characters, points (前　言)
    border_below: bool = False


def _heading(level: int) -> Style:
    return Style(f"Heading{level}", f"heading {level}", HEI, outline=level - 1, align="left", before=7.8,
                 after=7.8, keep_next=True)


STYLES: tuple[Style, ...] = (
    Style("Normal", "Normal", based_on=""),
    Style("BgBody", "标准文件_段", first=2 * CHAR),
    Style("BgClause", "标准文件_无标题条"),  # "4.2.1.1　text": the number opens the paragraph
    *(_heading(level) for level in range(1, 7)),
    Style("BgFrontTitle", "标准文件_前言、引言标题", HEI, 16, "Heading1", "center", 0, before=24, after=18,
          spacing=CHAR),
    Style("BgTocTitle", "标准文件_目次标题", HEI, 16, align="center", before=24, after=18, spacing=CHAR),
    Style("BgStdTitle", "标准文件_正文首页标题", HEI, 16, align="center", before=12, after=24),
    Style("BgAnnex", "标准文件_附录标识", HEI, 10.5, "Heading1", "center", 0, before=12, after=18,
          keep_next=True, page_break=True),
    Style("BgTermNumber", "标准文件_术语条目编号", HEI, align="left", before=6, keep_next=True),
    Style("BgTermName", "标准文件_术语", HEI, align="left", first=2 * CHAR, keep_next=True),
    Style("BgList1", "标准文件_一级列项", left=4 * CHAR, first=-2 * CHAR),
    Style("BgList2", "标准文件_二级列项", left=6 * CHAR, first=-2 * CHAR),
    Style("BgList3", "标准文件_三级列项", left=8 * CHAR, first=-2 * CHAR),
    Style("BgDash", "标准文件_破折号列项", left=4 * CHAR, first=-2 * CHAR),
    Style("BgNote", "标准文件_注", SONG, 9, left=2 * CHAR + 27, first=-27),
    Style("BgExample", "标准文件_示例", SONG, 9, left=2 * CHAR + 36, first=-36),
    Style("BgTableTitle", "标准文件_表标题", HEI, align="center", before=6, after=6, keep_next=True),
    Style("BgTableText", "标准文件_表格", SONG, 9, align="left"),
    Style("BgTableHead", "标准文件_表头", SONG, 9, align="center"),
    Style("BgEnd", "标准文件_终结线", align="center", before=18, left=TEXT_WIDTH * 3 / 8, border_below=True),
    Style("TOC1", "toc 1", SONG, align="left", before=3),
    Style("TOC2", "toc 2", SONG, align="left", left=CHAR),
    Style("Header", "header", HEI, align="right"),
    Style("Footer", "footer", SONG, align="right"),
    # The cover (封面), exact line heights so its layout can be computed (cover.py).
    Style("BgCoverCode", "标准文件_封面代号", HEI, align="left", line=16),
    Style("BgCoverMark", "标准文件_封面标志", HEI, 36, align="right", line=48),
    Style("BgCoverLevel", "标准文件_封面层次", HEI, 30, align="center", line=42, after=2, spacing=4,
          border_below=True),
    Style("BgCoverNumber", "标准文件_封面编号", HEI, 14, align="right", line=20, before=4),
    Style("BgCoverReplace", "标准文件_封面代替", HEI, align="right", line=16),
    Style("BgCoverTitle", "标准文件_封面标准名称", HEI, 26, align="center", line=38),
    Style("BgCoverEnglish", "标准文件_封面英文名称", HEI, 14, align="center", line=20, before=12),
    Style("BgCoverStage", "标准文件_封面文稿阶段", SONG, 14, align="center", line=22, before=16),
    Style("BgCoverNotice", "标准文件_封面专利提示", SONG, 10.5, align="center", line=16, before=10),
    Style("BgCoverDates", "标准文件_封面日期", HEI, 14, align="left", line=22, border_below=True),
    Style("BgCoverIssuer", "标准文件_封面发布机构", HEI, 16, align="center", line=26, before=10),
)
COVER_DATES_TAB = TEXT_WIDTH  # right tab: "2020-08-20 发布 ⇥ 2020-09-20 实施"


def _style_element(style: Style) -> BaseOxmlElement:
    element = el("w:style", type="paragraph", styleId=style.id)
    if style.id == "Normal":
        element.set(clark("w:default"), "1")
    el("w:name", element, val=style.name)
    if style.based_on:
        el("w:basedOn", element, val=style.based_on)
    el("w:qFormat", element)
    ppr = el("w:pPr", element)
    if style.keep_next:
        el("w:keepNext", ppr)
        el("w:keepLines", ppr)
    if style.page_break:
        el("w:pageBreakBefore", ppr)
    if style.border_below:
        bdr = el("w:pBdr", ppr)
        el("w:bottom", bdr, val="single", sz="6", space="1", color="000000")
    if style.id == "BgCoverDates":
        tabs = el("w:tabs", ppr)
        el("w:tab", tabs, val="right", pos=str(round(COVER_DATES_TAB * 20)))
    spacing = el("w:spacing", ppr, before=str(round(style.before * 20)), after=str(round(style.after * 20)))
    if style.line is not None:
        spacing.set(clark("w:line"), str(round(style.line * 20)))
        spacing.set(clark("w:lineRule"), "exact")
    else:
        spacing.set(clark("w:line"), "240")
        spacing.set(clark("w:lineRule"), "auto")
    if style.left or style.first or style.id == "BgEnd":
        ind = el("w:ind", ppr, left=str(round(style.left * 20)))
        if style.id == "BgEnd":
            ind.set(clark("w:right"), str(round(style.left * 20)))
        if style.first < 0:
            ind.set(clark("w:hanging"), str(round(-style.first * 20)))
        elif style.first:
            ind.set(clark("w:firstLine"), str(round(style.first * 20)))
    el("w:jc", ppr, val=style.align)
    el("w:outlineLvl", ppr, val=str(style.outline if style.outline is not None else 9))
    rpr = el("w:rPr", element)
    fonts(rpr, style.east_asia)
    el("w:b", rpr, val="0")
    el("w:i", rpr, val="0")
    el("w:color", rpr, val="000000")
    if style.spacing:
        el("w:spacing", rpr, val=str(round(style.spacing * 20)))
    el("w:sz", rpr, val=str(round(style.size * 2)))
    el("w:szCs", rpr, val=str(round(style.size * 2)))
    el("w:lang", rpr, val="en-US", eastAsia="zh-CN")
    return element


def _defaults(doc: DocumentObject) -> None:
    """Document defaults without theme fonts: 宋体 / Times New Roman, Chinese language."""
    styles = doc.styles.element
    rpr = styles.find(f"{clark('w:docDefaults')}/{clark('w:rPrDefault')}/{clark('w:rPr')}")
    for child in list(rpr):
        rpr.remove(child)
    fonts(rpr, SONG)
    el("w:sz", rpr, val="21")
    el("w:szCs", rpr, val="21")
    el("w:lang", rpr, val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    ppr = styles.find(f"{clark('w:docDefaults')}/{clark('w:pPrDefault')}/{clark('w:pPr')}")
    for child in list(ppr):
        ppr.remove(child)
    el("w:spacing", ppr, after="0", line="240", lineRule="auto")
    for rfonts in styles.iter(clark("w:rFonts")):  # styles left as they were (tables, lists …)
        for name in THEME:
            rfonts.attrib.pop(clark(name), None)
        if rfonts.get(clark("w:eastAsia")) is None:
            rfonts.set(clark("w:eastAsia"), SONG)


def _settings(doc: DocumentObject) -> None:
    """Word refreshes the 目次 on opening (``w:updateFields``), odd and even pages get their own
    header and footer (the number and page number on the outside edge), Chinese theme language."""
    settings = doc.settings.element
    doc.settings.odd_and_even_pages_header_footer = True
    update = el("w:updateFields", val="true")
    anchor = next((settings.find(clark(t)) for t in ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr",
                                                       "w:compat", "w:docVars", "w:rsids")
                   if settings.find(clark(t)) is not None), None)
    if anchor is not None:
        anchor.addprevious(update)
    else:
        settings.append(update)
    lang = settings.find(clark("w:themeFontLang"))
    if lang is not None:
        lang.set(clark("w:eastAsia"), "zh-CN")


@functools.cache
def template() -> bytes:
    """The empty document with the style set, A4 portrait, saved once per process."""
    doc = Document()
    _defaults(doc)
    styles = doc.styles.element
    for style in STYLES:
        for old in styles.findall(clark("w:style")):
            if old.get(clark("w:styleId")) == style.id:
                styles.remove(old)
        styles.append(_style_element(style))
    _settings(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def new_document() -> DocumentObject:
    """A fresh document with the style set (a copy of :func:`template`)."""
    return Document(io.BytesIO(template()))

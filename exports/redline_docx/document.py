"""The whole redline document: styles in 宋体/黑体, the summary tables, then every entry."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from exports.redline_docx.builder import TABLE_HEADER, TABLE_TEXT, Builder
from exports.redline_docx.clauses import HEI, SONG, _clause, _where
from exports.redline_docx.tables import _same
from standards.redline import Op, Redline


def _style_fonts(doc: DocumentObject) -> None:
    """宋体 body, 黑体 headings in black: the theme fonts of the default template removed;
    two table styles (五号→小五 text, 黑体 header) so cells need no formatting of their own."""
    for style_id, name in ((TABLE_TEXT, "表格文字"), (TABLE_HEADER, "表头")):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = doc.styles["Normal"]
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
    for name, east_asia, size in (("Normal", SONG, 10.5), ("Heading 1", HEI, 12), ("Heading 2", HEI, 10.5),
                                  ("Heading 3", HEI, 10.5), ("Title", HEI, 16), ("表格文字", SONG, 9),
                                  ("表头", HEI, 9)):
        style = doc.styles[name]
        style.font.name = "Times New Roman"
        style.font.size = Pt(size)
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        rfonts.set(qn("w:eastAsia"), east_asia)
        if name not in ("Normal", "表格文字"):
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = True
            style.font.italic = False


def redline_docx(redline: Redline, title: str, author: str, when: dt.datetime) -> bytes:
    """The redline of ``redline`` as a DOCX with tracked changes by ``author`` dated ``when``."""
    doc = Document()
    _style_fonts(doc)
    b = Builder(doc, author or "起草组", when)
    b.text(f"《{title}》修订对照", "Title", "center")
    b.text(f"由 {redline.old_label} 至 {redline.new_label}", None, "center")
    counts = redline.counts
    b.text("一、变更统计", "Heading1")
    b.table([(Op.EQUAL, [_same(t, Op.EQUAL) for t in ("新增", "删除", "移动", "修改", "未变")]),
             (Op.EQUAL, [_same(str(n), Op.EQUAL) for n in (counts.added, counts.removed, counts.moved,
                                                           counts.changed, counts.unchanged)])])
    touched = redline.touched
    if touched:
        b.text("二、变更条款", "Heading1")
        b.table([(Op.EQUAL, [_same(t, Op.EQUAL) for t in ("序号", "章条编号", "类型", "变更", "说明")])] + [
            (Op.EQUAL, [_same(str(i), Op.EQUAL), _same(e.current.place or "—", Op.EQUAL),
                        _same(e.kind.label, Op.EQUAL), _same("、".join(e.labels), Op.EQUAL),
                        _same(_where(e), Op.EQUAL)])
            for i, e in enumerate(touched, start=1)])
    b.text("三、修订文本" if touched else "二、修订文本", "Heading1")
    b.text("插入的文字、删除的文字及整条增删均以修订标记显示，可在 Word 或 WPS 的“审阅”中逐条接受或拒绝；"
           "移动的条款附有批注说明原位置。", None, None, size=9, grey=True)
    for entry in redline.entries:
        _clause(b, entry)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

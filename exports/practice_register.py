"""An enterprise's register (一企一册): 风险分级管控清单 and 隐患排查清单, as XLSX and DOCX.

The column sets are those of the Shandong record forms (cn-standards.md §1.4): the risk list
has 区域/风险点, 类型, 危险因素或潜在事件, 主要后果/事故类型, 现有控制措施 split into the
five DB37/T 2882 types, the evaluation's factors and result, 风险等级, 管控层级, 责任单位 and
责任人; the check list has 排查内容, 排查依据, 排查频次, 类别, 排查层级, 关联风险点.

Each evaluation method gets its own table (its factors are its columns: L/S/R, L/E/C/D or
M/E/S/R), as enterprises keep separate lists per method. The notice's six measure types
have no column of their own on these forms, so each is written into the DB37/T column it
belongs to, prefixed with its own name (``在线监测：…`` under 工程技术), and nothing is lost.

Pure functions: domain objects in, bytes out. Workbook cells go through
:func:`exports.xlsx.append_row` (formula-safe); DOCX tables are built as XML in one go (the
cell-by-cell API is several times slower, perf-notes.md §1), with 宋体/黑体 set as the East
Asian fonts and A4 landscape for the wide risk list. The small DOCX toolkit here is shared
with :mod:`exports.notification_card`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from benchmarks.grading import FACTORS, Band, Method, RiskLevel
from benchmarks.models import MEASURE_LABELS, CheckItem, MeasureKind, RiskPoint
from core.enterprises import Enterprise
from exports.xlsx import append_row, workbook_bytes

# --- what goes in the columns ----------------------------------------------------------------

# The five columns of 现有控制措施, and where each of the notice's six types is written.
MEASURE_COLUMNS = (MeasureKind.ENGINEERING, MeasureKind.MANAGEMENT, MeasureKind.TRAINING,
                   MeasureKind.PROTECTION, MeasureKind.EMERGENCY)
COLUMN_OF = {
    MeasureKind.RULES: MeasureKind.MANAGEMENT, MeasureKind.PHYSICAL: MeasureKind.ENGINEERING,
    MeasureKind.MONITORING: MeasureKind.ENGINEERING, MeasureKind.VIDEO: MeasureKind.ENGINEERING,
    MeasureKind.AUTOMATION: MeasureKind.ENGINEERING, MeasureKind.EMERGENCY_MANAGEMENT: MeasureKind.EMERGENCY,
}
MEASURE_HEADERS = ("工程技术", "管理措施", "培训教育", "个体防护", "应急处置")
RESULT_LETTER = {Method.LS: "R", Method.LEC: "D", Method.MES: "R"}
RISK_LEADING = ("序号", "区域/风险点", "类型", "危险因素或潜在事件", "主要后果/事故类型")
RISK_TRAILING = ("风险等级", "管控层级", "责任单位", "责任人")
CHECK_HEADERS = ("序号", "排查内容", "排查依据", "排查频次", "类别", "排查层级", "关联风险点")
# Fill colours of the four levels (print-safe), and the text colour that reads on each.
LEVEL_FILL = {RiskLevel.MAJOR: "FF0000", RiskLevel.SERIOUS: "FF9900", RiskLevel.GENERAL: "FFFF00",
              RiskLevel.LOW: "0070C0"}
LEVEL_INK = {RiskLevel.MAJOR: "FFFFFF", RiskLevel.SERIOUS: "000000", RiskLevel.GENERAL: "000000",
             RiskLevel.LOW: "FFFFFF"}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def factor_headers(method: Method) -> tuple[str, ...]:
    """``("L", "E", "C", "D")``: a method's factor columns and its result's letter."""
    return (*(f.key for f in FACTORS[method]), RESULT_LETTER[method])


def risk_headers(method: Method) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two header rows of a method's risk list (the second names the split columns)."""
    factors = factor_headers(method)
    top = (*RISK_LEADING, *(["现有控制措施"] * 5), *(["风险评价"] * len(factors)), *RISK_TRAILING)
    sub = (*([""] * len(RISK_LEADING)), *MEASURE_HEADERS, *factors, *([""] * len(RISK_TRAILING)))
    return top, sub


def _plain(value: object) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def place(point: RiskPoint) -> str:
    """区域/风险点: the area and the point, one per line."""
    return f"{point.location}\n{point.name}" if point.location else point.name


def consequences(point: RiskPoint) -> str:
    """主要后果/事故类型: the consequences, then the GB 6441 accident types."""
    types = "事故类型：" + "、".join(point.accident_types) if point.accident_types else ""
    return "\n".join(part for part in (point.consequences, types) if part)


def measure_cells(point: RiskPoint) -> list[str]:
    """The five 现有控制措施 cells: numbered measures per column, the notice's types labelled."""
    cells: dict[MeasureKind, list[str]] = {kind: [] for kind in MEASURE_COLUMNS}
    for measure in point.measures:
        column = COLUMN_OF.get(measure.kind, measure.kind)
        label = f"{MEASURE_LABELS[measure.kind]}：" if measure.kind in COLUMN_OF else ""
        cells[column].append(label + measure.content)
    return ["\n".join(f"{n}. {text}" if len(texts) > 1 else text for n, text in enumerate(texts, start=1))
            for texts in cells.values()]


def level_text(point: RiskPoint) -> str:
    return f"{point.risk_level.label}（{point.risk_level.colour}）"


def risk_row(number: int, point: RiskPoint) -> list[str | int]:
    factors = [str(point.inputs.get(f.key, "")) for f in FACTORS[point.method]]
    return [number, place(point), point.kind.label, point.hazards, consequences(point), *measure_cells(point),
            *factors, _plain(point.result), level_text(point), "、".join(c.label for c in point.controls),
            point.responsible_unit, point.responsible_person]


def check_row(number: int, item: CheckItem) -> list[str | int]:
    return [number, item.content, item.basis, item.frequency.label, item.category.label, item.check_level.label,
            item.risk_point.name if item.risk_point is not None else ""]


def by_method(points: Sequence[RiskPoint]) -> list[tuple[Method, list[RiskPoint]]]:
    """The points of each method used, LS, LEC, MES in that order (an empty register: LS)."""
    groups = [(m, [p for p in points if p.method == m]) for m in Method]
    used = [(m, ps) for m, ps in groups if ps]
    return used or [(Method.LS, [])]


def band_note(method: Method, bands: Mapping[Method, Sequence[Band]] | None) -> str:
    if not bands or method not in bands:
        return ""
    parts = "、".join(f"{b.level.label} {RESULT_LETTER[method]} {b.text}" for b in sorted(
        bands[method], key=lambda b: b.level))
    return f"注：{method.label}，{method.formula}；分级标准：{parts}。"


def counts_line(points: Sequence[RiskPoint]) -> str:
    counts = {level: sum(1 for p in points if p.level == level) for level in RiskLevel}
    return f"共 {len(points)} 个风险点：" + "、".join(f"{lv.label} {n} 个" for lv, n in counts.items())


# --- XLSX ------------------------------------------------------------------------------------

THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.cell(row=1, column=1, value=text).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _header(ws: Worksheet, rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
    """Header rows from row 2; equal neighbours merge across, blanks below a label merge down."""
    first = 2
    for r, labels in enumerate(rows):
        for c, label in enumerate(labels, start=1):
            cell = ws.cell(row=first + r, column=c, value=label or None)
            cell.font, cell.fill, cell.alignment, cell.border = Font(bold=True), HEAD_FILL, CENTRE, GRID
    top = rows[0]
    c = 0
    while c < len(top):
        end = c
        while end + 1 < len(top) and top[end + 1] == top[c]:
            end += 1
        if end > c:
            ws.merge_cells(start_row=first, start_column=c + 1, end_row=first, end_column=end + 1)
        elif len(rows) > 1 and not rows[1][c]:
            ws.merge_cells(start_row=first, start_column=c + 1, end_row=first + len(rows) - 1, end_column=c + 1)
        c = end + 1
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"C{first + len(rows)}"  # a string: touching the cell would create an empty row


def _body(ws: Worksheet, rows: Sequence[Sequence[object]], level_column: int | None,
          levels: Sequence[RiskLevel] = ()) -> None:
    for number, values in enumerate(rows):
        append_row(ws, values)
        for cell in ws[ws.max_row]:
            cell.alignment, cell.border = WRAP, GRID
        if level_column is not None:
            level = levels[number]
            cell = ws.cell(row=ws.max_row, column=level_column)
            cell.fill = PatternFill("solid", fgColor=LEVEL_FILL[level])
            cell.font = Font(bold=True, color=LEVEL_INK[level])


RISK_WIDTHS = (6, 18, 10, 34, 22, 26, 26, 18, 18, 22)


def _risk_widths(method: Method) -> list[int]:
    factors = len(factor_headers(method))
    return [*RISK_WIDTHS[:5], *([24] * 5), *([6] * factors), 14, 22, 14, 10]


def render_risk_register_xlsx(enterprise: Enterprise, points: Sequence[RiskPoint],
                              bands: Mapping[Method, Sequence[Band]] | None = None) -> bytes:
    """风险分级管控清单 as a workbook: one sheet per evaluation method used."""
    wb = Workbook()
    wb.remove(wb.active)
    for method, group in by_method(points):
        ws = wb.create_sheet(f"风险分级管控清单（{method.name}）")
        top, sub = risk_headers(method)
        _title(ws, f"{enterprise.name}风险分级管控清单（{method.label}）", len(top))
        _header(ws, (top, sub), _risk_widths(method))
        _body(ws, [risk_row(n, p) for n, p in enumerate(group, start=1)], top.index("风险等级") + 1,
              [p.risk_level for p in group])
        if note := band_note(method, bands):
            append_row(ws, [])
            append_row(ws, [note])
    return workbook_bytes(wb)


def render_check_list_xlsx(enterprise: Enterprise, items: Sequence[CheckItem]) -> bytes:
    """隐患排查清单 as a workbook: one sheet, 现场类 and 基础管理类 told apart by 类别."""
    wb = Workbook()
    ws = wb.active
    ws.title = "隐患排查清单"
    _title(ws, f"{enterprise.name}隐患排查清单", len(CHECK_HEADERS))
    _header(ws, (CHECK_HEADERS,), (6, 50, 30, 10, 12, 14, 22))
    _body(ws, [check_row(n, item) for n, item in enumerate(items, start=1)], None)
    return workbook_bytes(wb)


# --- DOCX: a small toolkit --------------------------------------------------------------------

SONG, HEI, LATIN = "宋体", "黑体", "Times New Roman"
A4_SHORT, A4_LONG, MARGIN = 210, 297, 15  # millimetres
TWIPS_PER_MM = 1440 / 25.4


def set_font(font: object, east_asia: str = SONG, latin: str = LATIN) -> None:
    """Name both the Latin and the East Asian font, and drop theme fonts that would override them."""
    font.name = latin  # type: ignore[attr-defined]
    rpr = font.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def new_document(landscape: bool = False) -> DocxDocument:
    """An A4 document in 宋体 10.5 pt (landscape for wide lists), 15 mm margins."""
    doc = Document()
    normal = doc.styles["Normal"]
    set_font(normal.font)
    normal.font.size = Pt(10.5)
    lang = normal.element.get_or_add_rPr()
    lang.append(parse_xml(f'<w:lang {nsdecls("w")} w:eastAsia="zh-CN"/>'))
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(A4_LONG), Mm(A4_SHORT)
    else:
        section.page_width, section.page_height = Mm(A4_SHORT), Mm(A4_LONG)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN))
    return doc


def usable_width(landscape: bool) -> int:
    """The text width in twips."""
    return round(((A4_LONG if landscape else A4_SHORT) - 2 * MARGIN) * TWIPS_PER_MM)


def heading(doc: DocxDocument, text: str, size: float = 16, centred: bool = True, space_after: float = 6) -> None:
    """A line in 黑体 (titles and section heads), without Word's blue heading styles."""
    paragraph = doc.add_paragraph()
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(space_after)
    run = paragraph.add_run(text)
    set_font(run.font, HEI, LATIN)
    run.font.size = Pt(size)
    run.bold = True


def note(doc: DocxDocument, text: str, size: float = 9) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(4)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)


@dataclass(frozen=True)
class Cell:
    """One table cell: text (lines become paragraphs), how it spans, how it looks."""

    text: str = ""
    span: int = 1  # columns (gridSpan)
    merge: str | None = None  # "restart" / "continue": merged with the cells above or below
    fill: str | None = None  # background, hex
    ink: str | None = None  # text colour, hex
    bold: bool = False
    centred: bool = False
    size: float | None = None  # points; the table's size when None
    east_asia: str | None = None  # the table's font when None


def _run(text: str, cell: Cell, size: float, east_asia: str) -> str:
    props = [f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{cell.east_asia or east_asia}"/>']
    if cell.bold:
        props.append("<w:b/><w:bCs/>")
    if cell.ink:
        props.append(f'<w:color w:val="{cell.ink}"/>')
    half_points = round((cell.size or size) * 2)
    props.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    safe = escape(_XML_ILLEGAL.sub("", text))
    return f'<w:r><w:rPr>{"".join(props)}</w:rPr><w:t xml:space="preserve">{safe}</w:t></w:r>'


def _cell(cell: Cell, width: int, size: float, east_asia: str) -> str:
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if cell.span > 1:
        props.append(f'<w:gridSpan w:val="{cell.span}"/>')
    if cell.merge:
        props.append(f'<w:vMerge w:val="{cell.merge}"/>' if cell.merge == "restart" else "<w:vMerge/>")
    if cell.fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.fill}"/>')
    props.append('<w:vAlign w:val="center"/>' if cell.centred else '<w:vAlign w:val="top"/>')
    align = '<w:jc w:val="center"/>' if cell.centred else ""
    paragraphs = "".join(
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="260" w:lineRule="auto"/>{align}</w:pPr>'
        f'{_run(line, cell, size, east_asia) if line else ""}</w:p>'
        for line in (cell.text.split("\n") if cell.text else [""]))
    return f'<w:tc><w:tcPr>{"".join(props)}</w:tcPr>{paragraphs}</w:tc>'


def add_table(doc: DocxDocument, widths: Sequence[int], rows: Sequence[Sequence[Cell]], header_rows: int = 0,
              size: float = 9, east_asia: str = SONG, outer: int = 4, inner: int = 4,
              heights: Sequence[int | None] = (), padding: int = 0) -> None:
    """Append one bordered table built as XML at once; header rows repeat on every page.

    ``widths`` are the grid columns in twips; ``heights`` the rows' least heights in twips
    (they grow with their text); ``outer``/``inner`` the border weights in eighths of a
    point; ``padding`` the cells' top and bottom margin in twips. Cells carry their own
    spans, merges and shading."""
    borders = "".join(f'<w:{side} w:val="single" w:sz="{outer}" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right"))
    borders += "".join(f'<w:{side} w:val="single" w:sz="{inner}" w:space="0" w:color="000000"/>'
                       for side in ("insideH", "insideV"))
    xml = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
           f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
           f'<w:tblCellMar><w:top w:w="{padding}" w:type="dxa"/><w:left w:w="60" w:type="dxa"/>'
           f'<w:bottom w:w="{padding}" w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tblCellMar>'
           '</w:tblPr><w:tblGrid>']
    xml += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    xml.append("</w:tblGrid>")
    for index, row in enumerate(rows):
        height = heights[index] if index < len(heights) else None
        row_props = (f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>' if height else "") + (
            "<w:tblHeader/>" if index < header_rows else "")
        xml.append(f"<w:tr><w:trPr>{row_props}</w:trPr>" if row_props else "<w:tr>")
        column = 0
        for cell in row:
            xml.append(_cell(cell, sum(widths[column:column + cell.span]), size, east_asia))
            column += cell.span
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    doc.element.body._insert_tbl(parse_xml("".join(xml)))


def scaled(weights: Sequence[float], total: int) -> list[int]:
    """Column widths in twips, in proportion to ``weights``, adding up to ``total``."""
    whole = sum(weights)
    widths = [int(total * w / whole) for w in weights]
    widths[-1] += total - sum(widths)
    return widths


def document_bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- DOCX: the two lists ---------------------------------------------------------------------


def _header_cells(top: Sequence[str], sub: Sequence[str]) -> list[list[Cell]]:
    """Two header rows: the same label side by side becomes one spanning cell, a label with
    nothing below it is merged down."""
    first: list[Cell] = []
    second: list[Cell] = []
    c = 0
    while c < len(top):
        end = c
        while end + 1 < len(top) and top[end + 1] == top[c]:
            end += 1
        span = end - c + 1
        if span > 1:
            first.append(Cell(top[c], span=span, bold=True, centred=True, fill="DDEBF7", east_asia=HEI))
            second += [Cell(label, bold=True, centred=True, fill="DDEBF7", east_asia=HEI) for label in sub[c:end + 1]]
        else:
            first.append(Cell(top[c], merge="restart", bold=True, centred=True, fill="DDEBF7", east_asia=HEI))
            second.append(Cell("", merge="continue", fill="DDEBF7"))
        c = end + 1
    return [first, second]


RISK_WEIGHTS = (7, 22, 11, 28, 20, 18, 18, 18, 18, 18)


def _risk_weights(method: Method) -> list[float]:
    factors = len(factor_headers(method))
    return [*RISK_WEIGHTS, *([8] * factors), 14, 16, 14, 12]


def render_risk_register_docx(enterprise: Enterprise, points: Sequence[RiskPoint],
                              bands: Mapping[Method, Sequence[Band]] | None = None, issued: str = "") -> bytes:
    """风险分级管控清单 as an A4-landscape document: one table per evaluation method."""
    doc = new_document(landscape=True)
    heading(doc, f"{enterprise.name}\n风险分级管控清单", size=16)
    note(doc, "　".join(part for part in (
        f"统一社会信用代码：{enterprise.credit_code}", f"行业：{enterprise.industry.name}",
        f"编制日期：{issued}" if issued else "", counts_line(points)) if part), size=10)
    numbers = "一二三"
    groups = by_method(points)
    for index, (method, group) in enumerate(groups):
        if len(groups) > 1 or group:
            heading(doc, f"{numbers[index]}、{method.label}评价的风险点（{method.formula}）", size=12,
                    centred=False, space_after=3)
        top, sub = risk_headers(method)
        level_at = top.index("风险等级")
        rows = _header_cells(top, sub)
        for number, point in enumerate(group, start=1):
            values = risk_row(number, point)
            rows.append([
                Cell(str(value), fill=LEVEL_FILL[point.risk_level] if c == level_at else None,
                     ink=LEVEL_INK[point.risk_level] if c == level_at else None, bold=c == level_at,
                     centred=c == 0 or (c >= level_at - len(factor_headers(method)) and c <= level_at))
                for c, value in enumerate(values)])
        add_table(doc, scaled(_risk_weights(method), usable_width(True)), rows, header_rows=2, size=8)
        if text := band_note(method, bands):
            note(doc, text, size=8)
    return document_bytes(doc)


def render_check_list_docx(enterprise: Enterprise, items: Sequence[CheckItem], issued: str = "") -> bytes:
    """隐患排查清单 as an A4 document."""
    doc = new_document(landscape=False)
    heading(doc, f"{enterprise.name}\n隐患排查清单", size=16)
    site = sum(1 for i in items if i.category.value == "site")
    note(doc, "　".join(part for part in (
        f"统一社会信用代码：{enterprise.credit_code}", f"编制日期：{issued}" if issued else "",
        f"共 {len(items)} 项：现场类 {site} 项、基础管理类 {len(items) - site} 项") if part), size=10)
    rows = [[Cell(label, bold=True, centred=True, fill="DDEBF7", east_asia=HEI) for label in CHECK_HEADERS]]
    rows += [[Cell(str(v), centred=c in (0, 3, 4, 5)) for c, v in enumerate(check_row(n, item))]
             for n, item in enumerate(items, start=1)]
    add_table(doc, scaled((6, 48, 26, 10, 12, 12, 20), usable_width(False)), rows, header_rows=1, size=9)
    return document_bytes(doc)

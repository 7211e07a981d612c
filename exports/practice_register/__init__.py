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

One job per module: ``columns`` (what goes in each column), ``workbook`` (the XLSX
renderers), ``docx_kit`` (the DOCX toolkit), ``documents`` (the DOCX renderers).
"""

from exports.practice_register.columns import (
    CHECK_HEADERS,
    COLUMN_OF,
    LEVEL_FILL,
    LEVEL_INK,
    MEASURE_COLUMNS,
    MEASURE_HEADERS,
    RESULT_LETTER,
    RISK_LEADING,
    RISK_TRAILING,
    band_note,
    by_method,
    check_row,
    consequences,
    counts_line,
    factor_headers,
    level_text,
    measure_cells,
    place,
    risk_headers,
    risk_row,
)
from exports.practice_register.documents import render_check_list_docx, render_risk_register_docx
from exports.practice_register.docx_kit import (
    A4_LONG,
    A4_SHORT,
    HEI,
    LATIN,
    MARGIN,
    SONG,
    TWIPS_PER_MM,
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
from exports.practice_register.workbook import render_check_list_xlsx, render_risk_register_xlsx

__all__ = [
    "A4_LONG", "A4_SHORT", "CHECK_HEADERS", "COLUMN_OF", "HEI", "LATIN", "LEVEL_FILL", "LEVEL_INK", "MARGIN",
    "MEASURE_COLUMNS", "MEASURE_HEADERS", "RESULT_LETTER", "RISK_LEADING", "RISK_TRAILING", "SONG", "TWIPS_PER_MM",
    "Cell", "add_table", "band_note", "by_method", "check_row", "consequences", "counts_line", "document_bytes",
    "factor_headers", "heading", "level_text", "measure_cells", "new_document", "note", "place",
    "render_check_list_docx", "render_check_list_xlsx", "render_risk_register_docx", "render_risk_register_xlsx",
    "risk_headers", "risk_row", "scaled", "set_font", "usable_width",
]

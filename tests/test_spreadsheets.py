"""Spreadsheets in and out are hostile-input proof.

Out: every text a user typed is written as text, so opening an export never runs a
formula (OWASP's CSV-injection rule), and a legacy control character cannot break it.
In: a workbook is refused with a Chinese message — 422 over HTTP, nothing stored — when
it is not a workbook, is broken, declares XML entities, or would take too much memory,
rows or time to read. Every file here is made in memory by ``tests.xlsx``.
"""

from __future__ import annotations

import html
import io
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from types import SimpleNamespace

import openpyxl
import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.attachments import ZipLimits, zip_problem
from core.audit import AuditEvent
from core.enterprises import Enterprise
from core.errors import ValidationError
from exports import enterprise_register
from exports.enterprise_register import UnreadableFile, read_import_rows, render_enterprise_list, render_import_template
from tests.factories import World, credit_code, make_enterprise
from tests.xlsx import (
    HEADERS,
    MAIN_NS,
    SHEET,
    cells_xml,
    giant_cell,
    parts,
    rezip,
    row,
    sheet_xml,
    with_part,
    without_part,
    workbook,
)

FORMULAS = [
    '=HYPERLINK("http://evil.example","点我")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]


def _good() -> bytes:
    return workbook([row("表格测试有限公司", credit_code())])


# --- out: exports ---------------------------------------------------------------------


def _cells(data: bytes, column: int) -> list[openpyxl.cell.cell.Cell]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [r[column] for r in sheet.iter_rows(min_row=2)]


def _hostile_enterprises(session: Session) -> list[Enterprise]:
    return [make_enterprise(session, "370303", name=value, address=value) for value in FORMULAS]


def test_formula_like_names_and_addresses_are_exported_as_text(session: Session, world: World) -> None:
    data = render_enterprise_list(_hostile_enterprises(session))
    for column in (0, 4):  # 企业名称, 地址
        cells = _cells(data, column)
        assert [c.value for c in cells] == FORMULAS
        assert all(c.data_type == "s" and c.quotePrefix for c in cells)  # Excel shows text, runs nothing


def test_the_export_over_http_holds_no_formula(client: FlaskClient, login, session: Session, world: World) -> None:
    _hostile_enterprises(session)
    session.commit()
    login(world.zhangdian)
    response = client.get("/enterprises/export.xlsx?sort=name")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [c for r in sheet.iter_rows(min_row=2) for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = {r[0].value: (r[0].data_type, r[4].value) for r in sheet.iter_rows(min_row=2)}
    for value in FORMULAS:
        assert names[value] == ("s", value)


def test_a_legacy_control_character_does_not_break_the_export(client: FlaskClient, login, session: Session,
                                                               world: World) -> None:
    legacy = make_enterprise(session, "370303", name="旧数据有限公司")
    session.execute(text("UPDATE enterprises SET name = :name, address = :address WHERE id = :id"),
                    {"name": "旧\x01数据\x1b有限公司", "address": "地址\x0b一号", "id": legacy.id})
    session.commit()
    login(world.zhangdian)
    response = client.get("/enterprises/export.xlsx")
    assert response.status_code == 200
    rows = {r[1].value: (r[0].value, r[4].value) for r in load_workbook(io.BytesIO(response.data)).active
            .iter_rows(min_row=2)}
    assert rows[legacy.credit_code] == ("旧数据有限公司", "地址一号")
    assert world.ent_zd.credit_code in rows  # the rest of the list is still there


def test_the_import_template_writes_reference_lists_as_text() -> None:
    region = SimpleNamespace(full_name="=HYPERLINK(\"http://evil.example\",\"点我\")", code="370303")
    industry = SimpleNamespace(name="+危险化学品", code="CHEM")
    wb = load_workbook(io.BytesIO(render_import_template([region], [industry])))  # type: ignore[list-item]
    for sheet, value in (("地区代码", region.full_name), ("行业", industry.name)):
        cell = wb[sheet]["A2"]
        assert (cell.value, cell.data_type) == (value, "s")


def test_an_exported_hostile_list_reads_back_as_it_is(session: Session, world: World) -> None:
    enterprises = _hostile_enterprises(session)
    rows = read_import_rows(render_enterprise_list(enterprises))
    assert [(r.values["name"], r.values["address"], r.values["credit_code"]) for r in rows] == [
        (e.name, e.address, e.credit_code) for e in enterprises]


# --- in: what cannot be read ----------------------------------------------------------

XXE = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
       '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
          + ']>'
          f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
          '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')


def _prefixed(name: str, prefix: str) -> Callable[[], bytes]:
    """The good workbook with ``prefix`` put before one part's root element."""
    return lambda: with_part(_good(), name, prefix.encode() + parts(_good())[name])


def _encrypted_flag() -> bytes:
    """The good workbook with the "encrypted" bit set on its last central-directory entry."""
    data = bytearray(_good())
    data[data.rfind(b"PK\x01\x02") + 8] |= 0x1
    return bytes(data)


def _without_sheets() -> bytes:
    book = parts(_good())["xl/workbook.xml"]
    sheets = book[book.find(b"<sheets>"):book.find(b"</sheets>") + len(b"</sheets>")]
    return with_part(_good(), "xl/workbook.xml", book.replace(sheets, b"<sheets/>"))


def _bzip2() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        for name, content in parts(_good()).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _bad_crc() -> bytes:
    data = bytearray(_good())
    start = data.find(b"PK\x03\x04", data.find(SHEET.encode()) - 40)
    body = start + 30 + len(SHEET) + 20  # inside the sheet's compressed stream
    data[body:body + 8] = b"\x00" * 8
    return bytes(data)


MALFORMED: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty file": (lambda: b"", "文件是空的"),
    "csv text": (lambda: "企业名称,统一社会信用代码\n甲,1\n".encode(), "不是 Excel 工作簿"),
    "pdf renamed": (lambda: b"%PDF-1.4\n%%EOF\n", "不是 Excel 工作簿"),
    ".xls renamed": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "旧版 Excel"),
    "truncated zip": (lambda: _good()[: len(_good()) // 2], "已损坏"),
    "zip header only": (lambda: b"PK\x03\x04 truncated zip", "已损坏"),
    "zip of something else": (lambda: rezip({"readme.txt": b"hello"}), "缺少 [Content_Types].xml"),
    "docx renamed": (lambda: rezip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
                     "缺少 xl/workbook.xml"),
    "no workbook part": (lambda: without_part(_good(), "xl/workbook.xml"), "缺少 xl/workbook.xml"),
    "sheet part missing": (lambda: without_part(_good(), SHEET), "没有工作表"),
    "corrupt sheet xml": (lambda: with_part(_good(), SHEET, b"<worksheet><sheetData><row r=\"1\"><c"), "已损坏"),
    "corrupt workbook xml": (lambda: with_part(_good(), "xl/workbook.xml", b"\xff\xfe<not xml"), "已损坏"),
    "shared string out of range": (lambda: with_part(_good(), SHEET, sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>999</v></c></row>')), "已损坏"),
    "bad crc": (_bad_crc, "已损坏"),
    "external entity in sheet": (lambda: with_part(_good(), SHEET, XXE.encode()), "不允许的 XML 内容"),
    "billion laughs in sheet": (lambda: with_part(_good(), SHEET, LAUGHS.encode()), "不允许的 XML 内容"),
    "dtd in workbook": (_prefixed("xl/workbook.xml", '<!DOCTYPE x [<!ENTITY a "b">]>'), "不允许的 XML 内容"),
    "dtd in relationships": (_prefixed("xl/_rels/workbook.xml.rels", "<!DOCTYPE x SYSTEM \"http://evil.example/\">"),
                             "不允许的 XML 内容"),
    "utf-16 dtd in styles": (lambda: with_part(_good(), "xl/styles.xml", (
        '\ufeff<!DOCTYPE x [<!ENTITY a "b">]>' + parts(_good())["xl/styles.xml"].decode()).encode("utf-16-le")),
        "不允许的 XML 内容"),
    "encrypted part": (_encrypted_flag, "已加密"),
    "unsupported compression": (_bzip2, "不支持的压缩方式"),
    "no worksheets": (_without_sheets, "没有工作表"),
    "header missing": (lambda: workbook([["甲", "乙"]], headers=["企业名称", "行业"]),
                       "缺少必填列：统一社会信用代码、所在地区"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_workbook_is_refused_with_a_message(case: str) -> None:
    make, message = MALFORMED[case]
    with pytest.raises(UnreadableFile, match=re.escape(message)) as refused:
        read_import_rows(make())
    assert isinstance(refused.value, ValidationError) and list(refused.value.errors) == ["file"]


def _counts(session: Session) -> tuple[int, int]:
    session.expire_all()
    return (session.scalar(select(func.count()).select_from(Enterprise)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _upload(client: FlaskClient, data: bytes, name: str = "企业名录.xlsx", update: bool = False) -> tuple[int, str]:
    form: dict[str, object] = {"file": (io.BytesIO(data), name)}
    if update:
        form["update_existing"] = "y"
    response = client.post("/enterprises/import", data=form)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def _file_error(page: str) -> str:
    found = re.findall(r'<div class="invalid-feedback">(.*?)</div>', page, re.S)
    return found[0] if len(found) == 1 else ""


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_workbook_over_http_is_a_422_page_and_changes_nothing(
        case: str, client: FlaskClient, login, session: Session, world: World) -> None:
    make, message = MALFORMED[case]
    before = _counts(session)
    login(world.zhangdian)
    status, page = _upload(client, make())
    assert status == 422 and "批量导入企业" in page  # the import page again…
    assert message in _file_error(page)  # …with the message under the file field
    assert _counts(session) == before


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("sheet", [XXE, LAUGHS], ids=["external entity", "billion laughs"])
def test_defusedxml_refuses_entities_in_the_sheet_even_without_the_first_scan(
        sheet: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(enterprise_register, "_declares_dtd", lambda _data: False)
    with pytest.raises(UnreadableFile, match="不允许的 XML 内容"):
        read_import_rows(with_part(_good(), SHEET, sheet.encode()))


# --- in: what would cost too much -----------------------------------------------------


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A 300 MB cell in a ~300 KB file (the issue's reproduction)."""
    return giant_cell(300 * 1024 * 1024)


def test_a_300_mb_cell_in_a_small_file_is_refused_at_once_in_little_memory(bomb: bytes) -> None:
    assert len(bomb) < 400 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UnreadableFile, match="解压后约 300 MB，超过 50 MB"):
            read_import_rows(bomb)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 10 * 1024 * 1024


def test_the_bomb_over_http_is_a_422(bomb: bytes, client: FlaskClient, login, session: Session,
                                     world: World) -> None:
    before = _counts(session)
    login(world.zhangdian)
    status, page = _upload(client, bomb)
    assert status == 422 and "防止压缩炸弹" in _file_error(page)
    assert _counts(session) == before


def test_a_part_squeezed_beyond_the_ratio_limit_is_refused() -> None:
    squeezed = giant_cell(10 * 1024 * 1024)  # 10 MB, under the size limit, packed about 1000:1
    with pytest.raises(UnreadableFile, match=f"压缩比异常（超过 {enterprise_register.IMPORT_ZIP_LIMITS.max_ratio}:1）"):
        read_import_rows(squeezed)


def test_the_zip_limits_count_parts_and_their_unpacked_size() -> None:
    good = _good()
    assert zip_problem(good, "Excel 工作簿", ("xl/workbook.xml",)) is None
    small = ZipLimits(max_unpacked=1000)
    assert "超过 0 MB 的上限" in (zip_problem(good, "Excel 工作簿", (), small) or "")
    assert "部件，数量异常" in (zip_problem(good, "Excel 工作簿", (), ZipLimits(max_parts=3)) or "")


def test_a_sheet_claiming_a_million_rows_is_refused_before_reading_them() -> None:
    data = with_part(_good(), SHEET, sheet_xml(cells_xml(1, HEADERS) + cells_xml(1_048_000, ["甲"]),
                                               dimension="A1:K1048000"))
    started = time.perf_counter()
    with pytest.raises(UnreadableFile, match="共有 1048000 行（含空行），一次最多导入 20000 行"):
        read_import_rows(data)
    assert time.perf_counter() - started < 1.0


def test_blank_rows_count_towards_the_limit_even_without_a_dimension() -> None:
    # No <dimension>: openpyxl fills the gap up to row 1,048,000 with blank rows; they are counted.
    data = with_part(_good(), SHEET, sheet_xml(cells_xml(1, HEADERS) + cells_xml(1_048_000, ["甲"])))
    started = time.perf_counter()
    with pytest.raises(UnreadableFile, match="超过 20000 行（含空行）"):
        read_import_rows(data)
    assert time.perf_counter() - started < 5.0


def test_explicit_blank_rows_count_and_a_small_dimension_hides_nothing() -> None:
    blanks = "".join(f'<row r="{n}"/>' for n in range(2, 20_003))
    lying = with_part(_good(), SHEET, sheet_xml(cells_xml(1, HEADERS) + blanks, dimension="A1:K2"))
    with pytest.raises(UnreadableFile, match="超过 20000 行（含空行）"):
        read_import_rows(lying)
    rows = "".join(cells_xml(n, [f"企业{n}", "X", "淄博市张店区", "化工"]) for n in range(2, 6))
    short = with_part(_good(), SHEET, sheet_xml(cells_xml(1, HEADERS) + rows, dimension="A1:K2"))
    assert [r.values["name"] for r in read_import_rows(short)] == ["企业2", "企业3", "企业4", "企业5"]


def test_the_row_limit_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(enterprise_register, "MAX_IMPORT_ROWS", 5)
    five = [row(f"企业{i}", "X") for i in range(5)]
    assert len(read_import_rows(workbook(five))) == 5
    with pytest.raises(UnreadableFile, match="一次最多导入 5 行"):
        read_import_rows(workbook([*five, row("第六家", "X")]))
    def company(n: int) -> str:
        return cells_xml(n, [f"企业{n}", "X", "淄博市张店区", "化工"])

    # four companies and two blank rows between them: six rows, and no dimension to go by
    rows = company(2) + company(3) + company(4) + '<row r="5"/><row r="6"/>' + company(7)
    with pytest.raises(UnreadableFile, match="超过 5 行（含空行）"):
        read_import_rows(with_part(_good(), SHEET, sheet_xml(cells_xml(1, HEADERS) + rows)))


def test_an_oversized_cell_is_refused_naming_its_row_and_column() -> None:
    limit = enterprise_register.MAX_CELL_CHARS
    assert read_import_rows(workbook([row("甲", "X", address="长" * limit)]))[0].values["address"] == "长" * limit
    with pytest.raises(UnreadableFile, match=f"第 3 行 E 列（地址）有 {limit + 1} 个字"):
        read_import_rows(workbook([row("甲", "X"), row("乙", "Y", address="长" * (limit + 1))]))


def test_reading_stops_when_the_time_budget_is_spent() -> None:
    ticks = iter(range(1_000_000))  # a clock that advances one second each time it is read
    data = workbook([row(f"企业{i}", "X") for i in range(20)])
    with pytest.raises(UnreadableFile, match="超过处理时限"):
        read_import_rows(data, time_budget=5, clock=lambda: float(next(ticks)))
    assert len(read_import_rows(data, time_budget=5)) == 20  # the real clock: well within budget

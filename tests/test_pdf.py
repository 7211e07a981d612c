"""DOCX → PDF through LibreOffice: the 目次 comes out filled (entries and true page numbers), the
CJK text in Noto Serif/Sans CJK, two conversions at once both succeed, and where LibreOffice
is missing or too slow the caller gets a sentence it can show, with nothing left running.

Needs LibreOffice, python3-uno, fonts-noto-cjk and poppler-utils (``make system-deps``).
Three real conversions in all (about 2 s each); the first of a standard from ``exports.standard_docx``.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from sqlalchemy.orm import Session

from exports.pdf import (
    NO_UNO,
    UNAVAILABLE,
    PdfConversionFailed,
    PdfUnavailable,
    docx_to_pdf,
    pdf_available,
)
from exports.practice_register import HEI, SONG, document_bytes, set_font
from exports.standard_docx import Imprint, render_standard
from standards.models import AnnexType, ClauseKind
from standards.versions import working_draft
from tests.factories import World, add_clause, make_project

K = ClauseKind

PLACEHOLDER = "右键单击此处更新目次。"


def _toc_field(paragraph: Paragraph) -> None:
    """A TOC field as Word writes it, with only its placeholder as the shown result."""
    def char(kind: str) -> OxmlElement:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    paragraph.add_run()._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-2" \\h \\z \\u '
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(PLACEHOLDER)
    paragraph.add_run()._r.append(char("end"))


def small_standard(title: str) -> bytes:
    """Title and 目次 on page 1, chapter 1 on page 2, chapter 2 (with a 2nd-level clause) on page 3."""
    doc = Document()
    for style, east_asia in (("Normal", SONG), ("Title", HEI), ("Heading 1", HEI), ("Heading 2", HEI)):
        set_font(doc.styles[style].font, east_asia)
    doc.add_paragraph(title, style="Title")
    doc.add_paragraph("目　　次")
    _toc_field(doc.add_paragraph())
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading("范围", level=1)
    doc.add_paragraph("本文件规定了企业安全生产风险分级管控体系建设的基本要求、工作程序和内容。" * 6)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading("术语和定义", level=1)
    doc.add_heading("风险点", level=2)
    doc.add_paragraph("风险伴随的设施、部位、场所和区域，以及在其中实施的伴随风险的作业活动。")
    return document_bytes(doc)


def pdf_text(pdf: bytes, tmp_path: Path, page: int | None = None) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def toc_page(text: str, entry: str) -> str | None:
    """The page number the 目次 gives for ``entry`` (a regex; the line "entry ....... N"), if any."""
    found = re.search(rf"^\s*{entry}\s*[.…·]{{3,}}\s*(\w+)\s*$", text, re.MULTILINE)
    return found.group(1) if found else None


def pages_by_number(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """Each page's text under the page number printed at its foot (the cover has none)."""
    pages = pdf_text(pdf, tmp_path).split("\f")
    numbered = {}
    for text in pages:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and re.fullmatch(r"[0-9]+|[IVXLC]+", lines[-1]):
            numbered[lines[-1]] = text
    return numbered


def embedded_fonts(pdf: bytes, tmp_path: Path) -> set[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return {row.split()[0].split("+")[-1] for row in rows if row.split()[-5:-4] == ["yes"]}


@pytest.fixture
def standard(session: Session, world: World) -> bytes:
    """A published standard as the GB/T 1.1 renderer writes it: cover, 目次 (its field holding
    entries without page numbers), 前言, three chapters and a normative annex."""
    project = make_project(session, world, title="化工企业风险分级管控实施指南")
    draft = working_draft(session, project)
    add_clause(session, draft, K.CHAPTER, None, "范围", "本文件规定了化工企业风险分级管控的要求。")
    terms = add_clause(session, draft, K.CHAPTER, None, "术语和定义", "下列术语和定义适用于本文件。")
    add_clause(session, draft, K.TERM, terms, "风险", "生产安全事故或健康损害事件发生的可能性和严重性的组合。")
    basics = add_clause(session, draft, K.CHAPTER, None, "基本要求")
    add_clause(session, draft, K.CLAUSE, basics, "组织机构", "企业应成立风险分级管控工作机构。" * 40)
    add_clause(session, draft, K.ANNEX, None, "风险评价方法", annex_type=AnnexType.NORMATIVE)
    session.refresh(draft)
    return render_standard(draft, Imprint(number="DB37/T 4321—2025", ics="13.100", ccs="C 65",
                                          issued_on=dt.date(2025, 6, 20), effective_on=dt.date(2025, 7, 20)))


def test_a_standards_toc_lists_each_heading_with_the_page_number_printed_on_its_page(
        standard: bytes, tmp_path: Path) -> None:
    pdf = docx_to_pdf(standard)

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "化工企业风险分级管控实施指南" in "".join(text.split())  # however the title wraps
    listed = {"前言": "II", r"1\s+范围": "1", r"2\s+术语和定义": "1", r"3\s+基本要求": "1", r"3\.1\s+组织机构": "1",
              r"附录\s*A\s*（规范性）\s*风险评价方法": "2"}  # the 目次's entries (patterns) and their page numbers
    assert {entry: toc_page(text, entry) for entry in listed} == listed
    pages = pages_by_number(pdf, tmp_path)
    assert "前" in pages["II"] and "本文件按照 GB/T 1.1" in pages["II"]
    assert re.search(r"^\s*1\s+范围", pages["1"], re.MULTILINE)
    assert "风险评价方法" in pages["2"] and "附录 A" in pages["2"]

    fonts = embedded_fonts(pdf, tmp_path)
    assert any(name.startswith("NotoSerifCJK") for name in fonts), fonts  # 宋体 body
    assert any(name.startswith("NotoSansCJK") for name in fonts), fonts  # 黑体 headings


def test_two_conversions_at_once_each_produce_their_own_pdf(tmp_path: Path) -> None:
    titles = ("甲标准风险分级管控实施指南", "乙标准隐患排查治理实施指南")
    results: dict[str, bytes | BaseException] = {}

    def convert(title: str) -> None:
        try:
            results[title] = docx_to_pdf(small_standard(title))
        except BaseException as exc:  # reported below, not lost in the thread
            results[title] = exc

    threads = [threading.Thread(target=convert, args=(title,)) for title in titles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=150)

    for title in titles:
        pdf = results[title]
        assert isinstance(pdf, bytes), pdf
        text = pdf_text(pdf, tmp_path)
        assert title in "".join(text.split())
        assert toc_page(text, "范围") == "2"  # the small document's 范围 is on its second page
        fonts = embedded_fonts(pdf, tmp_path)
        assert all(any(name.startswith(cjk) for name in fonts) for cjk in ("NotoSerifCJK", "NotoSansCJK")), fonts


def test_without_libreoffice_pdf_is_unavailable_with_a_sentence_for_the_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = str(tmp_path / "no-such-soffice")

    assert pdf_available()  # this machine has it (make system-deps)
    assert not pdf_available(soffice=missing)
    with pytest.raises(PdfUnavailable) as refused:
        docx_to_pdf(small_standard("标准"), soffice=missing)
    assert str(refused.value) == UNAVAILABLE == "本机未安装 LibreOffice，暂不能生成 PDF。"

    monkeypatch.setenv("BIAOGAN_SOFFICE", missing)  # how an operator points the app elsewhere
    assert not pdf_available()
    with pytest.raises(PdfUnavailable):
        docx_to_pdf(small_standard("标准"))


def test_without_python3_uno_pdf_is_unavailable(tmp_path: Path) -> None:
    assert not pdf_available(python=str(tmp_path / "no-such-python"))
    with pytest.raises(PdfUnavailable) as refused:
        docx_to_pdf(small_standard("标准"), python=str(tmp_path / "no-such-python"))
    assert str(refused.value) == NO_UNO


def _ours_running(folder: Path) -> list[str]:
    """Command lines of live processes started for conversions in ``folder``."""
    lines = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if str(folder) in text:
            lines.append(text)
    return lines


def _dead_office_sockets(before: set[Path]) -> list[Path]:
    """LibreOffice pipe sockets in /tmp made since ``before`` that nobody listens on any more
    (another engineer's live conversion answers, so it is not counted)."""
    dead = []
    for path in set(Path("/tmp").glob("OSL_PIPE_*")) - before:
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(str(path))
            except FileNotFoundError:
                continue
            except OSError:
                dead.append(path)
    return dead


def test_a_conversion_past_its_deadline_is_stopped_and_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the converter's profile goes
    sockets = set(Path("/tmp").glob("OSL_PIPE_*"))

    with pytest.raises(PdfConversionFailed) as stopped:
        # LibreOffice is started, then killed mid-way: it cannot start and convert in 0.3 s (1.5 s
        # was seen to be enough for this small text on a quiet machine).
        docx_to_pdf(small_standard("标准"), timeout=0.3)

    assert str(stopped.value) == "PDF 生成超时（超过 0.3 秒），已中止。请稍后重试。"
    assert _ours_running(tmp_path) == []
    assert list(tmp_path.glob("biaogan-pdf-*")) == []
    assert _dead_office_sockets(sockets) == []


def test_bytes_that_are_not_a_docx_fail_with_a_sentence_for_the_page() -> None:
    with pytest.raises(PdfConversionFailed) as failed:
        docx_to_pdf(b"not a word document")

    assert str(failed.value) == "PDF 生成失败：LibreOffice 未能转换该文档。"
    assert "could not open" in failed.value.detail


"""The redline DOCX: Word revision marks carry exactly the inserted and deleted text."""

from __future__ import annotations

import datetime as dt
import io

import docx
from docx.oxml.ns import qn

from exports.redline_docx import redline_docx, table_rows
from standards.models import ClauseKind
from standards.redline import compare
from tests.test_redline import C, base

K = ClauseKind
WHEN = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
TABLE = "| 序号 | 风险点 | 管控措施 |\n|---|---|---|\n| 1 | 1号罐组 | 设置液位报警 |\n| 2 | 装卸区 | 静电接地 |\n"


def _changed_pair() -> tuple[list[C], list[C]]:
    old = [*base(), C(9, "annex", None, 3, K.ANNEX, "风险管控清单示例", annex_type="informative"),
           C(10, "tbl", 9, 0, K.TABLE, "储罐区风险管控清单", TABLE)]
    new = [c for c in [*base(), C(9, "annex", None, 3, K.ANNEX, "风险管控清单示例", annex_type="informative"),
                       C(10, "tbl", 9, 0, K.TABLE, "储罐区风险管控清单", TABLE)] if c.key != "training"]
    for c in new:
        if c.key == "points":
            c.body = "储罐区按罐组和装卸区分别划分风险点。"
        if c.key == "org":  # moved to the end of chapter 3 and reworded
            c.parent_id, c.position, c.body = 6, 5, "企业应成立由主要负责人牵头的风险分级管控领导小组。"
        if c.key == "tbl":
            c.body = TABLE.replace("静电接地", "静电接地及人体静电释放").replace(
                "| 2 |", "| 3 | 泵房 | 可燃气体检测 |\n| 2 |")
    new.append(C(11, "it", 2, 9, K.CLAUSE, "信息化", "企业宜建立风险管控信息平台。"))
    return old, new


def _document(old: list[C], new: list[C]) -> docx.document.Document:
    data = redline_docx(compare(old, new, "第 1 版 · 征求意见稿", "第 2 版 · 草案（编辑中）"),
                        "化工企业储罐区风险分级管控实施指南", "起草组", WHEN)
    return docx.Document(io.BytesIO(data))


def _texts(element, tag: str, inner: str) -> list[str]:
    return ["".join(t.text or "" for t in mark.iter(qn(inner))) for mark in element.iter(qn(tag))]


def test_revision_marks_carry_the_inserted_and_deleted_text() -> None:
    doc = _document(*_changed_pair())
    body = doc.element.body
    inserted = [t for t in _texts(body, "w:ins", "w:t") if t]
    deleted = [t for t in _texts(body, "w:del", "w:delText") if t]
    assert "和装卸区分别" in inserted, "a Chinese insertion is one revision, not scattered characters"
    assert "领导小" in inserted and "工作" in deleted  # 工作组 → 领导小组: the shared 组 stays
    assert "信息化" in inserted and "企业宜建立风险管控信息平台。" in inserted  # the added clause, whole
    assert "培训教育" in deleted and "企业应每年组织全员风险管控培训。" in deleted  # the removed clause, whole
    assert "及人体静电释放" in inserted  # a changed table cell
    assert {"3", "泵房", "可燃气体检测"} <= set(inserted)  # an inserted table row
    # no deleted text is left in plain w:t, and no inserted text in w:delText
    assert not [t for mark in body.iter(qn("w:del")) for t in mark.iter(qn("w:t"))]
    assert not [t for mark in body.iter(qn("w:ins")) for t in mark.iter(qn("w:delText"))]
    marks = [*body.iter(qn("w:ins")), *body.iter(qn("w:del"))]
    assert {m.get(qn("w:author")) for m in marks} == {"起草组"}
    assert {m.get(qn("w:date")) for m in marks} == {"2026-12-01T09:30:00Z"}
    assert len({m.get(qn("w:id")) for m in marks}) == len(marks), "revision ids are unique"


def test_removed_clause_is_a_deleted_paragraph_and_an_inserted_row_a_row_revision() -> None:
    doc = _document(*_changed_pair())
    removed = next(p for p in doc.paragraphs if "培训教育" in "".join(t.text or "" for t in p._p.iter(qn("w:delText"))))
    assert removed._p.pPr.find(qn("w:rPr")).find(qn("w:del")) is not None, "the paragraph mark is deleted too"
    inserted_rows = [tr for tr in doc.element.body.iter(qn("w:tr"))
                     if tr.trPr is not None and tr.trPr.find(qn("w:ins")) is not None]
    assert len(inserted_rows) == 1 and "泵房" in "".join(t.text for t in inserted_rows[0].iter(qn("w:t")))


def test_summary_table_counts_and_the_moved_clause_comment() -> None:
    doc = _document(*_changed_pair())
    summary = doc.tables[0]
    assert [c.text for c in summary.rows[0].cells] == ["新增", "删除", "移动", "修改", "未变"]
    # added 信息化; removed 培训教育; moved 组织机构 (and changed); changed 风险点确定, the table, 组织机构
    assert [c.text for c in summary.rows[1].cells] == ["1", "1", "1", "3", "6"]
    changes = doc.tables[1]
    assert [c.text for c in changes.rows[0].cells] == ["序号", "章条编号", "类型", "变更", "说明"]
    assert any(r.cells[4].text.startswith("由 2.1 移至 3.3") for r in changes.rows[1:])
    comments = list(doc.comments)
    assert [c.text for c in comments] == ["本条由 2.1 移至 3.3"]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "附录A（资料性）　风险管控清单示例" in headings


def test_identical_versions_have_no_revisions() -> None:
    doc = _document(base(), base())
    assert not list(doc.element.body.iter(qn("w:ins"))) and not list(doc.element.body.iter(qn("w:del")))
    assert [c.text for c in doc.tables[0].rows[1].cells] == ["0", "0", "0", "0", "8"]
    assert "企业应建立风险分级管控制度。" in [p.text for p in doc.paragraphs]


def test_markdown_tables_are_read_as_rows() -> None:
    assert table_rows(TABLE) == [["序号", "风险点", "管控措施"], ["1", "1号罐组", "设置液位报警"],
                                 ["2", "装卸区", "静电接地"]]
    assert table_rows("企业应建立制度。") is None

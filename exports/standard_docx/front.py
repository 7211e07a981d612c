"""The front matter: 目次 (a real TOC field), 前言 (its standard sentences), 引言.

The 前言 is not written by the editors: GB/T 1.1-2020 §8.3 fixes its sentences and their
order (cn-standards.md §2.3), and the facts come from the project and the imprint —

1. the drafting rule (GB/T 1.1—2020);
2. when replacing: which standard(s) it replaces and, if given, the main technical
   changes as a dash list;
3. the patent notice;
4. 本文件由……提出。 5. 本文件由……归口。 6. 起草单位 7. 主要起草人;
8. the publication history when it replaces (given, or derived from the replaced
   numbers), otherwise 本文件为首次发布。

A sentence whose fact is missing (no proposer entered yet) is left out rather than
printed with a gap.

The 引言, when the text has one, is the run of top-level paragraphs before chapter 1
(``body.split_introduction``): paragraphs carry no number, so the chapters keep theirs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docx.oxml.xmlchemy import BaseOxmlElement

from exports.standard_docx.imprint import Imprint
from exports.standard_docx.ooxml import field_begin, field_end, paragraph, run, text_paragraph
from standards.models import StandardProject

DRAFTING_RULE = "本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。"
PATENT_NOTICE = "请注意本文件的某些内容可能涉及专利。本文件的发布机构不承担识别专利的责任。"
FIRST_EDITION = "本文件为首次发布。"
TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'
YEAR = re.compile(r"[—\-－](\d{4})\s*$")

Line = tuple[str, str]  # (style, text)


def _dashed(text: str) -> list[str]:
    """Lines of a multi-line field as dash-list items ("——…"), blank lines dropped."""
    return [line if line.startswith("——") else f"——{line.lstrip('-—－ ')}"
            for line in (raw.strip() for raw in text.splitlines()) if line]


def _replacement(imprint: Imprint) -> list[Line]:
    replaced = "和".join(f"{number}《{title}》" for number, title in imprint.replaces)
    if not imprint.changes.strip():
        return [("BgBody", f"本文件代替{replaced}。")]
    numbers = "、".join(number for number, _ in imprint.replaces)
    lines = [("BgBody", f"本文件代替{replaced}，与{numbers}相比，除结构调整和编辑性改动外，主要技术变化如下：")]
    return lines + [("BgDash", item) for item in _dashed(imprint.changes)]


def _history(imprint: Imprint) -> list[Line]:
    if imprint.history.strip():
        items = _dashed(imprint.history)
    elif imprint.replaces:
        items = []
        for number, _ in imprint.replaces:
            year = YEAR.search(number)
            items.append(f"——{year.group(1)}年首次发布为{number}；" if year else f"——首次发布为{number}；")
        items.append("——本次为第一次修订。")
    else:
        return [("BgBody", FIRST_EDITION)]
    return [("BgBody", "本文件及其所代替文件的历次版本发布情况为：")] + [("BgDash", item) for item in items]


def _units(text: str) -> str:
    return "、".join(line.strip() for line in text.splitlines() if line.strip())


def foreword(project: StandardProject, imprint: Imprint) -> list[Line]:
    """The 前言's paragraphs in the order of GB/T 1.1-2020 §8.3, each with its style."""
    lines: list[Line] = [("BgBody", DRAFTING_RULE)]
    if imprint.replaces:
        lines += _replacement(imprint)
    lines.append(("BgBody", PATENT_NOTICE))
    if project.proposer.strip():
        lines.append(("BgBody", f"本文件由{project.proposer.strip()}提出。"))
    if project.responsible_body.strip():
        lines.append(("BgBody", f"本文件由{project.responsible_body.strip()}归口。"))
    if _units(project.drafting_units):
        lines.append(("BgBody", f"本文件起草单位：{_units(project.drafting_units)}。"))
    drafters = "、".join(n.strip() for n in re.split(r"[、,，;；\n]", project.drafters) if n.strip())
    if drafters:
        lines.append(("BgBody", f"本文件主要起草人：{drafters}。"))
    return lines + _history(imprint)


def table_of_contents(entries: Sequence[tuple[int, str]]) -> list[BaseOxmlElement]:
    """目次: its title, then the TOC field. Its result is pre-filled with the entries (no page
    numbers) so the 目次 is never blank; Word refreshes it on opening (``w:updateFields``),
    the PDF conversion through LibreOffice's UNO refreshes it with page numbers."""
    out = [text_paragraph("BgTocTitle", "目次")]
    if not entries:
        entries = [(1, "（目次在打开文件时更新）")]
    for index, (level, text) in enumerate(entries):
        p = paragraph(f"TOC{min(level, 2)}")
        if index == 0:
            field_begin(p, TOC_INSTRUCTION, dirty=True)
        p.append(run(text))
        if index == len(entries) - 1:
            field_end(p)
        out.append(p)
    return out


def front_title(text: str) -> BaseOxmlElement:
    """前言 / 引言: 三号黑体 centred on a new page, outline level 1 (listed in the 目次)."""
    p = paragraph("BgFrontTitle", page_break=True)
    p.append(run(text))
    return p


def preface(project: StandardProject, imprint: Imprint) -> list[BaseOxmlElement]:
    out = [front_title("前言")]
    out += [text_paragraph(style, text) for style, text in foreword(project, imprint)]
    return out

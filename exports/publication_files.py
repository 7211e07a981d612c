"""A publication's DOCX, and a frozen draft's: the renderer fed from the records.

The renderer (``exports.standard_docx``) takes a version and an imprint; this module
reads the imprint off a :class:`Publication` — its number, codes, dates, issuer, what it
replaces and the 历次版本 line of the 前言 from the supersession chain — or marks a
frozen draft with its stage (征求意见稿, 送审稿, 报批稿).
"""

from __future__ import annotations

from exports.standard_docx import Imprint, imprint_for_draft, render_standard
from standards.models import Publication, StandardVersion

ORDINALS = "一二三四五六七八九十"


def history(publication: Publication) -> str:
    """The editions before this one, oldest first, as the 前言 lists them ('' for a first edition)."""
    chain: list[Publication] = []
    node = publication.replaces
    while node is not None and len(chain) < len(ORDINALS):
        chain.append(node)
        node = node.replaces
    if not chain:
        return ""
    chain.reverse()
    lines = [f"——{chain[0].issued_on.year}年首次发布为{chain[0].number}；"]
    lines += [f"——{p.issued_on.year}年第{ORDINALS[i]}次修订为{p.number}；" for i, p in enumerate(chain[1:])]
    lines.append(f"——本次为第{ORDINALS[len(chain) - 1]}次修订。")
    return "\n".join(lines)


def publication_imprint(publication: Publication) -> Imprint:
    old = publication.replaces
    return Imprint(
        stage_document=None, number=publication.number, ics=publication.ics, ccs=publication.ccs,
        filing_number=publication.filing_number, issued_on=publication.issued_on,
        effective_on=publication.effective_on, issuer=publication.issuer,
        replaces=((old.number, old.title),) if old is not None else (), changes=publication.changes,
        history=history(publication))


def publication_docx(publication: Publication) -> bytes:
    """The DOCX a publication is issued with (rendered once, at publication, then stored)."""
    return render_standard(publication.version, publication_imprint(publication))


def draft_docx(version: StandardVersion) -> bytes:
    """A frozen stage document as the committee and the panel would print it."""
    return render_standard(version, imprint_for_draft(version))

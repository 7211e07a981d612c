"""A standard as a DOCX laid out per GB/T 1.1-2020, as a Shandong local standard (DB37/T).

A pure function from a version's clause tree and its imprint (number, codes, dates,
issuer, what it replaces) to bytes — no session, no Flask:

    render_standard(version, imprint) -> bytes
    imprint_for_draft(version) -> Imprint        # 征求意见稿 / 送审稿 / 报批稿

Modules, one job each: ``imprint`` (the facts outside the tree), ``styles`` (the style
set, 表F.1), ``markdown`` (bodies as styled spans), ``ooxml`` (elements), ``cover``,
``front`` (目次, 前言, 引言), ``body`` (the numbered clause tree), ``tables``, and
``document`` (sections, headers, page numbers).
"""

from exports.standard_docx.document import render_standard
from exports.standard_docx.imprint import Imprint, imprint_for_draft

__all__ = ["Imprint", "imprint_for_draft", "render_standard"]

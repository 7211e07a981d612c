"""The redline as a Word document with real tracked changes.

The newer version's text in reading order (chapters, clauses, lists, notes, tables,
annexes, numbered as GB/T 1.1 numbers them), where every difference from the older
version is a Word *revision*: inserted text in ``<w:ins>`` runs, deleted text in
``<w:del>`` runs holding ``<w:delText>``, whole clauses added or removed with their
paragraph marks marked too, table rows inserted or deleted as row revisions. Word and
LibreOffice show them as tracked changes, so a drafting group can read, accept or reject
them the way it is used to. A moved clause carries a Word comment saying from where.
At the top: a summary table (counts added / removed / moved / changed) and the list of
changed clauses.

A pure function (redline data → bytes): no session, no Flask.

One job per module: ``builder`` (WordprocessingML elements and revisions, fast), ``tables``
(Markdown table bodies diffed row by row), ``clauses`` (one redline entry as paragraphs),
``document`` (styles, the summary and the whole document).
"""

from exports.redline_docx.builder import Builder
from exports.redline_docx.document import redline_docx
from exports.redline_docx.tables import PAIRING_LIMIT, table_revision, table_rows

__all__ = ["PAIRING_LIMIT", "Builder", "redline_docx", "table_revision", "table_rows"]

"""The 对标自评估报告 of one self-assessment, as DOCX (to file with the bureau) and XLSX (to work with).

Pure functions from the plain dataclasses of :mod:`.model` to bytes: the caller reads the
assessment and fills an :class:`AssessmentReport` (labels already in Chinese); nothing here
touches a database or a request. One job per module: ``model`` (the dataclasses and number
formats), ``docx`` (:func:`render_docx`), ``xlsx`` (:func:`render_xlsx`).
"""

from exports.assessment_report.docx import render_docx
from exports.assessment_report.model import (
    AssessmentReport,
    ReportChapter,
    ReportItem,
    ReportRectification,
    ReportRound,
    number_text,
    score_text,
)
from exports.assessment_report.xlsx import render_xlsx

__all__ = [
    "AssessmentReport", "ReportChapter", "ReportItem", "ReportRectification", "ReportRound", "number_text",
    "render_docx", "render_xlsx", "score_text",
]

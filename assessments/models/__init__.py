"""The assessment models; one import registers them all (for Alembic too)."""

from assessments.models.aggregates import BANDS, AssessmentTally, ClauseTally, RectificationTally
from assessments.models.assessments import (
    EDITABLE,
    Answer,
    AnswerEvidence,
    Assessment,
    AssessmentCampaign,
    AssessmentRound,
    AssessmentState,
    CampaignState,
    ChapterScore,
    ItemReturn,
)
from assessments.models.rectifications import (
    Rectification,
    RectificationEvidence,
    RectificationState,
    Reminder,
    ReminderSent,
)

__all__ = [
    "BANDS", "EDITABLE", "Answer", "AnswerEvidence", "Assessment", "AssessmentCampaign", "AssessmentRound",
    "AssessmentState", "AssessmentTally", "CampaignState", "ChapterScore", "ClauseTally", "ItemReturn",
    "Rectification", "RectificationEvidence", "RectificationState", "RectificationTally", "Reminder",
    "ReminderSent",
]

"""Every model of the benchmarks package, so one import registers them all (for Alembic too).

- ``nominations``: campaigns (遴选批次) and nominations of benchmark enterprises;
- ``practices``: an enterprise's risk points, control measures, check items, and the
  risk-band reference data.
"""

from benchmarks.models.nominations import (
    STATE_BADGES,
    STATE_LABELS,
    Campaign,
    CampaignStatus,
    Nomination,
    NominationAttachment,
    NominationState,
    campaign_industries,
)
from benchmarks.models.practices import (
    ACCIDENT_TYPES,
    MEASURE_LABELS,
    CheckCategory,
    CheckFrequency,
    CheckItem,
    ControlMeasure,
    MeasureKind,
    RiskBand,
    RiskPoint,
    RiskPointKind,
)

__all__ = [
    "ACCIDENT_TYPES", "MEASURE_LABELS", "STATE_BADGES", "STATE_LABELS", "Campaign", "CampaignStatus", "CheckCategory",
    "CheckFrequency", "CheckItem", "ControlMeasure", "MeasureKind", "Nomination", "NominationAttachment",
    "NominationState", "RiskBand", "RiskPoint", "RiskPointKind", "campaign_industries",
]

"""What several nomination test modules do the same way: read a page, move an enterprise.

Used by ``test_nomination_ownership``, ``test_nomination_notices`` and
``test_nomination_trail``, so each of them states its rules without copying these steps.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core import registry
from core.enterprises import Enterprise
from core.registry import EnterpriseInput
from tests.factories import World


def html_of(response: Any) -> str:
    return response.get_data(as_text=True)


def move(session: Session, world: World, enterprise: Enterprise, region: str | None = None,
         industry: str | None = None) -> None:
    """淄博市 corrects where an enterprise is registered, or its industry, through the registry."""
    data = EnterpriseInput.of(enterprise)
    data.region_code = region or data.region_code
    data.industry_code = industry or data.industry_code
    registry.update_enterprise(session, world.zibo, enterprise, data, enterprise.lock_version)

"""Nomination services: putting enterprises forward, their reasons and their files.

Moving a nomination along its table is ``core.workflow.transition`` (the table is in
``benchmarks.workflow``). Each function here takes the session, the acting user and plain
values; checks permission and state; changes the models; writes the audit event in the
same transaction; and raises a domain error on refusal. None of them commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.models import Campaign, Nomination, NominationAttachment
from benchmarks.models import NominationState as S
from benchmarks.permissions import can_edit_nomination, can_nominate
from benchmarks.workflow import CRITERIA, Deadline, refuse_if_late
from core import audit
from core.attachments import FileStore, store_attachment
from core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from core.people import User
from core.regions import RegionLevel
from core.registry import get_enterprise
from core.text import Text, clean, clean_all

REASON_TEXT = {name: Text(f"{label}方面的推荐理由", 5000, multiline=True) for name, label in CRITERIA.items()}
DESCRIPTION_TEXT = Text("材料说明", 200)


@dataclass
class Reasons:
    """推荐理由 under the notice's three criteria."""

    risk_control: str = ""
    hidden_danger: str = ""
    informatisation: str = ""

    def cleaned(self) -> dict[str, str]:
        """The three texts as they may be stored, or ``ValidationError`` naming each bad one."""
        values, errors = clean_all(vars(self), REASON_TEXT)
        if errors:
            raise ValidationError(errors)
        return values


def nominate(
    session: Session, actor: User, campaign: Campaign, enterprise_id: int, reasons: Reasons
) -> Nomination:
    """A county or city bureau puts an enterprise of its jurisdiction forward (a draft)."""
    if not can_nominate(actor, campaign):
        if not campaign.is_open:
            raise InvalidTransition("该遴选批次已结束。")
        raise PermissionDenied("只有县级或市级监管部门可以推荐标杆企业。")
    clean_reasons = reasons.cleaned()
    enterprise = get_enterprise(session, actor, enterprise_id)
    level = actor.bureau_level
    assert level is not None and actor.region_code is not None
    refuse_if_late(campaign, Deadline.COUNTY if level == RegionLevel.COUNTY else Deadline.CITY, "新增推荐")
    if enterprise.industry_code not in campaign.industry_codes:
        raise ValidationError({"enterprise_id": f"“{enterprise.industry.name}”行业不在本批次遴选范围内"})
    existing = session.scalar(select(Nomination).where(
        Nomination.campaign_id == campaign.id, Nomination.enterprise_id == enterprise.id,
        Nomination.state != S.WITHDRAWN))
    if existing is not None:
        raise Conflict(f"“{enterprise.name}”已由{existing.nominator_label}在本批次推荐"
                       f"（{existing.state.label}），同一企业在一个批次中只能推荐一次。")
    nomination = Nomination(
        campaign=campaign, enterprise=enterprise, industry_code=enterprise.industry_code,
        region_path=enterprise.region_path, nominator_region_code=actor.region_code,
        nominator_level=level.value, created_by_id=actor.id, **clean_reasons,
    )
    session.add(nomination)
    session.flush()
    audit.record(session, actor, "nomination.create", nomination,
                 f"推荐“{enterprise.name}”参加“{campaign.title}”（草稿）", data=clean_reasons)
    return nomination


def _editable(actor: User, nomination: Nomination, doing: str) -> None:
    if not can_edit_nomination(actor, nomination):
        raise PermissionDenied(f"只有推荐单位可以在草稿或退回状态下{doing}。")


def update_reasons(
    session: Session, actor: User, nomination: Nomination, reasons: Reasons, expected_version: int
) -> Nomination:
    _editable(actor, nomination, "修改推荐理由")
    if nomination.lock_version != expected_version:
        raise Conflict("该推荐已被他人修改。为避免覆盖他人的修改，本次保存未生效。")
    clean_reasons = reasons.cleaned()
    changed = audit.changes({k: getattr(nomination, k) for k in clean_reasons}, clean_reasons)
    if not changed:
        return nomination
    for key, (_, value) in changed.items():
        setattr(nomination, key, value)
    session.flush()
    labels = "、".join(CRITERIA[k] for k in changed)
    audit.record(session, actor, "nomination.update", nomination,
                 f"修改“{nomination.enterprise.name}”的推荐理由：{labels}", data={"changes": changed})
    return nomination


def add_attachment(
    session: Session, actor: User, store: FileStore, nomination: Nomination,
    filename: str, data: bytes, description: str = "",
) -> NominationAttachment:
    _editable(actor, nomination, "上传证明材料")
    note = clean(description, DESCRIPTION_TEXT, "description")
    attachment = store_attachment(session, actor, store, filename, data)
    link = NominationAttachment(attachment=attachment, description=note)
    nomination.attachments.append(link)
    session.flush()
    audit.record(session, actor, "nomination.attach", nomination,
                 f"为“{nomination.enterprise.name}”上传证明材料“{attachment.filename}”",
                 data={"file": attachment.filename, "sha256": attachment.sha256, "size": attachment.size})
    return link


def remove_attachment(session: Session, actor: User, nomination: Nomination, link_id: int) -> None:
    _editable(actor, nomination, "删除证明材料")
    link = next((a for a in nomination.attachments if a.id == link_id), None)
    if link is None:
        raise NotFound()
    nomination.attachments.remove(link)
    session.flush()
    audit.record(session, actor, "nomination.detach", nomination,
                 f"删除“{nomination.enterprise.name}”的证明材料“{link.attachment.filename}”",
                 data={"file": link.attachment.filename, "sha256": link.attachment.sha256})

"""What a clause obliges: the modal verbs (能愿动词) of GB/T 1.1-2020 Annex C, found in its text.

A standard's provisions say what they are by their verbs:

- requirement (要求): 应 / 不应 — and the equivalents 应当、应该、只准许、必须、不得、不准许、严禁;
- recommendation (推荐): 宜 / 不宜;
- permission (允许): 可 / 不必 — and 可以、可以不、允许、无须.

Chinese has no spaces, so the same characters sit inside ordinary words that are not
modal verbs at all: 应急、应用、响应、适应、相应、反应（釜）、供应; 可能、可靠、许可、认可、
可燃; 适宜、宜居、事宜. Each verb is therefore matched with the characters that may not
stand before or after it (a few hundred bytes of rules, no dictionary). 推荐/建议 are left
out on purpose: in these documents they mostly name things (推荐理由, 建议新增措施).

A text with several kinds is as strong as its strongest verb: one 应 makes a requirement.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Obligation(enum.StrEnum):
    REQUIREMENT = "requirement"
    RECOMMENDATION = "recommendation"
    PERMISSION = "permission"

    @property
    def label(self) -> str:
        return {"requirement": "要求", "recommendation": "推荐", "permission": "允许"}[self.value]

    @property
    def badge(self) -> str:
        return {"requirement": "danger", "recommendation": "warning", "permission": "info"}[self.value]


# Not a modal 应 when preceded by: 响应 适应 相应 对应 反应 供应 效应 感应 回应 呼应 答应 顺应 照应 报应
# 内应 接应 因应 策应.
_NOT_BEFORE_YING = "响适相对反供效感回呼答顺照报内接因策"
# …or followed by: 应急 应用 应答 应聘 应届 应征 应邀 应试 应激 应声 应运 应酬 应验 应诺 应允 应景 应付 应收;
# 应力 (stress) unless 应力求; 应变 (strain) unless 应变更; 应对 (cope) when a noun follows (应对措施).
_YING = (
    rf"(?<![{_NOT_BEFORE_YING}])应"
    r"(?![急用答聘届征邀试激声运酬验诺允景付收])(?!力(?!求))(?!变(?!更))(?!对(?:措施|策略|方案|能力|机制|处置))"
)
_REQUIREMENT = rf"不应该|不应当|不应|应当|应该|必须|不得|只准许|不准许|不允许|严禁|{_YING}"
# 宜 is not modal in 适宜 便宜 事宜 权宜 合宜 时宜, nor in 宜居 宜人 宜昌.
_RECOMMENDATION = r"不宜|(?<![适便事权合时])宜(?![居人昌])"
# 可 is not modal after 许 认 宁 即 尚 两 无 不 非 (许可, 认可, 宁可, 即可, 尚可, 两可, 无可, 不可, 非…不可),
# nor before the characters of 可能 可靠 可燃 可行 可视 可控 可见 可信 可观 可爱 可怕 可惜 可笑 可恶 可口 可乐 可逆
# 可追溯 可达 可操作 可接受 可变 可比 可测 可读 可选 可调 可拆 可移 可溶 可吸 可及 可持续 可再生 可疑 可贵 可知
# 可谓 可怜 可望 可供 可塑 可是.
_NOT_AFTER_KE = "能靠燃行视控见信观爱怕惜笑恶口乐逆溯达操接变比测读选调拆移溶吸及持再疑贵知谓怜望供塑是"
_KE = rf"(?<![许认宁即尚两无不非])可(?![{_NOT_AFTER_KE}])"
_PERMISSION = rf"可以不|可以|不必(?!要)|无须|允许|{_KE}"
_VERBS = re.compile(
    rf"(?P<requirement>{_REQUIREMENT})|(?P<recommendation>{_RECOMMENDATION})|(?P<permission>{_PERMISSION})")
_STRENGTH = (Obligation.REQUIREMENT, Obligation.RECOMMENDATION, Obligation.PERMISSION)


@dataclass(frozen=True)
class Hit:
    """One modal verb found: the verb as written, what it expresses, where it stands."""

    verb: str
    obligation: Obligation
    start: int


@dataclass(frozen=True)
class Reading:
    """What a clause's text obliges, and the verbs that say so."""

    obligation: Obligation | None
    verbs: tuple[str, ...]  # each verb once, in order of appearance

    @property
    def label(self) -> str:
        return self.obligation.label if self.obligation else ""


def modal_verbs(text: str) -> list[Hit]:
    """Every modal verb of ``text`` in order (false friends such as 应急 or 可能 left out)."""
    return [Hit(m.group(), Obligation(m.lastgroup or ""), m.start()) for m in _VERBS.finditer(text or "")]


def detect(text: str) -> Obligation | None:
    """The strongest obligation ``text`` expresses, or None when it has no modal verb."""
    return read(text).obligation


def read(text: str) -> Reading:
    hits = modal_verbs(text)
    found = {h.obligation for h in hits}
    strongest = next((o for o in _STRENGTH if o in found), None)
    return Reading(strongest, tuple(dict.fromkeys(h.verb for h in hits)))


REQUIREMENT_WITHOUT_VERB = "该条为评估要求，但条文中没有“应”“不应”等表示要求的能愿动词（GB/T 1.1—2020 附录C）。"


def requirement_warning(is_requirement: bool, text: str) -> str:
    """The warning an assessable requirement gets when its text requires nothing ("" if none)."""
    if is_requirement and detect(text) is not Obligation.REQUIREMENT:
        return REQUIREMENT_WITHOUT_VERB
    return ""

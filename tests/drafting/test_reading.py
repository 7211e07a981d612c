"""Reading a clause's text: the modal verbs that make it a requirement, recommendation or
permission (GB/T 1.1-2020 附录C), and the character diff shown after a stale save."""

from __future__ import annotations

import pytest

from standards.obligation import Obligation, detect, read
from standards.textdiff import diff_html


@pytest.mark.parametrize(("text", "expected"), [
    ("企业应建立风险分级管控制度。", Obligation.REQUIREMENT),
    ("作业人员不应在储罐区吸烟。", Obligation.REQUIREMENT),
    ("企业应当每年评审一次。", Obligation.REQUIREMENT),
    ("企业应对风险点进行排查。", Obligation.REQUIREMENT),
    ("设备设施宜采用安全检查表分析法。", Obligation.RECOMMENDATION),
    ("不宜在雨天动火。", Obligation.RECOMMENDATION),
    ("企业可采用 LEC 法进行评价。", Obligation.PERMISSION),
    ("低风险可以不建立专项方案。", Obligation.PERMISSION),
    ("班组不必每日填报。", Obligation.PERMISSION),
    ("企业宜每季度排查一次，发现隐患的应立即整改。", Obligation.REQUIREMENT),  # the strongest verb wins
    # false friends: no modal verb at all
    ("应急预案的应用与响应。", None), ("适应新工艺，采取相应措施。", None), ("反应釜的供应商。", None),
    ("可能发生爆炸，联锁可靠。", None), ("取得安全生产许可证并经认可。", None), ("可燃气体报警器。", None),
    ("宜居城市的相关事宜，温度适宜。", None), ("制定应对措施，提高应变能力。", None), ("不必要的操作。", None),
])
def test_obligation_from_the_modal_verbs(text: str, expected: Obligation | None) -> None:
    assert detect(text) == expected


def test_the_verbs_are_named_once_each() -> None:
    assert read("企业应建立应急预案，应定期演练，宜邀请相关方。").verbs == ("应", "宜")


def test_differences_are_marked_by_character_and_escaped() -> None:
    assert str(diff_html("企业应建立<制度>", "企业宜建立<制度>并公示")) == (
        "企业<del>应</del><ins>宜</ins>建立&lt;制度&gt;<ins>并公示</ins>")

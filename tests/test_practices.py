"""Practices capture through the services: grading, bands, control levels, scope, locking, the trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks import bands, check_items, practices, risk_picture
from benchmarks.grading import ControlLevel, Method, RiskLevel
from benchmarks.models import CheckItem, MeasureKind, RiskPoint
from core.audit import AuditEvent, history
from core.errors import NotFound, PermissionDenied, StaleEdit, ValidationError
from core.people import Role
from tests.factories import World, make_check_item, make_enterprise, make_risk_point, make_user, trail

C = ControlLevel


def _input(point: RiskPoint, **changes: object) -> practices.RiskPointInput:
    """The edit form as a user sees it for ``point``, with ``changes`` typed in."""
    values: dict[str, object] = {
        "name": point.name, "kind": point.kind.value, "location": point.location, "post": point.post,
        "hazards": point.hazards, "accident_types": list(point.accident_types), "consequences": point.consequences,
        "method": point.method.value, "inputs": dict(point.inputs),
        "added_controls": [c.value for c in practices.added_controls(point)],
        "responsible_unit": point.responsible_unit, "responsible_person": point.responsible_person,
        "measures": {k.value: [m.content for m in point.measures_of(k)] for k in MeasureKind},
        "emergency_measures": point.emergency_measures, "report_phone": point.report_phone,
    }
    values.update(changes)
    return practices.RiskPointInput(**values)  # type: ignore[arg-type]


# --- evaluation, bands, control levels ----------------------------------------------------------


@pytest.mark.parametrize(("method", "inputs", "result", "level", "text"), [
    ("ls", {"L": "4", "S": "5"}, Decimal(20), RiskLevel.MAJOR, "R = L × S = 4 × 5 = 20"),
    ("lec", {"L": "3", "E": "6", "C": "15"}, Decimal(270), RiskLevel.SERIOUS, "D = L × E × C = 3 × 6 × 15 = 270"),
    ("mes", {"M": "3", "E": "6", "S": "4"}, Decimal(72), RiskLevel.GENERAL, "R = M × E × S = 3 × 6 × 4 = 72"),
    ("lec", {"L": "0.1", "E": "0.5", "C": "1"}, Decimal("0.05"), RiskLevel.LOW, "D = L × E × C = 0.1 × 0.5 × 1 = 0.05"),
])
def test_every_method_is_computed_by_the_service_and_kept_with_its_inputs(
    session: Session, world: World, method: str, inputs: dict, result: Decimal, level: RiskLevel, text: str
) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd, method=method, inputs=inputs)
    session.expire_all()
    point = session.get_one(RiskPoint, point.id)
    assert (point.method, point.result, point.risk_level) == (Method(method), result, level)
    assert point.inputs == inputs
    assert practices.evaluation_text(point) == text


@pytest.mark.parametrize(("method", "inputs", "level"), [
    ("ls", {"L": "2", "S": "4"}, RiskLevel.LOW),  # R = 8
    ("ls", {"L": "3", "S": "3"}, RiskLevel.GENERAL),  # R = 9
    ("ls", {"L": "3", "S": "4"}, RiskLevel.GENERAL),  # R = 12
    ("ls", {"L": "5", "S": "3"}, RiskLevel.SERIOUS),  # R = 15
    ("ls", {"L": "4", "S": "4"}, RiskLevel.SERIOUS),  # R = 16
    ("ls", {"L": "5", "S": "4"}, RiskLevel.MAJOR),  # R = 20
    ("lec", {"L": "10", "E": "1", "C": "7"}, RiskLevel.LOW),  # D = 70: 70 itself is still 蓝
    ("lec", {"L": "3", "E": "2", "C": "15"}, RiskLevel.GENERAL),  # D = 90
    ("lec", {"L": "6", "E": "2", "C": "15"}, RiskLevel.SERIOUS),  # D = 180
    ("lec", {"L": "10", "E": "1", "C": "40"}, RiskLevel.MAJOR),  # D = 400
])
def test_band_edges_through_the_service(session: Session, world: World, method: str, inputs: dict,
                                        level: RiskLevel) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd, method=method, inputs=inputs)
    assert point.risk_level is level


def test_an_industry_with_its_own_bands_grades_by_them_others_by_the_default(session: Session, world: World) -> None:
    shown = bands.fingerprint(bands.bands_in_force(session, "CHEM", Method.LS))
    other = bands.parse_bands(Method.LS, {
        RiskLevel.MAJOR: bands.BandInput("17"), RiskLevel.SERIOUS: bands.BandInput("11"),
        RiskLevel.GENERAL: bands.BandInput("5"), RiskLevel.LOW: bands.BandInput("1")})
    assert bands.set_bands(session, world.admin, "CHEM", Method.LS, other, shown)
    machine = make_enterprise(session, "370303", industry="MACH")
    chem = make_risk_point(session, world.ent_user, world.ent_zd, inputs={"L": "1", "S": "5"})
    mach = make_risk_point(session, world.zhangdian, machine, inputs={"L": "1", "S": "5"})
    assert chem.risk_level is RiskLevel.GENERAL and mach.risk_level is RiskLevel.LOW
    # LEC was not re-banded for CHEM: the default still applies to it.
    assert bands.bands_in_force(session, "CHEM", Method.LEC) == bands.bands_in_force(session, None, Method.LEC)


def test_control_levels_follow_the_level_and_added_ones_are_kept(session: Session, world: World) -> None:
    yellow = make_risk_point(session, world.ent_user, world.ent_zd, inputs={"L": "3", "S": "3"})
    assert yellow.controls == [C.WORKSHOP, C.TEAM, C.POST]
    blue = make_risk_point(session, world.ent_user, world.ent_zd, inputs={"L": "1", "S": "2"},
                           added_controls=["company"])
    assert blue.controls == [C.COMPANY, C.TEAM, C.POST]
    assert practices.added_controls(blue) == [C.COMPANY]


def test_a_required_control_level_cannot_be_dropped(session: Session, world: World) -> None:
    red = make_risk_point(session, world.ent_user, world.ent_zd, inputs={"L": "5", "S": "5"}, added_controls=[])
    assert red.controls == [C.COMPANY, C.WORKSHOP, C.TEAM, C.POST]
    practices.update_risk_point(session, world.ent_user, red, _input(red, added_controls=["post"]), red.lock_version)
    assert red.controls == [C.COMPANY, C.WORKSHOP, C.TEAM, C.POST]


@pytest.mark.parametrize(("method", "inputs", "field"), [
    ("ls", {"L": "6", "S": "3"}, "ls_l"),
    ("ls", {"L": "3"}, "ls_s"),
    ("lec", {"L": "3", "E": "4", "C": "15"}, "lec_e"),
    ("mes", {"M": "2", "E": "6", "S": "4"}, "mes_m"),
])
def test_an_off_scale_input_is_refused_naming_the_field_and_nothing_is_saved(
    session: Session, world: World, method: str, inputs: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_risk_point(session, world.ent_user, world.ent_zd, method=method, inputs=inputs)
    assert field in refused.value.errors and "应取" in refused.value.errors[field]
    assert session.scalar(select(RiskPoint.id)) is None
    assert not session.scalars(history(world.ent_zd)).all()


def test_text_rules_name_the_field_in_chinese(session: Session, world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        make_risk_point(session, world.ent_user, world.ent_zd, name="储罐\x07", hazards=" ", method="abc",
                        accident_types=["火灾", "踩踏"], measures={"engineering": "x" * 501},
                        report_phone="call me")
    errors = refused.value.errors
    assert errors["name"] == "风险点名称不能包含控制字符"
    assert errors["hazards"] == "请填写危险因素或潜在事件"
    assert "评价方法" in errors["method"]
    assert "踩踏" in errors["accident_types"] and "GB 6441" in errors["accident_types"]
    assert errors["measures_engineering"] == "工程技术措施第 1 条不能超过 500 个字（当前 501 个）"
    assert "报告电话" in errors["report_phone"]


def test_measures_are_typed_one_per_line_in_both_vocabularies(session: Session, world: World) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd, measures={
        "monitoring": "液位、温度远传至中控室\n\n 可燃气体报警仪 ", "engineering": ["设置围堰"], "rules": ""})
    assert [(m.kind, m.content) for m in point.measures] == [
        (MeasureKind.ENGINEERING, "设置围堰"), (MeasureKind.MONITORING, "液位、温度远传至中控室"),
        (MeasureKind.MONITORING, "可燃气体报警仪")]
    assert MeasureKind.MONITORING.vocabulary == "鲁政办字〔2016〕36号"


# --- who may, and the trail ----------------------------------------------------------------------


def test_the_enterprise_and_the_bureaus_over_it_keep_its_practices(session: Session, world: World) -> None:
    for who in (world.ent_user, world.zhangdian, world.zibo, world.sheng, world.admin):
        assert practices.practice_enterprise(session, who, world.ent_zd.id) is world.ent_zd
        make_risk_point(session, who, world.ent_zd, name=f"{who.username}的风险点")


@pytest.mark.parametrize("who", ["zhoucun", "jinan", "expert", "committee"])
def test_out_of_scope_people_get_not_found(session: Session, world: World, who: str) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    item = make_check_item(session, world.ent_user, world.ent_zd)
    actor = getattr(world, who)
    with pytest.raises(NotFound):
        practices.practice_enterprise(session, actor, world.ent_zd.id)
    with pytest.raises(NotFound):
        practices.get_risk_point(session, actor, point.id)
    with pytest.raises(NotFound):
        check_items.get_check_item(session, actor, item.id)


def test_another_enterprises_user_gets_not_found(session: Session, world: World) -> None:
    neighbour = make_user(session, "t_ent2", Role.ENTERPRISE, enterprise=world.ent_zd2)
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    with pytest.raises(NotFound):
        practices.practice_enterprise(session, neighbour, world.ent_zd.id)
    with pytest.raises(NotFound):
        practices.get_risk_point(session, neighbour, point.id)
    with pytest.raises(PermissionDenied):
        practices.update_risk_point(session, neighbour, point, _input(point), point.lock_version)


def test_a_stale_edit_is_refused_and_a_measure_only_edit_moves_the_version(session: Session, world: World) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    seen = point.lock_version
    practices.update_risk_point(session, world.zhangdian, point,
                                _input(point, measures={"training": "每年一次储罐区专项培训"}), seen)
    assert point.lock_version == seen + 1
    with pytest.raises(StaleEdit):
        practices.update_risk_point(session, world.ent_user, point, _input(point, name="改名"), seen)
    with pytest.raises(StaleEdit):
        practices.delete_risk_point(session, world.ent_user, point, seen)
    assert point.name == "1#甲醇储罐"


def test_each_change_is_one_event_under_the_enterprise(session: Session, world: World) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    practices.update_risk_point(session, world.ent_user, point, _input(point), point.lock_version)  # no change
    practices.update_risk_point(session, world.ent_user, point, _input(point, inputs={"L": "5", "S": "4"}),
                                point.lock_version)
    point_id = point.id
    practices.delete_risk_point(session, world.ent_user, point, point.lock_version)
    events = [e for e in trail(session, world.ent_zd) if e.object_type == "risk_point"]
    assert [e.action for e in events] == ["risk_point.create", "risk_point.update", "risk_point.delete"]
    assert all(e.object_id == str(point_id) and e.parent_id == str(world.ent_zd.id) for e in events)
    assert "R = L × S = 4 × 3 = 12，评为一般风险（黄色），由车间（部室）级、班组级、岗位级管控" in events[0].summary
    assert events[1].summary == "修改风险点“1#甲醇储罐”：风险评价、风险等级、管控层级（一般风险→重大风险）"
    assert events[1].details["changes"]["level"] == ["一般风险", "重大风险"]
    assert session.get(RiskPoint, point_id) is None


# --- check items ---------------------------------------------------------------------------------


def test_check_items_are_kept_with_their_link_to_a_risk_point(session: Session, world: World) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    item = make_check_item(session, world.ent_user, world.ent_zd, risk_point_id=point.id)
    assert (item.risk_point, item.frequency.label, item.category.label, item.check_level.label) == (
        point, "每日", "现场类", "班组级")
    check_items.update_check_item(session, world.zhangdian, item, check_items.CheckItemInput(
        content=item.content, basis="AQ 3035-2010", frequency="week", category="site", check_level="post",
        risk_point_id=point.id), item.lock_version)
    practices.delete_risk_point(session, world.ent_user, point, point.lock_version)
    session.flush()
    session.expire_all()
    kept = session.get_one(CheckItem, item.id)
    assert kept.risk_point is None and kept.basis == "AQ 3035-2010" and kept.frequency.label == "每周"
    actions = [e.action for e in trail(session, world.ent_zd) if e.object_type == "check_item"]
    assert actions == ["check_item.create", "check_item.update"]


def test_a_check_item_may_not_name_another_enterprises_risk_point(session: Session, world: World) -> None:
    theirs = make_risk_point(session, world.zhangdian, world.ent_zd2)
    with pytest.raises(ValidationError) as refused:
        make_check_item(session, world.ent_user, world.ent_zd, risk_point_id=theirs.id, frequency="hourly",
                        content="")
    assert set(refused.value.errors) == {"risk_point_id", "frequency", "content"}


def test_a_stale_check_item_edit_is_refused(session: Session, world: World) -> None:
    item = make_check_item(session, world.ent_user, world.ent_zd)
    with pytest.raises(StaleEdit):
        check_items.delete_check_item(session, world.ent_user, item, item.lock_version + 1)


def test_the_four_colour_summary_counts_per_level_and_per_area(session: Session, world: World) -> None:
    make_risk_point(session, world.ent_user, world.ent_zd, location="罐区", inputs={"L": "5", "S": "5"})
    make_risk_point(session, world.ent_user, world.ent_zd, location="罐区", inputs={"L": "1", "S": "1"})
    make_risk_point(session, world.ent_user, world.ent_zd, location="", inputs={"L": "1", "S": "2"})
    make_check_item(session, world.ent_user, world.ent_zd)
    summary = risk_picture.four_colour(session, world.ent_zd)
    assert summary.total == 3 and summary.check_items == 1
    assert summary.by_level == {RiskLevel.MAJOR: 1, RiskLevel.SERIOUS: 0, RiskLevel.GENERAL: 0, RiskLevel.LOW: 2}
    places = dict(summary.by_location)
    assert places["罐区"][RiskLevel.MAJOR] == 1 and places["（未填写区域）"][RiskLevel.LOW] == 1


# --- bands change, points keep their level until re-graded ---------------------------------------


def _rebanded_ls(session: Session, world: World) -> None:
    shown = bands.fingerprint(bands.bands_in_force(session, "CHEM", Method.LS))
    table = bands.parse_bands(Method.LS, {
        RiskLevel.MAJOR: bands.BandInput("16"), RiskLevel.SERIOUS: bands.BandInput("12"),
        RiskLevel.GENERAL: bands.BandInput("6"), RiskLevel.LOW: bands.BandInput("1")})
    bands.set_bands(session, world.admin, "CHEM", Method.LS, table, shown)


def test_new_bands_leave_points_as_graded_until_an_admin_regrades_them(session: Session, world: World) -> None:
    blue = make_risk_point(session, world.ent_user, world.ent_zd, inputs={"L": "2", "S": "3"},  # 6
                           added_controls=["company"])
    yellow = make_risk_point(session, world.ent_user, world.ent_zd, inputs={"L": "4", "S": "4"})  # 16
    steady = make_risk_point(session, world.ent_user, world.ent_zd, inputs={"L": "1", "S": "1"})
    _rebanded_ls(session, world)
    assert blue.risk_level is RiskLevel.LOW and yellow.risk_level is RiskLevel.SERIOUS
    assert practices.current_levels(session, world.ent_zd, [blue, yellow, steady]) == {
        blue.id: RiskLevel.GENERAL, yellow.id: RiskLevel.MAJOR}
    assert risk_picture.stale_counts(session) == {"CHEM": 2}
    with pytest.raises(PermissionDenied):
        risk_picture.regrade(session, world.sheng, "CHEM")
    version = blue.lock_version
    changed = risk_picture.regrade(session, world.admin, "CHEM")
    assert {p.id for p in changed} == {blue.id, yellow.id}
    assert blue.risk_level is RiskLevel.GENERAL and blue.controls == [C.COMPANY, C.WORKSHOP, C.TEAM, C.POST]
    assert yellow.risk_level is RiskLevel.MAJOR and blue.lock_version == version + 1
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "risk_point.regrade")).all()
    assert len(events) == 2 and all(e.parent_id == str(world.ent_zd.id) for e in events)
    assert "由低风险调整为一般风险" in next(e.summary for e in events if e.object_id == str(blue.id))
    assert risk_picture.stale_counts(session) == {}


def test_an_edit_grades_the_point_under_the_bands_in_force(session: Session, world: World) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd, inputs={"L": "2", "S": "3"})
    _rebanded_ls(session, world)
    practices.update_risk_point(session, world.ent_user, point, _input(point, responsible_person="李娜"),
                                point.lock_version)
    assert point.risk_level is RiskLevel.GENERAL


def test_band_tables_are_checked_and_saved_against_the_table_seen(session: Session, world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        bands.parse_bands(Method.LS, {
            RiskLevel.MAJOR: bands.BandInput("9"), RiskLevel.SERIOUS: bands.BandInput("15"),
            RiskLevel.GENERAL: bands.BandInput("abc"), RiskLevel.LOW: bands.BandInput("99999999999999999999")})
    assert refused.value.errors == {"lower_3": "一般风险的下限应为数字",
                                    "lower_4": "低风险的下限应在 0 到 25（该方法的最大值）之间"}
    with pytest.raises(ValidationError, match="重大风险的下限应高于较大风险的下限"):
        bands.parse_bands(Method.LS, {
            RiskLevel.MAJOR: bands.BandInput("9"), RiskLevel.SERIOUS: bands.BandInput("15"),
            RiskLevel.GENERAL: bands.BandInput("3"), RiskLevel.LOW: bands.BandInput("1")})
    before = bands.fingerprint(bands.bands_in_force(session, None, Method.LEC))
    _rebanded_ls(session, world)
    with pytest.raises(StaleEdit):
        bands.reset_bands(session, world.admin, "CHEM", Method.LS, before)
    with pytest.raises(PermissionDenied):
        bands.set_bands(session, world.sheng, None, Method.LEC, bands.bands_in_force(session, None, Method.LEC),
                        before)
    shown = bands.fingerprint(bands.bands_in_force(session, "CHEM", Method.LS))
    assert bands.reset_bands(session, world.admin, "CHEM", Method.LS, shown)
    assert bands.bands_in_force(session, "CHEM", Method.LS) == bands.bands_in_force(session, None, Method.LS)
    actions = session.scalars(select(AuditEvent.summary).where(AuditEvent.object_type == "risk_band")
                              .order_by(AuditEvent.seq)).all()
    table = "危险化学品（化工）行业的风险分级标准（风险矩阵分析法（LS））"
    assert actions == [f"修改{table}：重大 ≥ 16、较大 ≥ 12、一般 ≥ 6、低 ≥ 1",
                       f"{table}恢复为全省默认：重大 ≥ 20、较大 ≥ 15、一般 ≥ 9、低 ≥ 1"]

"""Registering, editing, finding and scoping enterprises."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from core import registry
from core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from core.people import Role
from core.registry import EnterpriseFilter, EnterpriseInput
from tests.factories import World, credit_code, make_enterprise, make_user, trail


def _input(**overrides: object) -> EnterpriseInput:
    data = {"name": "淄博新材料有限公司", "credit_code": credit_code(), "region_code": "370303001",
            "industry_code": "CHEM", "employee_count": 120, "scale": "medium"}
    return EnterpriseInput(**{**data, **overrides})  # type: ignore[arg-type]


def test_a_county_registers_an_enterprise_in_a_township(session: Session, world: World) -> None:
    enterprise = registry.register_enterprise(session, world.zhangdian, _input())
    assert enterprise.region_path == "/370000/370300/370303/370303001/"
    assert enterprise.lock_version == 1


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"name": "  "}, "name", "请填写企业名称"),
    ({"credit_code": "91350100M000100Y44"}, "credit_code", "校验位错误"),
    ({"credit_code": "123"}, "credit_code", "应为 18 位"),
    ({"region_code": "370306"}, "region_code", "不在您的辖区内"),
    ({"region_code": "370300"}, "region_code", "区县或乡镇"),
    ({"industry_code": "NOPE"}, "industry_code", "行业不存在"),
    ({"safety_phone": "电话"}, "safety_phone", "联系电话格式不正确"),
    ({"employee_count": -1}, "employee_count", "从业人数"),
])
def test_bad_input_is_refused_with_the_field_named(
    session: Session, world: World, overrides: dict, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        registry.register_enterprise(session, world.zhangdian, _input(**overrides))
    assert message in refused.value.errors[field]


def test_a_registered_code_is_reported_not_overwritten(session: Session, world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        registry.register_enterprise(session, world.zhangdian, _input(credit_code=world.ent_zd.credit_code))
    assert world.ent_zd.name in refused.value.errors["credit_code"]
    with pytest.raises(ValidationError) as outside:
        registry.register_enterprise(session, world.zhoucun, _input(
            credit_code=world.ent_zd.credit_code, region_code="370306"))
    assert world.ent_zd.name not in outside.value.errors["credit_code"]  # reveals no name
    assert "不在您的辖区内" in outside.value.errors["credit_code"]


def test_enterprise_users_and_experts_cannot_register(session: Session, world: World) -> None:
    for who in (world.ent_user, world.expert, world.committee):
        with pytest.raises(PermissionDenied):
            registry.register_enterprise(session, who, _input())


def test_an_edit_records_what_changed(session: Session, world: World) -> None:
    enterprise = world.ent_zd
    data = EnterpriseInput.of(enterprise)
    data.employee_count, data.safety_contact = 888, "王安全"
    registry.update_enterprise(session, world.zhangdian, enterprise, data, enterprise.lock_version)
    event = trail(session, enterprise)[-1]
    assert event.action == "enterprise.update"
    assert event.details["changes"]["employee_count"] == [0, 888]
    assert "从业人数" in event.summary and "安全负责人" in event.summary


def test_a_conflicting_edit_is_refused_not_overwritten(session: Session, world: World) -> None:
    enterprise = world.ent_zd
    opened = enterprise.lock_version
    first = EnterpriseInput.of(enterprise)
    first.address = "第一个人的修改"
    registry.update_enterprise(session, world.zhangdian, enterprise, first, opened)
    second = EnterpriseInput.of(enterprise)
    second.address = "第二个人的修改"
    with pytest.raises(Conflict, match="已被他人修改"):
        registry.update_enterprise(session, world.zibo, enterprise, second, opened)
    assert enterprise.address == "第一个人的修改"


def test_an_out_of_scope_enterprise_is_not_found(session: Session, world: World) -> None:
    with pytest.raises(NotFound):
        registry.get_enterprise(session, world.zhangdian, world.ent_zc.id)
    with pytest.raises(NotFound):
        registry.get_enterprise(session, world.ent_user, world.ent_zd2.id)
    assert registry.get_enterprise(session, world.ent_user, world.ent_zd.id) is world.ent_zd
    assert registry.get_enterprise(session, world.admin, world.ent_jn.id) is world.ent_jn


def test_filters_narrow_inside_the_jurisdiction_only(session: Session, world: World) -> None:
    make_enterprise(session, "370303", industry="MACH", name="张店机械有限公司", major_hazard=True)

    def names(actor, **flt) -> set[str]:
        return {e.name for e in session.scalars(
            registry.enterprises_query(session, actor, EnterpriseFilter(**flt)))}

    assert names(world.zhangdian, industry_code="MACH") == {"张店机械有限公司"}
    assert names(world.zhangdian, major_hazard=True) == {"张店机械有限公司"}
    assert names(world.zhangdian, region_code="370306") == set()  # asking for 周村 shows nothing
    assert names(world.zibo, region_code="370306") == {world.ent_zc.name}
    assert names(world.zibo, name="乙化工") == {world.ent_zd2.name}
    assert names(world.zibo, name="%") == set()  # wildcards are literal
    township = make_user(session, "town", Role.BUREAU, region="370303001")
    assert names(township) == {world.ent_zd2.name}

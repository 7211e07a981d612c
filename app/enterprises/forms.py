"""Forms of the registry; the choices are built per request from the actor's jurisdiction."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional

from app.forms import Form, options
from core.enterprises import SCALE_LABELS
from core.registry import FIELD_LABELS as L
from core.registry import EnterpriseInput


class EnterpriseForm(Form):
    name = StringField(L["name"], validators=[DataRequired(f"请填写{L['name']}")])
    credit_code = StringField(L["credit_code"], validators=[DataRequired(f"请填写{L['credit_code']}")])
    county_code = SelectField("所在区县", validators=[DataRequired("请选择所在区县")])
    township_code = SelectField("所在乡镇（街道）", validate_choice=False, default="")
    industry_code = SelectField(L["industry_code"], validators=[DataRequired(f"请选择{L['industry_code']}")])
    address = StringField(L["address"])
    legal_representative = StringField(L["legal_representative"])
    safety_contact = StringField(L["safety_contact"])
    safety_phone = StringField(L["safety_phone"])
    employee_count = IntegerField(
        L["employee_count"], default=0,
        validators=[Optional(), NumberRange(0, 1_000_000, "从业人数应为 0 到 1,000,000 之间的整数")],
    )
    scale = SelectField(L["scale"], choices=options((k.value, v) for k, v in SCALE_LABELS.items()),
                        default="small")
    major_hazard = BooleanField(L["major_hazard"])
    lock_version = HiddenField()

    def to_input(self) -> EnterpriseInput:
        return EnterpriseInput(
            name=self.name.data or "",
            credit_code=self.credit_code.data or "",
            region_code=self.township_code.data or self.county_code.data or "",
            industry_code=self.industry_code.data or "",
            address=(self.address.data or "").strip(),
            legal_representative=(self.legal_representative.data or "").strip(),
            safety_contact=(self.safety_contact.data or "").strip(),
            safety_phone=(self.safety_phone.data or "").strip(),
            employee_count=self.employee_count.data or 0,
            scale=self.scale.data or "small",
            major_hazard=bool(self.major_hazard.data),
        )


class ImportForm(Form):
    """The bulk import: a workbook, and whether registered credit codes are updated from it."""

    file = FileField("Excel 文件（.xlsx）", validators=[FileRequired("请选择要导入的 .xlsx 文件")])
    update_existing = BooleanField("更新已登记企业（按统一社会信用代码匹配）")

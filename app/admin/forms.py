"""Forms of the administration area."""

from __future__ import annotations

from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, MultiCheckboxField, options
from core.accounts import UserInput
from core.audit import ACTION_LABELS, OBJECT_LABELS
from core.people import ROLE_LABELS, Role


class UserForm(Form):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=50)])
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=50)])
    roles = MultiCheckboxField("角色", choices=options((r.value, label) for r, label in ROLE_LABELS.items()),
                               validators=[DataRequired("请至少选择一个角色")])
    region_code = SelectField("所属地区（监管部门用户）", validate_choice=False)
    enterprise_code = StringField("所属企业统一社会信用代码（企业用户）", validators=[Length(max=18)])
    phone = StringField("联系电话", validators=[Optional(), Length(max=30)])
    is_active = BooleanField("启用", default=True)
    password = PasswordField("初始密码", description="至少 8 位，须同时包含字母和数字；请用户登录后自行修改。")

    def to_input(self) -> UserInput:
        return UserInput(
            username=self.username.data or "", display_name=self.display_name.data or "",
            roles={Role(r) for r in self.roles.data or []},
            region_code=self.region_code.data or None,
            enterprise_code=(self.enterprise_code.data or "").strip() or None,
            phone=(self.phone.data or "").strip() or None, is_active=bool(self.is_active.data),
        )


class ResetPasswordForm(Form):
    password = PasswordField("新密码", validators=[DataRequired("请填写新密码")])


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField("摘要包含", validators=[Optional()])
    action = SelectField("操作", validators=[Optional()], validate_choice=False)
    object_type = SelectField("对象", validators=[Optional()], validate_choice=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = options([("", "全部"), *sorted(ACTION_LABELS.items())])
        self.object_type.choices = options([("", "全部"), *OBJECT_LABELS.items()])
    actor = StringField("操作人", validators=[Optional()])
    date_from = DateField("起始日期", validators=[Optional()])
    date_to = DateField("截止日期", validators=[Optional()])

"""Forms of the sign-in area."""

from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import Form


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=50)])
    password = PasswordField("密码", validators=[DataRequired("请填写密码"), Length(max=128)])


class PasswordForm(Form):
    current_password = PasswordField("当前密码", validators=[DataRequired("请填写当前密码")])
    new_password = PasswordField("新密码", validators=[DataRequired("请填写新密码")])
    confirm = PasswordField(
        "确认新密码",
        validators=[DataRequired("请再次填写新密码"), EqualTo("new_password", "两次填写的新密码不一致")],
    )

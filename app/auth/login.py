"""Flask-Login wiring: the cookie names a user *and* their current session token."""

from __future__ import annotations

import hmac

from flask import Flask
from flask_login import LoginManager

from app.database import db
from core.people import User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "warning"
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """A user from ``"<id>:<token>"``; a stale token (signed out, password changed) loads no one."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or len(raw_id) > 10:
        return None
    user = db().get(User, int(raw_id))
    if user is None or not user.is_active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def init_login(app: Flask) -> None:
    login_manager.init_app(app)

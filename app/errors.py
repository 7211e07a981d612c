"""Every refusal and failure becomes a clear page in Chinese — never a bare 5xx.

One place maps what went wrong to what the user sees, after the transaction has been
rolled back (:func:`app.database.abandon`):

- a domain error on a form page (``ValidationError``, ``Conflict``…) shows the form again
  with the user's input and the message (:func:`_show_form_again`); on a button that only
  posts (a workflow step), the message is flashed on the page the user came from;
- a unique rule of the database (two people registering one credit code at once) and a
  stale optimistic lock become the same ``Conflict`` — 409, naming what collided;
- anything else gets its status page; an unexpected exception is logged and answered
  with a 500 page that needs nothing from the database.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, flash, g, jsonify, redirect, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app.database import abandon
from app.security import safe_path
from core.db import conflict_message, is_contention
from core.errors import Conflict, DomainError, StaleEdit, ValidationError

TITLES = {
    400: "请求无效",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持的请求方式",
    409: "操作冲突",
    413: "文件过大",
    422: "提交的内容有误",
    429: "操作过于频繁",
    500: "系统出错了",
}
DEFAULT_MESSAGES = {
    400: "请求无效，请返回上一页重试。",
    403: "您没有访问此页面或执行此操作的权限。",
    404: "您要找的记录不存在，或不在您的辖区内。",
    405: "不支持的请求方式。",
    409: "该操作与当前数据状态冲突，请刷新页面后重试。",
    413: "上传的文件过大（单次上传不超过 25 MB）。",
    422: "提交的内容有误，请检查后重新提交。",
    429: "操作过于频繁，请稍后再试。",
    500: "系统遇到了意外错误，本次操作未生效。请稍后重试；如问题持续，请联系系统管理员。",
}
STALE = "该记录已被他人修改。为避免覆盖他人的修改，本次保存未生效。"
BUSY = "系统正忙或与他人的操作同时发生，本次操作未生效，请稍后重试。"


def wants_json() -> bool:
    """A script's request (autosave): it reads the refusal as JSON, not as a page."""
    return request.headers.get("X-Requested-With") == "fetch"


def error_page(status: int, message: str | None = None, fields: dict[str, str] | None = None) -> Any:
    """The status page; a server error draws it without the navigation (no database needed)."""
    if wants_json():
        return jsonify({"error": message or DEFAULT_MESSAGES.get(status, ""), "fields": fields or {}}), status
    g.bare = status >= 500
    if g.bare:  # Flask-Login's context processor would load the user: from the database that just failed
        g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    return render_template(
        "error.html",
        status=status,
        title=TITLES.get(status, "出错了"),
        message=message or DEFAULT_MESSAGES.get(status, ""),
    ), status


def refuse(exc: DomainError) -> Any:
    """Answer a refused request: the form again, the previous page with a message, or a page."""
    abandon()
    if wants_json():
        return error_page(exc.status, exc.message, getattr(exc, "errors", None))
    if request.method != "POST" or exc.status in (403, 404) or g.get("refusal") is not None:
        return error_page(exc.status, exc.message)
    if _is_form_page():
        return _show_form_again(exc)
    back = safe_path(request.form.get("back")) or safe_path(request.referrer, same_host=request.host_url)
    if back:
        flash(exc.message, "danger")
        return redirect(back, code=303)
    return error_page(exc.status, exc.message)


def _is_form_page() -> bool:
    """A POST to a URL that also answers GET: the page of a form, which can be drawn again."""
    rule = request.url_rule
    return rule is not None and rule.methods is not None and "GET" in rule.methods


def _show_form_again(exc: DomainError) -> Any:
    """Run the view again on a fresh transaction, with the refusal for its form to show.

    The form (``app.forms.Form``) picks up ``g.refusal``: it keeps what the user typed,
    puts each message on its field, and after a stale edit carries the saved values and
    the current version, so the user can compare and apply their change again.
    """
    g.refusal = exc
    view = current_app.view_functions[request.endpoint or ""]
    result = view(**(request.view_args or {}))
    body = result[0] if isinstance(result, tuple) else result
    return body, exc.status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Any:
        return refuse(exc)

    @app.errorhandler(StaleDataError)
    def _stale(_exc: StaleDataError) -> Any:
        return refuse(StaleEdit(STALE))

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError) -> Any:
        message = conflict_message(exc)
        if message is None:
            app.logger.warning("integrity error on %s %s: %s", request.method, request.path, exc.orig)
            return refuse(ValidationError("提交的数据不符合系统的数据规则，本次操作未生效，请检查后重试。"))
        return refuse(Conflict(message))

    @app.errorhandler(OperationalError)
    def _busy(exc: OperationalError) -> Any:
        if not is_contention(exc):
            return _crash(exc)
        app.logger.warning("database contention on %s %s: %s", request.method, request.path, exc.orig)
        return refuse(Conflict(BUSY))

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError) -> tuple[str, int]:
        abandon()
        return error_page(400, "页面已过期或表单校验失败（CSRF），请刷新页面后重新提交。")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str, int] | HTTPException | Response:
        if exc.code is None or exc.code < 400:
            return exc
        abandon()
        said = exc.description if isinstance(exc, RateLimitExceeded) and exc.limit.error_message else None
        return error_page(exc.code, said)

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> tuple[str, int]:
        abandon()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path, exc_info=exc)
        return error_page(500)

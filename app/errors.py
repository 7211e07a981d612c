"""Error pages in Chinese, and the one mapping from domain errors to HTTP statuses."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.errors import DomainError

TITLES = {
    400: "请求无效",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持的请求方式",
    409: "操作冲突",
    413: "文件过大",
    422: "提交的内容有误",
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
    500: "系统遇到了意外错误，本次操作未生效。请稍后重试；如问题持续，请联系系统管理员。",
}


def error_page(status: int, message: str | None = None) -> tuple[str, int]:
    return render_template(
        "error.html",
        status=status,
        title=TITLES.get(status, "出错了"),
        message=message or DEFAULT_MESSAGES.get(status, ""),
    ), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> tuple[str, int]:
        return error_page(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError) -> tuple[str, int]:
        return error_page(400, "页面已过期或表单校验失败（CSRF），请刷新页面后重新提交。")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str, int] | HTTPException:
        if exc.code is None or exc.code < 400:
            return exc
        return error_page(exc.code)

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> tuple[str, int]:
        app.logger.exception("Unhandled error on %s %s", request.method, request.path, exc_info=exc)
        return error_page(500)

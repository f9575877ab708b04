"""Error pages in Chinese, without stack traces; domain errors keep their status."""
import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, PendingRollbackError
from sqlalchemy.orm.exc import StaleDataError

from .extensions import db
from .rules import DomainError

MESSAGES = {
    400: ("请求有误", "提交的内容不完整或格式不对，请返回上一页检查后重试。"),
    403: ("无权访问", "您没有权限执行此操作。"),
    404: ("页面不存在", "没有找到您要的页面，可能链接有误或内容已撤回。"),
    405: ("请求方式不对", "请从页面上的按钮或链接进入。"),
    409: ("内容已更新", "该内容已被他人更新，请刷新页面后再操作。"),
    413: ("内容过大", "提交的内容或附件超过大小限制（附件每个不超过10MB），请压缩后再试。"),
    429: ("操作过于频繁", "请稍后再试。"),
    500: ("系统繁忙", "服务器暂时出错，请稍后再试；如一直出现，请联系平台办公室。"),
}


def register_error_pages(app: Flask) -> None:
    for status in MESSAGES:
        app.register_error_handler(status, lambda exc, status=status: error_page(status))
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(DomainError, lambda exc: error_page(exc.status_code, str(exc)))
    for conflict in (StaleDataError, IntegrityError, PendingRollbackError):
        app.register_error_handler(conflict, _conflict)


def _conflict(exc):
    """Two requests changed the same row at once: the session is rolled back before anything renders,
    and the loser is told to reload (what the winner saved stays)."""
    db.session.rollback()
    logging.getLogger(__name__).info("conflict on %s: %s", request.path, type(exc).__name__)
    return error_page(409)


def error_page(status: int, detail: str | None = None):
    if status >= 500:
        logging.getLogger(__name__).error("server error on %s", request.path, exc_info=True)
    title, text = MESSAGES.get(status, MESSAGES[400])
    return render_template("errors/error.html", title=title, text=detail or text, status=status), status


def _csrf_error(exc):
    """An expired form: for the web message form, show it again with everything typed kept."""
    if request.endpoint == "public.write":
        from .public.forms import WriteForm
        from .services.common import policy

        form = WriteForm(policy(), formdata=request.form, meta={"csrf": True})
        return render_template("public/write.html", form=form,
                               error="页面停留时间过长，安全校验已过期。您填写的内容已保留，请再次点击提交。"), 400
    return error_page(400, "页面已过期，请刷新后重新提交。")

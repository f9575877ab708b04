"""Sign in (with lockout), sign out, change password."""
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..services import DomainError, accounts, limits
from . import bp


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名")])
    password = PasswordField("密码", validators=[DataRequired("请填写密码")])


class PasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请填写当前密码")])
    new = PasswordField("新密码（至少10位）", validators=[DataRequired("请填写新密码")])
    repeat = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码")])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form), 400 if request.method == "POST" else 200
    config = current_app.config
    # Failures from one client across all names: one client cannot lock out every official by name.
    client = {"kind": "login:ip", "value": request.remote_addr or "", "limit": config["LOGIN_LIMIT_PER_CLIENT"],
              "per_seconds": config["LOGIN_LOCK_MINUTES"] * 60}
    if limits.exhausted(**client):
        return render_template("admin/login.html", form=form, error="登录失败次数过多，请稍后再试。"), 429
    try:
        user = accounts.authenticate(form.username.data, form.password.data,
                                     max_failures=config["LOGIN_MAX_FAILURES"],
                                     lock_minutes=config["LOGIN_LOCK_MINUTES"])
    except DomainError as exc:
        limits.allow(**client)  # counts the failure
        return render_template("admin/login.html", form=form, error=str(exc)), exc.status_code
    login_user(user)  # the idle clock starts with the session it writes (carry_activity_with_the_cookie)
    return redirect(_safe_next(request.args.get("next")) or url_for("admin.inbox"))


@bp.post("/logout")
def logout():
    accounts.sign_out(current_user)
    logout_user()
    flash("您已退出登录。")
    return redirect(url_for("admin.login"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    if not form.validate_on_submit():
        return render_template("admin/password.html", form=form), 400 if request.method == "POST" else 200
    try:
        accounts.change_password(current_user, current=form.current.data, new=form.new.data,
                                 repeat=form.repeat.data)
    except DomainError as exc:
        return render_template("admin/password.html", form=form, error=str(exc)), exc.status_code
    login_user(current_user._get_current_object())  # the new token: other browsers are signed out, this one not
    flash("密码已修改，其他设备上的登录已失效。")
    return redirect(url_for("admin.inbox"))


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect."""
    if not target:
        return None
    if any(ch in target for ch in "\r\n\\") or any(ord(ch) < 32 for ch in target):
        return None  # no header splitting, and no "/\\evil.example" that browsers read as another host
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/admin") else None

"""Sign in (with lockout), sign out, change password."""
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..services import DomainError, accounts
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
    try:
        user = accounts.authenticate(form.username.data, form.password.data,
                                     max_failures=config["LOGIN_MAX_FAILURES"],
                                     lock_minutes=config["LOGIN_LOCK_MINUTES"])
    except DomainError as exc:
        return render_template("admin/login.html", form=form, error=str(exc)), exc.status_code
    login_user(user)
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
    flash("密码已修改。")
    return redirect(url_for("admin.inbox"))


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/admin") else None

"""Staff accounts."""
import re

from sqlalchemy import select

from ..extensions import db
from ..models import Unit, User
from ..rules.workflow import UNIT, Role
from .common import DomainError, commit, flush, record

USERNAME = re.compile(r"^[a-z0-9_.-]{3,40}$")
STAFF_ROLES = [r for r in Role if r != Role.CITIZEN]


def create_user(*, username: str, name: str, role: str, password: str, unit: Unit | None = None,
                phone: str = "", email: str = "", actor) -> User:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise DomainError("用户名须为3至40位小写字母、数字、点、下划线或连字符。")
    if role not in STAFF_ROLES:
        raise DomainError(f"未知的角色：{role}，可选：{'、'.join(STAFF_ROLES)}")
    if role in UNIT and unit is None:
        raise DomainError("承办单位人员须指定所属单位。")
    _check_password(password)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise DomainError(f"用户名“{username}”已被使用。")
    user = User(username=username, name=name.strip() or username, role=role, unit=unit, phone=phone, email=email)
    user.set_password(password)
    db.session.add(user)
    flush()
    record(None, "create_user", actor=actor, username=username, role=role, unit=unit.name if unit else None)
    commit()
    return user


class SignInRefused(DomainError):
    status_code = 401


def authenticate(username: str, password: str, *, max_failures: int, lock_minutes: int) -> User:
    """The user for these credentials. Repeated failures lock the account for a while; the
    message never says whether the user name exists."""
    from datetime import timedelta

    from .. import clock
    from ..display import datetime_cn

    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    now = clock.now()
    if user is not None and user.locked_until and user.locked_until > now:
        raise SignInRefused(f"该账号因多次密码错误已被锁定，请于{datetime_cn(user.locked_until)}后再试，"
                            "或联系系统管理员解锁。")
    if user is None or not user.active or not user.check_password(password):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= max_failures:
                user.locked_until, user.failed_logins = now + timedelta(minutes=lock_minutes), 0
            record(None, "login_failed", actor=user, username=user.username)
            commit()
        raise SignInRefused("用户名或密码不正确。")
    user.failed_logins, user.locked_until = 0, None
    record(None, "login", actor=user)
    commit()
    return user


def sign_out(user: User) -> None:
    if user.is_authenticated:
        record(None, "logout", actor=user)
        commit()


def change_password(user: User, *, current: str, new: str, repeat: str) -> None:
    if not user.check_password(current):
        raise DomainError("当前密码不正确。")
    if new != repeat:
        raise DomainError("两次输入的新密码不一致。")
    _check_password(new)
    user.set_password(new)
    record(None, "change_password", actor=user)
    commit()


def set_active(user: User, active: bool, *, actor) -> None:
    """Enable or disable an account; an admin cannot lock themselves out."""
    if user.id == actor.id and not active:
        raise DomainError("不能停用自己的账号。")
    user.active = active
    if active:
        user.failed_logins, user.locked_until = 0, None
    record(None, "set_user_active", actor=actor, username=user.username, active=active)
    commit()


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise DomainError("密码至少10位。")


UNIT_CONTACT_FIELDS = ("leader_name", "leader_phone", "responsible_name", "responsible_phone", "handler_name",
                       "handler_phone")


def update_unit_contacts(unit: Unit, values: dict, *, actor) -> None:
    """The unit's 分管领导, 责任人, 承办人 and their phones (LN 第五条)."""
    changes = {}
    for name in UNIT_CONTACT_FIELDS:
        value = (values.get(name) or "").strip()[:40]
        if value != getattr(unit, name):
            changes[name] = value
            setattr(unit, name, value)
    record(None, "update_unit", actor=actor, unit=unit.name, changes=changes)
    commit()


def unlock(user: User, *, actor) -> None:
    user.failed_logins, user.locked_until = 0, None
    record(None, "unlock_user", actor=actor, username=user.username)
    commit()

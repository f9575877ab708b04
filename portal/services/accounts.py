"""Staff accounts."""
import re
import secrets
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Unit, User
from ..models.people import password_hash_method
from ..rules.workflow import UNIT, Role
from . import limits
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
    """The user for these credentials. Repeated failures lock the name for a while. An unknown name
    answers the same messages, after the same password hash, as a known one: nothing tells them apart."""
    from .. import clock

    name = username.strip().lower()[:80]
    user = db.session.scalar(select(User).where(User.username == name))
    now = clock.now()
    locked_until = _locked_until(user, name, max_failures=max_failures, lock_minutes=lock_minutes)
    matches = check_password_hash(user.password_hash if user is not None else _dummy_hash(), password)
    if locked_until is not None:
        raise SignInRefused(_locked_message(locked_until))
    if user is None or not user.active or not matches:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= max_failures:
                user.locked_until, user.failed_logins = now + timedelta(minutes=lock_minutes), 0
            record(None, "login_failed", actor=user, username=user.username)
            commit()
        raise SignInRefused("用户名或密码不正确。")
    user.failed_logins, user.locked_until = 0, None
    if not user.session_token:
        user.rotate_session_token()
    record(None, "login", actor=user)
    commit()
    return user


def _locked_until(user: User | None, name: str, *, max_failures: int, lock_minutes: int):
    """When the lock on this name ends, or None. An unknown name is counted as a known one would be."""
    from .. import clock

    if user is not None:
        return user.locked_until if user.locked_until and user.locked_until > clock.now() else None
    seconds = lock_minutes * 60
    if limits.allow("login:unknown", name, limit=max_failures, per_seconds=seconds):
        return None
    return limits.window_end(seconds)


def _locked_message(until) -> str:
    from ..display import datetime_cn

    return f"该账号因多次密码错误已被锁定，请于{datetime_cn(until)}后再试，或联系系统管理员解锁。"


def _dummy_hash() -> str:
    """A hash of a random password, made as passwords are, once per process and method."""
    method = password_hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


_DUMMY_HASHES: dict[str, str] = {}


def sign_out(user: User) -> None:
    """Signs this user out of every browser: the token the cookies carry changes."""
    if user.is_authenticated:
        user.rotate_session_token()
        record(None, "logout", actor=user)
        commit()


def sign_out_everywhere(user: User, *, actor) -> None:
    """An admin ends every session of an account (a lost laptop, a captured cookie)."""
    user.rotate_session_token()
    record(None, "sign_out_everywhere", actor=actor, username=user.username)
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

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
    if len(password) < 10:
        raise DomainError("密码至少10位。")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise DomainError(f"用户名“{username}”已被使用。")
    user = User(username=username, name=name.strip() or username, role=role, unit=unit, phone=phone, email=email)
    user.set_password(password)
    db.session.add(user)
    flush()
    record(None, "create_user", actor=actor, username=username, role=role, unit=unit.name if unit else None)
    commit()
    return user

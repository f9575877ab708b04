"""Units (承办单位) in their hierarchy, and the staff who sign in."""
import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import fk, utcnow

UNIT_KINDS = {  # LN 第五条; the platform office itself is a unit too
    "platform": "平台办公室",
    "department": "市直部门",
    "county": "县（市、区）、管委会",
    "township": "乡镇（街道）",
    "enterprise": "公共服务企事业单位",
}


class Unit(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = fk("unit.id", nullable=True)
    # LN 第五条: 明确分管领导、责任人、承办人 — names and phones for the contact sheet.
    leader_name: Mapped[str] = mapped_column(String(40), default="")
    leader_phone: Mapped[str] = mapped_column(String(40), default="")
    responsible_name: Mapped[str] = mapped_column(String(40), default="")
    responsible_phone: Mapped[str] = mapped_column(String(40), default="")
    handler_name: Mapped[str] = mapped_column(String(40), default="")
    handler_phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")
    users: Mapped[list["User"]] = relationship(back_populates="unit")

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"


def password_hash_method() -> str:
    """The configured way to hash passwords (the test suite makes it cheap)."""
    return current_app.config.get("PASSWORD_HASH", "scrypt") if has_app_context() else "scrypt"


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), index=True)
    unit_id: Mapped[int | None] = fk("unit.id", nullable=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of the session cookie: a new token signs out every browser (logout, new password, an admin).
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))

    unit: Mapped[Unit | None] = relationship(back_populates="users")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = secrets.token_hex(16)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in to inactive users
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"

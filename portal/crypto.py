"""Encryption at rest for personal data (R9.2, CZ 第十二条): a copied database file exposes nothing.

Keys are Fernet keys, newest first: from WENZHENG_DATA_KEYS (comma-separated) or from
instance/data_keys, generated once. Never in the repository. Older keys still decrypt, so a
rotation re-encrypts every row with the newest key and then drops the rest (`flask rotate-data-key`).
"""
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.types import TypeDecorator

_keys: list[bytes] = []
KEY_FILE = "data_keys"


class KeyError_(RuntimeError):
    pass


def load_keys(instance: Path) -> list[str]:
    if from_env := os.environ.get("WENZHENG_DATA_KEYS"):
        return [k.strip() for k in from_env.split(",") if k.strip()]
    path = instance / KEY_FILE
    if not path.exists():
        write_key_file(path, [Fernet.generate_key().decode()])
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def write_key_file(path: Path, keys: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".new")
    temporary.write_text("\n".join(keys) + "\n")
    temporary.chmod(0o600)
    temporary.replace(path)


def configure(keys: list[str]) -> None:
    try:
        _keys[:] = [Fernet(k.encode()) and k.encode() for k in keys]
    except ValueError:
        raise KeyError_("数据密钥格式不正确：应为 Fernet 密钥（44个字符的 base64 文本）。") from None


def _fernet() -> MultiFernet:
    if not _keys:
        raise KeyError_("数据密钥尚未配置。")
    return MultiFernet([Fernet(k) for k in _keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise KeyError_("无法解密个人信息：数据密钥不匹配。请检查 WENZHENG_DATA_KEYS 或 instance/data_keys。") from None


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    return _fernet().rotate(token.encode()).decode()


def rotate_rows(table, progress=lambda n: None) -> int:
    """Re-encrypt every Encrypted column of ``table`` with the newest key, reading and writing the
    tokens as they are stored (type_coerce bypasses the decrypt-encrypt of the column type)."""
    from .extensions import db

    columns = [c for c in table.columns if isinstance(c.type, Encrypted)]
    rows = db.session.execute(select(table.c.id, *(type_coerce(c, Text).label(c.name) for c in columns))).all()
    for row in rows:
        values = {c.name: type_coerce(rotate(getattr(row, c.name)), Text) for c in columns if getattr(row, c.name)}
        if values:
            db.session.execute(table.update().where(table.c.id == row.id).values(**values))
        progress(1)
    return len(rows)


class Encrypted(TypeDecorator):
    """Text stored as a Fernet token; empty stays empty (it tells nothing)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return encrypt(value) if value else value

    def process_result_value(self, value, dialect):
        return decrypt(value) if value else value

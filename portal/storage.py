"""Uploaded files, kept under UPLOAD_DIR (outside static/) by a random key."""
import secrets
from pathlib import Path

from flask import current_app

from .models import Attachment
from .services.common import DomainError

ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
MAX_BYTES = 10 * 1024 * 1024


def save_upload(*, filename: str, content_type: str, data: bytes) -> Attachment:
    if content_type not in ALLOWED_TYPES:
        raise DomainError("附件类型不支持，请上传 PDF、图片、Word 或 Excel 文件。")
    if not data:
        raise DomainError("附件是空文件。")
    if len(data) > MAX_BYTES:
        raise DomainError(f"附件超过{MAX_BYTES // 1024 // 1024}MB，请压缩后再上传。")
    key = secrets.token_hex(16) + ALLOWED_TYPES[content_type]
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / key).write_bytes(data)
    safe_name = Path(filename or "附件").name[:200]
    return Attachment(filename=safe_name, content_type=content_type, size=len(data), storage_key=key)


def upload_path(attachment: Attachment) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / attachment.storage_key

"""Uploaded files, kept under UPLOAD_DIR (outside static/) by a random key."""
import secrets
from pathlib import Path

import filetype
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
# Word 97 and Excel 97 files share one container; its signature is all the bytes tell.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_TYPES = {"application/msword", "application/vnd.ms-excel"}


IMAGES_AND_PDF = frozenset(t for t in ALLOWED_TYPES if t.startswith("image/") or t == "application/pdf")


def save_upload(*, filename: str, content_type: str, data: bytes, allowed=None) -> Attachment:
    """Stored under the type the bytes show, whatever the browser declared (an HTML page named .png is refused).
    ``allowed`` narrows the types (a citizen's message takes images and PDF only)."""
    if not data:
        raise DomainError("附件是空文件。")
    content_type = sniffed_type(data, declared=content_type)
    if content_type not in (allowed or ALLOWED_TYPES):
        kinds = "图片或 PDF 文件" if allowed == IMAGES_AND_PDF else "PDF、图片、Word 或 Excel 文件"
        raise DomainError(f"附件类型不支持（“{Path(filename or '').name[:60]}”），请上传{kinds}。")
    if len(data) > MAX_BYTES:
        raise DomainError(f"附件超过{MAX_BYTES // 1024 // 1024}MB，请压缩后再上传。")
    key = secrets.token_hex(16) + ALLOWED_TYPES[content_type]
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / key).write_bytes(data)
    safe_name = Path(filename or "附件").name[:200]
    return Attachment(filename=safe_name, content_type=content_type, size=len(data), storage_key=key)


def sniffed_type(data: bytes, *, declared: str) -> str | None:
    if data.startswith(OLE_SIGNATURE) and declared in OLE_TYPES:
        return declared
    return filetype.guess_mime(data)


def upload_path(attachment: Attachment) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / attachment.storage_key

"""The Open311 API's clients: keys an admin issues and revokes, and the messages they submit
through the same intake as the public form (same validation, limits and query code)."""
import hashlib
import secrets

from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import ApiKey, ApiSubmission, Message
from .common import DomainError, NotFound, commit, record, require_text
from .intake import submit_message


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()  # keys are random, 32 bytes: no slow hash needed


def issue_key(client: str, *, actor) -> tuple[ApiKey, str]:
    """A new key for ``client``; the key itself is returned once and never stored."""
    client = require_text(client, "客户端名称")
    if len(client) > 80:
        raise DomainError("客户端名称最多80个字。")
    key = secrets.token_urlsafe(32)
    api_key = ApiKey(client=client, key_hash=_digest(key), created_by_id=actor.id)
    db.session.add(api_key)
    record(None, "api_key_issued", actor=actor, client=client)
    commit()
    return api_key, key


def revoke_key(api_key_id: int, *, actor) -> ApiKey:
    api_key = db.session.get(ApiKey, api_key_id)
    if api_key is None:
        raise NotFound("没有找到该密钥。")
    if api_key.revoked_at is None:
        api_key.revoked_at = clock.now()
        record(None, "api_key_revoked", actor=actor, client=api_key.client)
        commit()
    return api_key


def key_for(key: str) -> ApiKey | None:
    """The active key matching ``key``, else None."""
    if not key:
        return None
    api_key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(key)))
    return api_key if api_key is not None and api_key.active else None


def submit_through_api(api_key: ApiKey, **fields) -> tuple[Message, str, str]:
    """A citizen's message sent by an API client: (message, query code, token)."""
    message, code = submit_message(**fields, api_client=api_key.client)
    token = secrets.token_hex(16)
    db.session.add(ApiSubmission(token=token, message_id=message.id, api_key_id=api_key.id))
    commit()
    return message, code, token


def submission_for(token: str) -> ApiSubmission | None:
    return db.session.scalar(select(ApiSubmission).where(ApiSubmission.token == token))

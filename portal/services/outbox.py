"""Queue SMS and email in the outbox. The dedupe key makes a repeated queue a no-op."""
from sqlalchemy import select

from ..extensions import db
from ..models import Message, Notification


def queue(key: str, *, channel: str, recipient: str, body: str, name: str = "", subject: str = "",
          message: Message | None = None) -> Notification | None:
    """Add a notification unless one with ``key`` exists or there is nowhere to send it."""
    if not recipient:
        return None
    if db.session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
        return None
    note = Notification(dedupe_key=key, channel=channel, recipient=recipient, recipient_name=name,
                        subject=subject, body=body, message=message)
    db.session.add(note)
    return note


def notify_petitioner(message: Message, key: str, body: str) -> None:
    petitioner = message.petitioner
    if petitioner and petitioner.phone:
        queue(f"{key}:{message.id}", channel="sms", recipient=petitioner.phone, name=petitioner.name,
              body=body, message=message)

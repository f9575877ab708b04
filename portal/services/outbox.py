"""The outbox: SMS and email queued by the actions and by `tick`, delivered by `deliver()`.

Queueing is idempotent (the dedupe key). Delivery takes what is due, hands each notification to
the channel's sender (portal/notify.py) and retries a failure with growing pauses — 1, 5, 25, 125
minutes — until NOTIFY_MAX_ATTEMPTS; then the notification is marked failed and shown to the office,
who can send it again by hand.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from .. import clock
from ..extensions import db
from ..models import Message, Notification
from ..notify import SendError
from .common import DomainError, commit, record

BATCH = 500


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


def notify_unit(assignment, key: str, body: str) -> None:
    """An SMS to each active handler of the assignment's unit."""
    for user in assignment.unit.users:
        if user.role == "handler" and user.active:
            queue(f"{key}:{user.id}", channel="sms", recipient=user.phone, name=user.name,
                  message=assignment.message, body=body)


def backoff(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failure: 1, 5, 25, 125 … minutes."""
    return timedelta(minutes=5 ** (attempts - 1))


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver(now: datetime | None = None, batch: int = BATCH) -> DeliveryReport:
    """Send everything due now, oldest first, committing after every batch."""
    now = now or clock.now()
    report = DeliveryReport()
    held = _held_at_night(now)
    while True:
        due = db.session.scalars(select(Notification).where(
            Notification.status == "pending", *held,
            or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
            .order_by(Notification.id).limit(batch)
            # Two hosts delivering at once: each takes rows the other has not locked; none is sent twice.
            .with_for_update(skip_locked=True)).all()
        _send_batch(due, now, report)
        commit()
        if len(due) < batch:
            return report


def quiet_at(now: datetime) -> bool:
    """Within the configured quiet hours, China time (SMS_QUIET_HOURS, e.g. 21 to 8)."""
    hours = current_app.config.get("SMS_QUIET_HOURS")
    if not hours:
        return False
    start, end = hours
    hour = clock.local_time(now).hour
    return start <= hour or hour < end if start > end else start <= hour < end


SECRET_KEY_PREFIX = "query-code:"  # an SMS carrying a new query code: sent at once, its text wiped once sent


def _held_at_night(now: datetime) -> tuple:
    """At night SMS wait for the morning, except those about an urgent (突发) matter and a query code the
    citizen has just asked for; emails go."""
    if not quiet_at(now):
        return ()
    urgent = select(Message.id).where(Message.is_emergency)
    return (or_(Notification.channel != "sms", Notification.message_id.in_(urgent),
                Notification.dedupe_key.startswith(SECRET_KEY_PREFIX)),)


def _send_batch(due: list[Notification], now: datetime, report: DeliveryReport) -> None:
    senders = current_app.extensions["wenzheng_senders"]
    most = current_app.config.get("NOTIFY_MAX_ATTEMPTS", 5)
    for note in due:
        try:
            senders[note.channel].send(note.recipient, note.body, subject=note.subject, name=note.recipient_name)
        except (SendError, OSError) as exc:
            note.attempts += 1
            note.last_error = str(exc)[:500]
            if note.attempts >= most:
                note.status, note.next_attempt_at = "failed", None
                report.failed += 1
            else:
                note.next_attempt_at = now + backoff(note.attempts)
                report.retrying += 1
            continue
        note.attempts += 1
        note.status, note.sent_at, note.next_attempt_at, note.last_error = "sent", now, None, ""
        if note.dedupe_key.startswith(SECRET_KEY_PREFIX):  # the code lives on in the citizen's phone only
            note.body = "（新的查询码已发送，短信内容已删除）"
        report.sent += 1


def resend(note: Notification, *, actor) -> None:
    """Send a failed notification again at the next delivery (the office fixed the number or the server)."""
    if note.status != "failed":
        raise DomainError("只有发送失败的通知可以重发。")
    note.status, note.attempts, note.next_attempt_at = "pending", 0, None
    record(note.message, "resend_notification", actor=actor, notification=note.id)  # the id, never the person
    commit()

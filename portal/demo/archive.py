"""`seed-demo --archive 附件4.xlsx`: the whole real archive as the demo's published replies.

The rows go through the importer and each answered message through the review: the redaction engine
proposes the public text and the reviewer publishes it, so every published reply is one the
confidentiality rules produced. A reply signed by a unit the demo city has is that unit's; most replies of
the 2020 data are not (1,880 of 2,816 name no unit at all): those are shown as what they are, the original
platform's replies (ARCHIVE_UNIT, a unit no one can assign to), not credited to a demo unit. Each keeps the
day it was published there, and its topic is the routing classifier's. Rows the demo already holds (the
bundled sample) are left out.
"""
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Message, Unit, User
from ..routing import store
from ..rules.text import clean
from ..rules.workflow import Role
from ..services import SYSTEM, publication, redaction
from ..services.common import policy
from ..services.importing import import_rows
from .sample import classify


@dataclass
class ArchiveReport:
    taken: int
    skipped: Counter
    published: int


def load(source: str, rows: list[dict], progress=lambda n: None) -> ArchiveReport:
    """Import ``rows`` (read_rows of the file named ``source``) and publish them; ``progress`` is
    advanced once per row and once per message published."""
    known = set(db.session.execute(select(Message.subject, Message.body)).all())
    given = len(rows)
    rows = [row for row in rows if (clean(str(row.get("subject") or ""))[:200],
                                    clean(str(row.get("body") or ""))[:5000]) not in known]
    progress(given - len(rows))  # the demo holds these already
    rows = _with_topics(rows)
    report = import_rows(rows, source=source, channel=policy().web_channel, actor=SYSTEM,
                         publish_consent=True, progress=progress, route=_router())
    return ArchiveReport(report.taken, report.skipped, _publish_all(source, progress))


def _with_topics(rows: list[dict]) -> list[dict]:
    """Each row's topic as the routing classifier guesses it (`seed-demo --archive` trains one first
    when none is saved); without a model, the sample's keyword rules."""
    model = store.current_model()
    texts = [(clean(str(row.get("subject") or "")), clean(str(row.get("body") or ""))) for row in rows]
    if model is None:
        return [row | {"topic": classify(*text)[1]} for row, text in zip(rows, texts, strict=True)]
    return [row | {"topic": guess.topic} for row, guess in zip(rows, model.guess_many(texts), strict=True)]


ARCHIVE_UNIT = "原问政平台（2020年归档答复）"


def _router():
    """The unit of a reply that names none the city has: the original platform, never a demo unit."""
    unit = db.session.scalar(select(Unit).where(Unit.name == ARCHIVE_UNIT))
    if unit is None:
        unit = Unit(name=ARCHIVE_UNIT, short_name="原平台", kind="department", active=False)
        db.session.add(unit)
        db.session.commit()
    return lambda row: unit


def _publish_all(source: str, progress, chunk: int = 100) -> int:
    ids = db.session.scalars(select(Message.id).where(Message.source_ref.like(f"{source}:%"),
                                                      Message.publication == "pending",
                                                      Message.answered_at.is_not(None)).order_by(Message.id)).all()
    with publication.index_afterwards():
        for start in range(0, len(ids), chunk):
            # A commit expires every object the session holds: a few at a time keeps each one cheap.
            db.session.expunge_all()
            reviewer = db.session.scalar(select(User).where(User.role == Role.REVIEWER, User.active))
            for message in db.session.scalars(select(Message).where(Message.id.in_(ids[start:start + chunk]))):
                _publish(message, reviewer)
                progress(1)
    return len(ids)


def _publish(message: Message, reviewer: User) -> None:
    proposal = redaction.propose(message)
    publication.publish(message, actor=reviewer, subject=proposal.public["subject"], body=proposal.public["body"],
                        reply_text=proposal.public["reply"], published_at=message.answered_at)

"""The suggestion shown to the screener and the dispatcher: the topic with its probability, and the
lead unit — the county or district the message names, else the unit the office has most often made
lead for that topic — and how often the office took the suggestion."""
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import Event, Message, Unit
from .store import current_model

PLACE_KINDS = ("county",)
DEPARTMENT_KINDS = ("department", "enterprise")


@dataclass(frozen=True)
class Suggestion:
    topic: str
    confidence: float
    unit_id: int | None
    unit_name: str
    unit_reason: str


def suggest(message: Message) -> Suggestion | None:
    model = current_model()
    if model is None:
        return None
    guess = model.guess(message.subject, message.body)
    unit, reason = _place_named(message)
    if unit is None:
        unit, reason = _usual_lead(guess.topic)
    return Suggestion(guess.topic, guess.confidence, unit.id if unit else None, unit.name if unit else "", reason)


def _place_named(message: Message) -> tuple[Unit | None, str]:
    text = f"{message.region} {message.subject} {message.body}"
    for unit in db.session.scalars(select(Unit).where(Unit.kind.in_(PLACE_KINDS), Unit.active).order_by(Unit.id)):
        for name in {unit.short_name, unit.name, unit.name.removesuffix("人民政府")} - {""}:
            if name in text:
                return unit, f"留言提到“{name}”"
    return None, ""


def _usual_lead(topic: str) -> tuple[Unit | None, str]:
    """The department the office has most often made lead for messages of ``topic``."""
    row = db.session.execute(
        select(Unit, func.count()).join(Message, Message.lead_unit_id == Unit.id)
        .where(Message.topic == topic, Unit.kind.in_(DEPARTMENT_KINDS), Unit.active)
        .group_by(Unit.id).order_by(func.count().desc(), Unit.id).limit(1)).first()
    if row is None:
        return None, "该领域尚无交办记录"
    return row[0], f"该领域以往{row[1]}次由其牵头办理"


@dataclass(frozen=True)
class Uptake:
    decisions: int
    topic_taken: int
    unit_taken: int
    days: int

    @property
    def rate(self) -> float | None:
        return self.topic_taken / self.decisions if self.decisions else None


def uptake(days: int = 90) -> Uptake:
    """How often the office took the suggested topic and lead unit over the last ``days`` days."""
    data = db.session.scalars(select(Event.data).where(Event.kind == "routing_decision",
                                                       Event.created_at >= clock.now() - timedelta(days=days)))
    counts = Counter()
    for item in data:
        if item.get("suggested_topic"):
            counts["decisions"] += 1
            counts["topic"] += bool(item.get("took_topic"))
            counts["unit"] += bool(item.get("took_unit"))
    return Uptake(counts["decisions"], counts["topic"], counts["unit"], days)

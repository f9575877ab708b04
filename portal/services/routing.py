"""The screener's or the dispatcher's decision on a routing suggestion: the topic and the lead unit
taken or changed, recorded with the suggestion so that the office can see how often it took it."""
from .. import clock
from ..models import Message, Unit
from ..routing.classifier import TOPICS
from ..rules.workflow import Role, Status
from .common import DomainError, Forbidden, check_version, commit, record

DECIDERS = (Role.OPERATOR, Role.DISPATCHER)
OPEN_TO_ROUTING = (Status.RECEIVED, Status.TO_ASSIGN)
CHOICES = (*TOPICS, "其他")


def may_decide(message: Message, actor) -> bool:
    return actor.role in DECIDERS and message.status in OPEN_TO_ROUTING


def decide_routing(message: Message, *, actor, topic: str, unit: Unit | None, suggestion=None,
                   version: int | None = None) -> None:
    """Keep ``topic`` on the message and record the lead unit chosen against ``suggestion``."""
    if not may_decide(message, actor):
        raise Forbidden("只有受理和交办人员可以在交办前确认领域和牵头单位。")
    check_version(message, version)
    if topic not in CHOICES:
        raise DomainError("请选择领域。")
    message.topic = topic
    message.updated_at = clock.now()
    record(message, "routing_decision", actor=actor, topic=topic, unit=unit.name if unit else None,
           unit_id=unit.id if unit else None, **_against(suggestion, topic, unit))
    commit()


def _against(suggestion, topic: str, unit: Unit | None) -> dict:
    if suggestion is None:
        return {}
    return {"suggested_topic": suggestion.topic, "suggested_unit": suggestion.unit_name or None,
            "confidence": round(suggestion.confidence, 3), "took_topic": suggestion.topic == topic,
            "took_unit": suggestion.unit_id == (unit.id if unit else None)}

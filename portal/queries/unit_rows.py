"""How each unit's rows (models.UnitMessage) should be, and where they are not: the check behind
`flask unit-rows --check` and the tests that prove the services keep them in step."""
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, or_, select

from ..extensions import db
from ..models import Assignment, Message, UnitMessage


def _pairs():
    """(message, unit) for every unit with an assignment on the message, in whatever state."""
    return select(Assignment.message_id, Assignment.unit_id).distinct().subquery("pairs")


def expected_rows():
    """The rows as they should be: message_id, unit_id, then UnitMessage.COPIED from the message."""
    pairs = _pairs()
    return select(Message.id, pairs.c.unit_id, *[getattr(Message, name) for name in UnitMessage.COPIED]).join(
        pairs, pairs.c.message_id == Message.id)


@dataclass
class Drift:
    missing: set[tuple[int, int]] = field(default_factory=set)  # (message, unit): an assignment, no row
    extra: set[tuple[int, int]] = field(default_factory=set)  # a row, no assignment: the unit would see too much
    stale: set[int] = field(default_factory=set)  # messages whose rows hold other values than the message

    @property
    def message_ids(self) -> set[int]:
        return {m for m, _ in self.missing} | {m for m, _ in self.extra} | self.stale

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.stale)


def drift() -> Drift:
    pairs = _pairs()
    U = UnitMessage
    missing = db.session.execute(select(pairs.c.message_id, pairs.c.unit_id).outerjoin(
        U, and_(U.message_id == pairs.c.message_id, U.unit_id == pairs.c.unit_id)).where(U.message_id.is_(None)))
    extra = db.session.execute(select(U.message_id, U.unit_id).where(~exists().where(
        Assignment.message_id == U.message_id, Assignment.unit_id == U.unit_id)))
    differs = [getattr(U, name).is_distinct_from(getattr(Message, name)) for name in U.COPIED]
    stale = db.session.scalars(select(U.message_id).join(Message, Message.id == U.message_id)
                               .where(or_(*differs)).distinct())
    return Drift({tuple(r) for r in missing}, {tuple(r) for r in extra}, set(stale))

"""Each unit's rows of the messages it has (or had) an assignment on (models.UnitMessage): what a
unit's queues read. Kept here, by the services, in the transaction that changes the message: every
move through the workflow (services/common.move) and every change of the lead in force
(deadlines.keep_lead_on_message) ends by calling keep_unit_rows. `flask unit-rows --check` compares
the rows with the assignments and the messages; `--repair` rewrites the rows of the messages that differ."""
from sqlalchemy import delete, insert

from ..extensions import db
from ..models import Message, UnitMessage
from ..queries.unit_rows import Drift, drift, expected_rows

NOT_NULL = frozenset(name for name in UnitMessage.COPIED if not UnitMessage.__table__.c[name].nullable)


def keep_unit_rows(message: Message) -> None:
    """One row per unit with an assignment on ``message`` (in any state: what the unit once had it
    still sees), each a copy of the message's queue columns; no row for any other unit."""
    with db.session.no_autoflush:  # a stale message is refused at the action's flush or commit, as before
        units = {a.unit_id if a.unit_id is not None else a.unit.id for a in message.assignments}
        if not units and not message.unit_rows:
            return
        for row in [row for row in message.unit_rows if row.unit_id not in units]:
            message.unit_rows.remove(row)  # never happens through the services: assignments stay
        have = {row.unit_id for row in message.unit_rows}
        message.unit_rows.extend(UnitMessage(unit_id=unit_id) for unit_id in sorted(units - have))
        for row in message.unit_rows:
            for name in UnitMessage.COPIED:
                value = getattr(message, name)
                if value is None and name in NOT_NULL:
                    continue  # a new message's column default (redo_round 0, region ""), the row's too
                if getattr(row, name) != value:
                    setattr(row, name, value)


def repair(found: Drift | None = None, chunk: int = 1000) -> Drift:
    """Rewrite the rows of every message whose rows differ from its assignments and columns; returns
    what was found. Set-based: a backfill of a million messages is one pass per chunk."""
    found = found or drift()
    ids = sorted(found.message_ids)
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        db.session.execute(delete(UnitMessage).where(UnitMessage.message_id.in_(part)))
        source = expected_rows().where(Message.id.in_(part))
        db.session.execute(insert(UnitMessage).from_select(["message_id", "unit_id", *UnitMessage.COPIED], source))
    db.session.commit()
    return found

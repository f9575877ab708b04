"""What the analysis report mines, stored by the scheduled run (`flask tick`): the open month and the
open quarter on every run (so that a view mines only what came in since), and each once more when it has
closed, so that a closed period's report never mines again. Idempotent: a period whose texts have not
changed since it was stored is left alone; one run at a time (tick's lock)."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..models import MinedPeriod
from ..queries import reports
from ..rules.periods import Period


def periods_to_mine(today: date) -> list[Period]:
    """The open month and quarter, the month and the quarter before (closed: mined once more, finally)."""
    month, quarter = Period.containing(today), Period.containing(today, "quarter")
    return [month, quarter, month.previous(), quarter.previous()]


def mine_periods(today: date) -> list[str]:
    """Store what the report mines from each period of periods_to_mine whose texts changed since it was
    stored, or that closed since; returns their keys."""
    done = []
    for period in periods_to_mine(today):
        texts = reports.period_texts(*reports.utc_bounds(period))
        closed = today >= period.end
        stored = db.session.scalar(select(MinedPeriod).where(MinedPeriod.period == period.key))
        digest = reports.digest_of(texts)
        # a period stored before its words were packed is mined again in full, once
        reusable = stored if stored is not None and stored.packed is not None else None
        if reusable is not None and reusable.digest == digest and reusable.closed == closed:
            continue
        if stored is None and not texts:
            continue
        mined = reports.mine(texts, reusable, digest=digest)
        if stored is None:
            stored = MinedPeriod(period=period.key)
            db.session.add(stored)
        stored.digest, stored.closed, stored.mined_at = digest, closed, clock.now()
        if mined.corpus is not None:
            stored.packed = mined.corpus.pack()
        stored.pairs = [list(pair) for pair in mined.pairs]
        stored.keywords = [list(keyword) for keyword in mined.keywords]
        stored.groups = mined.groups
        try:
            db.session.commit()
        except IntegrityError:  # stored meanwhile by a run that did not take the lock (SQLite, one host)
            db.session.rollback()
            continue
        done.append(period.key)
    return done

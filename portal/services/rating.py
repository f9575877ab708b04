"""Satisfaction ratings (R7.1) and the one redo round a first bad rating opens (R7.2)."""
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..display import date_cn
from ..extensions import db
from ..models import Rating, RedoRound
from ..rules.workflow import Action
from .common import CITIZEN, Conflict, check_version, commit, flush, move, policy, require, require_text
from .deadlines import set_period
from .outbox import notify_unit


def rate(message, *, level: str, comment: str = "", actor=CITIZEN, version: int | None = None) -> Rating:
    """Rate the reply of the current round. A first rating of 不满意 or worse sends the message
    back to the lead unit for one redo of the preset's window; the second rating is final.
    Staff (operator, reviewer) record the rating a phone caller gives on callback (R12.6): the
    rating is marked as recorded by them, and the callback note is required."""
    check_version(message, version)
    require(actor, Action.RATE, message)
    rules = policy()
    rules.rating_label(level)
    round_ = message.redo_round
    on_callback = actor.role != CITIZEN.role
    if on_callback:
        require_text(comment, "回访记录（诉求人的原话或意见）")
    rating = Rating(message_id=message.id, round=round_, level=level, comment=(comment or "").strip()[:500],
                    recorded_by_id=actor.id if on_callback else None)
    try:
        db.session.add(rating)
        if level in rules.redo_ratings and round_ < rules.redo_max_rounds:
            flush()
            _open_redo(message, rating, actor=actor)
        else:
            move(message, Action.RATE, actor=actor, level=level, round=round_, on_callback=on_callback)
        commit()
    except IntegrityError:  # the same rating sent twice at once (a double click): the first one stands
        db.session.rollback()
        raise Conflict("本次答复已经评价过，评价提交后不能修改。") from None
    return rating


def _open_redo(message, rating, *, actor) -> None:
    window = policy().redo_window_workdays
    today = clock.today()
    lead = message.lead_in_force()
    lead.state, lead.finished_at = "active", None
    set_period(lead, today, window)
    lead.counted_workdays += window
    message.redo_round += 1
    db.session.add(RedoRound(message_id=message.id, rating_id=rating.id, due_date=lead.due_date))
    move(message, Action.OPEN_REDO, actor=actor, level=rating.level, due_date=lead.due_date)
    notify_unit(lead, f"redo:{message.id}", f"留言（{message.tracking_no}）诉求人评价不满意，已发回重办，"
                                            f"请于{date_cn(lead.due_date)}前重新办理。")

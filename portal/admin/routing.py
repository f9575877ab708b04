"""The routing suggestion on the message page (templates/admin/_routing.html) and its decision."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Unit
from ..routing.suggest import suggest, uptake
from ..services import DomainError
from ..services.routing import CHOICES, decide_routing, may_decide
from . import bp


@bp.context_processor
def routing_helpers():
    return {"routing_panel": routing_panel}


def routing_panel(message) -> dict | None:
    """What the panel shows this user for ``message``, or None when it is not theirs to decide."""
    if not current_user.is_authenticated or not may_decide(message, current_user):
        return None
    units = db.session.scalars(select(Unit).where(Unit.active, Unit.kind != "platform").order_by(Unit.kind, Unit.name))
    return {"suggestion": suggest(message), "topics": CHOICES, "units": units.all(), "uptake": uptake()}


@bp.post("/messages/<int:message_id>/routing")
def decide_route(message_id: int):
    from .messages import load_visible

    message = load_visible(message_id)
    unit_id = request.form.get("unit", type=int)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit_id and unit is None:
        abort(400)
    try:
        decide_routing(message, actor=current_user, topic=request.form.get("topic", ""), unit=unit,
                       suggestion=suggest(message), version=request.form.get("version", type=int))
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc))
        return redirect(url_for("admin.message", message_id=message_id), 303)
    flash(f"已确认领域“{message.topic}”" + (f"，牵头单位“{unit.name}”。" if unit else "。"))
    return redirect(url_for("admin.message", message_id=message_id) + "#routing")

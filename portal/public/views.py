"""Public pages. Until the portal (issue 4) lands: a status page with public figures only."""
from flask import Blueprint, render_template
from sqlalchemy import func, select

from ..extensions import db
from ..models import Message
from ..rules.workflow import Status, public_label

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    rows = db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all()
    by_public_label: dict[str, int] = {}
    for status, count in rows:
        if status:
            label = public_label(status)
            by_public_label[label] = by_public_label.get(label, 0) + count
    published = db.session.scalar(select(func.count()).where(Message.publication == "published"))
    total = sum(count for _, count in rows)
    order = [public_label(s) for s in Status]
    figures = sorted(by_public_label.items(), key=lambda item: order.index(item[0]))
    return render_template("public/index.html", total=total, figures=figures, published=published)


@bp.get("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}

"""The publication review page: original and proposed public text side by side, every detected
span shown with its type; unmask a false positive, mask more by selecting text, edit, publish."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..rules.permissions import may_open
from ..rules.redaction import TYPES
from ..services import DomainError, publication
from ..services import redaction as review_service
from . import bp
from .messages import load_visible


def _reviewer_only():
    if not may_open(current_user, "review"):
        abort(403)


def _span_ids(name: str) -> set[tuple[str, int, int]]:
    """Form values like "body:12:15" as (field, start, end)."""
    out = set()
    for value in request.form.getlist(name):
        field, _, rest = value.partition(":")
        start, _, end = rest.partition(":")
        if field in review_service.FIELDS and start.isdigit() and end.isdigit():
            out.add((field, int(start), int(end)))
    return out


@bp.route("/messages/<int:message_id>/review", methods=["GET", "POST"])
def review(message_id: int):
    _reviewer_only()
    message = load_visible(message_id)
    detected = review_service.propose(message)
    if request.method == "GET":
        return _page(message, detected, detected)
    all_spans = {(f, s.start, s.end) for f, spans in detected.spans.items() for s in spans if s.type != "manual"}
    unmask = all_spans - _span_ids("mask")
    extra = _span_ids("extra") & _span_ids("mask")  # a manual span unticked again is dropped
    proposal = review_service.propose(message, unmask=unmask, extra=sorted(extra))
    if request.form.get("step") != "publish":
        return _page(message, detected, proposal)
    texts = {field: request.form.get(field, "") for field in review_service.FIELDS}
    try:
        publication.publish(message, actor=current_user, subject=texts["subject"], body=texts["body"],
                            reply_text=texts["reply"],
                            version=request.form.get("version", type=int))
    except DomainError as exc:
        return _page(message, detected, proposal, edited=texts, error=str(exc), status=exc.status_code)
    flash("已审核并公开发布。")
    return redirect(url_for("admin.message", message_id=message.id))


def _page(message, detected, proposal, *, edited=None, error=None, status=200):
    chosen = {(f, s.start, s.end) for f, spans in proposal.spans.items() for s in spans}
    return render_template("admin/review.html", message=message, detected=detected, proposal=proposal,
                           chosen=chosen, public=edited or proposal.public, types=TYPES,
                           labels=review_service.FIELD_LABELS, error=error), status

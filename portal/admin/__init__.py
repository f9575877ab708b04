"""The back office. Every route needs a signed-in member of staff; what each role may see and
do is checked again in the services (a unit's people never reach another unit's messages)."""
from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

bp = Blueprint("admin", __name__, url_prefix="/admin")
OPEN_ENDPOINTS = {"admin.login"}


@bp.before_request
def require_staff():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("admin.login", next=request.full_path))
    return None


@bp.context_processor
def queue_navigation():
    """The queues and their counts on every back-office page (counted only when the page shows them)."""
    if not current_user.is_authenticated:
        return {}
    from ..queries.queues import COUNT_CAP, LazyCounts, queues_for
    from ..rules.permissions import may_open

    return {"queues": queues_for(current_user), "counts": LazyCounts(current_user), "count_cap": COUNT_CAP,
            "may_open": lambda page: may_open(current_user, page)}


from . import api_clients, auth, inbox, messages, oversight, reports, review, routing, settings  # noqa: E402,F401

"""The back office. Every route needs a signed-in member of staff; what each role may see and
do is checked again in the services (a unit's people never reach another unit's messages)."""
from datetime import datetime, timedelta

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from .. import clock
from ..htmx import is_htmx

bp = Blueprint("admin", __name__, url_prefix="/admin")
OPEN_ENDPOINTS = {"admin.login"}
BACKGROUND_ENDPOINTS = {"admin.counts"}  # polled by an open tab: no sign that someone is there
# Activity is written to the session once a minute at most (a tenth of the idle limit if that is shorter),
# and whenever the session is written anyway. The session is a cookie: every write sends the whole
# cookie back, and a request that started before a flash was shown (a hint fetched as the form is sent)
# would bring the flash back with it. So the idle limit may end a session up to that much early.
SEEN_EVERY = timedelta(minutes=1)


@bp.before_request
def require_staff():
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return _to_login()
    if _idle_too_long():
        logout_user()
        flash("长时间未操作，已自动退出，请重新登录。")
        return _to_login()
    if request.endpoint not in BACKGROUND_ENDPOINTS:
        _note_activity()
    return None


def _note_activity() -> None:
    seen = _last_seen()
    if seen is None or clock.now() - seen >= min(SEEN_EVERY, _idle_limit() / 10):
        _seen_now()


@bp.after_request
def carry_activity_with_the_cookie(response):
    """A response that writes the session anyway (a flash shown or added, a form's token) carries the
    time too: a request still holding this cookie then has nothing to write for a minute."""
    if session.modified and current_user.is_authenticated and request.endpoint not in BACKGROUND_ENDPOINTS:
        _seen_now()
    return response


def _seen_now() -> None:
    session["seen"] = clock.now().isoformat(timespec="seconds")


def _to_login():
    """The sign-in page; an htmx request (the counts' poll) sends the whole window there, not one region."""
    target = url_for("admin.login", next=request.full_path)
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


def _idle_too_long() -> bool:
    """A staff session ends after WENZHENG_STAFF_IDLE_MINUTES without a request."""
    seen = _last_seen()
    if seen is None:
        return False  # signed in before this rule: counted from now on
    return clock.now() - seen > _idle_limit()


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])


def _last_seen() -> datetime | None:
    try:
        return datetime.fromisoformat(session.get("seen", ""))
    except (TypeError, ValueError):
        return None


@bp.context_processor
def queue_navigation():
    """The queues and their counts on every back-office page (counted only when the page shows them)."""
    if not current_user.is_authenticated:
        return {}
    from ..queries.confidential import for_viewer
    from ..queries.queues import COUNT_CAP, LazyCounts, queues_for
    from ..rules.permissions import may_open

    return {"queues": queues_for(current_user), "counts": LazyCounts(current_user), "count_cap": COUNT_CAP,
            "may_open": lambda page: may_open(current_user, page),
            "for_viewer": lambda message, text: for_viewer(current_user, message, text)}


from . import api_clients, auth, inbox, messages, oversight, reports, review, routing, settings  # noqa: E402,F401

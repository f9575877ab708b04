"""The work queues as HTMX tables: filter, sort by any column, page; URLs reproduce the view."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..htmx import render
from ..models import Message, Unit
from ..queries import queues
from ..queries.banner import lead_clock
from ..queries.common import policy
from ..querystring import MAX_ID, date_args, page_arg
from ..rules.permissions import may_open
from ..rules.warnings import LEVEL_LABELS
from ..rules.workflow import LABELS, Status
from ..services import DomainError, abandon, dispatch, supervision
from . import bp

PAGE_SIZES = (20, 50, 100, 200)
BULK_OPERATIONS = ("assign", "remind")


@bp.get("/")
def inbox():
    available = queues.queues_for(current_user)
    key = request.args.get("queue") or queues.landing(current_user)
    if key not in {q.key for q in available}:
        abort(404)
    filters, errors = _filters()
    sort, direction = request.args.get("sort", "received"), request.args.get("dir", "desc")
    size = request.args.get("size", 20, type=int)
    size = size if size in PAGE_SIZES else 20
    number = page_arg(request.args)
    cursor = _cursor(sort) if number > 1 else None
    rows, total, more = queues.page(current_user, key, filters, sort=sort, direction=direction, number=number,
                                    size=size, cursor=cursor)
    return render("admin/inbox.html", "table", status=400 if errors else 200, queues=available, queue=key,
                  rows=[_row(*row) for row in rows], total=total, more=more, page=number,
                  after=_encoded(queues.cursor_of(rows[-1], sort, forward=True)) if rows else None,
                  before=_encoded(queues.cursor_of(rows[0], sort, forward=False)) if rows else None,
                  pages=max(1, -(-total // size)),
                  size=size, sizes=PAGE_SIZES, sort=sort, direction=direction, errors=errors,
                  units=_units(), statuses=LABELS, levels=policy().warning_labels(),
                  bulk=[op for op in BULK_OPERATIONS if may_open(current_user, f"bulk_{op}")
                        and (op != "assign" or key == "to_assign")])


@bp.get("/counts")
def counts():
    """The navigation's counts, refreshed by htmx every minute."""
    return render("admin/_counts.html", queues=queues.queues_for(current_user), counts=queues.counts(current_user),
                  queue=request.args.get("queue", ""))


def _encoded(cursor) -> str | None:
    return cursor.encode() if cursor else None


def _row(message, lead, unit_name):
    now = lead_clock(message, lead)
    return {"message": message, "lead": lead, "unit": unit_name or "", "left": now.left, "level": now.level}


def _units():
    return db.session.execute(select(Unit.id, Unit.name).where(Unit.kind != "platform").order_by(Unit.name)).all()


def _cursor(sort: str) -> queues.Cursor | None:
    """The row the page starts after or ends before; one naming an impossible id is no cursor."""
    cursor = (queues.Cursor.decode(request.args.get("after", ""), sort, forward=True)
              or queues.Cursor.decode(request.args.get("before", ""), sort, forward=False))
    return cursor if cursor is not None and cursor.message_id <= MAX_ID else None


def _filters() -> tuple[queues.TableFilters, list[str]]:
    args, errors = request.args, []
    dates = date_args(args, errors)
    status = args.get("status", "") if args.get("status", "") in {s.value for s in Status} else ""
    warning = args.get("warning", "") if args.get("warning", "") in LEVEL_LABELS else ""
    unit_id = args.get("unit", type=int) or None
    state = args.get("state", "")
    return queues.TableFilters(status=status, channel=args.get("channel", ""), category=args.get("category", ""),
                               open_only=state in ("open", "running"), running=state == "running",
                               unit_id=unit_id, region=args.get("region", "").strip()[:50], warning=warning,
                               q=args.get("q", "").strip()[:50], **dates), errors


@bp.post("/bulk/<operation>")
def bulk(operation: str):
    """The same action on several messages; each item is checked on its own and reported."""
    if operation not in BULK_OPERATIONS or not may_open(current_user, f"bulk_{operation}"):
        abort(403)
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()][:200]
    if not ids:
        flash("请先勾选留言。")
        return redirect(request.referrer or url_for("admin.inbox"))
    lead = db.session.get(Unit, request.form.get("lead", type=int) or 0) if operation == "assign" else None
    if operation == "assign" and lead is None:
        flash("请选择承办单位。")
        return redirect(request.referrer or url_for("admin.inbox"))
    done, failed = [], []
    for message in db.session.scalars(select(Message).where(Message.id.in_(ids), queues.visible(current_user))):
        try:
            if operation == "assign":
                dispatch.assign(message, lead, actor=current_user)
            else:
                supervision.remind(message, actor=current_user)
            done.append(message.tracking_no)
        except DomainError as exc:
            abandon()
            failed.append(f"{message.tracking_no}：{exc}")
    verb = f"交办{lead.name}" if lead else "催办"
    flash(f"已{verb} {len(done)} 件。" + ("未成功：" + "；".join(failed) if failed else ""))
    return redirect(request.referrer or url_for("admin.inbox"))

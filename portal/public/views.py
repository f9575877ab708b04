"""Reading: home, the list of published messages, one message, unit figures, feeds, search.
Every page here gets the public projection only (portal/queries/projection.py)."""
from datetime import date, datetime

from flask import abort, render_template, request, url_for
from sqlalchemy import select

from .. import clock, search
from ..extensions import db
from ..htmx import render
from ..queries import projection
from ..queries.repeats import repeat_count
from ..querystring import date_args, page_arg
from ..rules.periods import Period
from ..services.common import policy
from . import bp, feeds
from .forms import TOPICS

PER_PAGE = 20


@bp.get("/")
def index():
    return render_template("public/index.html", latest=projection.latest_published(8),
                           figures=projection.recent_figures(30))


@bp.get("/messages")
def messages():
    filters, errors = _list_filters()
    page = _page()
    items, total = projection.page_of_published(filters, sort=request.args.get("sort", "new"), page=page,
                                                per_page=PER_PAGE)
    return render("public/messages.html", "results", status=400 if errors else 200, items=items, total=total,
                  page=page, pages=max(1, -(-total // PER_PAGE)), errors=errors, **_filter_choices())


@bp.get("/messages/<int:message_id>")
def message(message_id: int):
    item = projection.published_message(message_id)
    if item is None:
        abort(404)
    return render_template("public/message.html", item=item, repeats=repeat_count(message_id))


@bp.get("/search")
def search_page():
    filters, errors = _list_filters()
    text = request.args.get("q", "").strip()[:100]
    unit_name = dict(projection.units_with_answers()).get(filters.unit_id, "") if filters.unit_id else ""
    results = search.search(text, search.Filters(
        unit=unit_name, category=filters.category, topic=filters.topic, channel=filters.channel,
        start=_as_datetime(filters.start), end=_as_datetime(filters.end, end_of_day=True)),
        page=_page(), per_page=10) if (text or _any(filters)) else None
    return render("public/search.html", "results", status=400 if errors else 200, q=text, results=results,
                  errors=errors, **_filter_choices())


@bp.get("/rules")
def rules():
    """R9.5 (LN 第二十二条): the intake channels, the platform's rules, and how to complain about the platform."""
    return render_template("public/rules.html", rules=policy())


@bp.get("/units")
def units():
    """The units' figures over all time, or over one year (?year=2026, the year-end assessment's)."""
    this_year = clock.today().year
    year = request.args.get("year", "").strip()
    if year and not (year.isdigit() and 2000 <= int(year) <= this_year):
        return render_template("public/units.html", figures=projection.unit_figures(), period=None,
                               years=range(this_year, this_year - 5, -1),
                               error=f"年份应为2000至{this_year}之间的四位数字，如 {this_year}。"), 400
    period = Period("year", int(year), 1) if year else None
    return render_template("public/units.html", figures=projection.unit_figures(period), period=period,
                           years=range(this_year, this_year - 5, -1))


@bp.get("/feed.atom")
@bp.get("/units/<int:unit_id>/feed.atom")
def feed(unit_id: int | None = None):
    unit_name = None
    if unit_id is not None:
        from ..models import Unit

        unit_name = db.session.scalar(select(Unit.name).where(Unit.id == unit_id))
        if unit_name is None:
            abort(404)
    items = projection.latest_published(50, unit_id=unit_id)
    title = f"{policy().city}问政平台{' · ' + unit_name if unit_name else ''} · 最新公开答复"
    body = feeds.atom(items, title=title, author=policy().office,
                      self_path=url_for(request.endpoint, unit_id=unit_id))
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.get("/ping")
def ping():
    """No database, no template: the framework's own ceiling in the page benchmark."""
    return "ok"


@bp.get("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}


def _page() -> int:
    return page_arg(request.args)


def _list_filters() -> tuple[projection.ListFilters, list[str]]:
    """Filters from the query string; a malformed one is dropped and named in ``errors``."""
    args, errors = request.args, []
    dates = date_args(args, errors)
    unit_id = args.get("unit", type=int) if args.get("unit") else None
    if args.get("unit") and unit_id is None:
        errors.append("单位选择不正确。")
    codes = {c.code for c in policy().categories}, set(TOPICS), {c.code for c in policy().channels}
    picked = [args.get(name, "") if args.get(name, "") in allowed else ""
              for name, allowed in zip(("category", "topic", "channel"), codes, strict=True)]
    return projection.ListFilters(unit_id, *picked, **dates), errors


def _any(filters: projection.ListFilters) -> bool:
    return any(getattr(filters, name) for name in ("unit_id", "category", "topic", "channel", "start", "end"))


def _as_datetime(day: date | None, end_of_day: bool = False) -> datetime | None:
    if day is None:
        return None
    local = datetime.combine(day, datetime.max.time() if end_of_day else datetime.min.time())
    return clock.china_to_utc(local)  # the index keeps UTC


def _filter_choices() -> dict:
    return {"units": projection.units_with_answers(), "categories": policy().categories, "topics": TOPICS,
            "channels": policy().channels}

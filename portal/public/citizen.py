"""The citizen's own actions: write a message (R1.2), track it with the query code (R11.3),
rate the reply (R7), add to it or withdraw it (R12.5). A tracked message is remembered in the
signed session, never in the URL."""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select

from ..extensions import db
from ..models import Event, Message
from ..queries.common import addressable_units, expected_reply
from ..queries.situation import refusal
from ..rules.workflow import Action, Status, public_label
from ..services import CITIZEN, DomainError, intake, limits, rating
from ..services.common import policy
from . import bp
from .forms import RateForm, RecoverForm, SupplementForm, TrackForm, WithdrawForm, WriteForm
from .timeline import public_timeline


@bp.route("/write", methods=["GET", "POST"])
def write():
    units = addressable_units()
    form = WriteForm(policy(), units)
    if request.method == "GET" or not form.validate_on_submit():
        return _write_page(form, 400 if request.method == "POST" else 200)
    if form.homepage.data:
        return _write_page(form, 400, "提交未成功，请刷新页面后重新提交。")
    config = current_app.config
    if not (limits.allow("write:ip", request.remote_addr or "", limit=config["WRITE_LIMIT_PER_CLIENT"],
                         per_seconds=3600)
            and (not form.phone.data or limits.allow("write:phone", limits.canonical_phone(form.phone.data),
                                                     limit=config["WRITE_LIMIT_PER_PHONE"], per_seconds=3600))):
        return _write_page(form, 429, "提交过于频繁，请一小时后再试；紧急情况请拨打热线电话。")
    files = tuple((f.filename, f.mimetype, f.read()) for f in request.files.getlist(form.files.name) if f.filename)
    try:
        message, code = intake.submit_message(
            category=form.category.data, subject=form.subject.data, body=form.body.data, name=form.name.data,
            phone=form.phone.data, email=form.email.data, topic=form.topic.data, region=form.region.data,
            publish_consent=form.publish.data == "yes", consent=form.consent.data, anonymous=form.anonymous.data,
            files=files, addressed_unit_id=int(form.addressed_unit.data) if form.addressed_unit.data else None)
    except DomainError as exc:
        return _write_page(form, exc.status_code, str(exc))
    expected, workdays = expected_reply(message.category, message.is_emergency)
    response = current_app.make_response(render_template("public/written.html", message=message, code=code,
                                                         expected=expected, workdays=workdays))
    response.headers["Cache-Control"] = "no-store"  # the query code is shown once
    return response


def _write_page(form, status, error=None):
    return render_template("public/write.html", form=form, error=error), status


@bp.route("/track", methods=["GET", "POST"])
def track():
    form = TrackForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("public/track.html", form=form), 400 if request.method == "POST" else 200
    limit = current_app.config["TRACK_LIMIT_PER_CLIENT"]
    if not limits.allow("track:ip", request.remote_addr or "", limit=limit, per_seconds=900):
        return render_template("public/track.html", form=form, error="查询次数过多，请15分钟后再试。"), 429
    message = intake.find_by_tracking(form.tracking_no.data, form.query_code.data)
    if message is None:  # the same answer for an unknown number and a wrong code
        return render_template("public/track.html", form=form, error="留言编号或查询码不正确，请核对后重试。"), 404
    session["tracked"] = [message.id, *[i for i in session.get("tracked", []) if i != message.id]][:10]
    return redirect(url_for("public.tracked", tracking_no=message.tracking_no))


@bp.route("/track/recover", methods=["GET", "POST"])
def recover():
    """A lost query code: a new one by SMS to the phone given with the message (the old one stops working)."""
    form = RecoverForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("public/recover.html", form=form), 400 if request.method == "POST" else 200
    limit = current_app.config["TRACK_LIMIT_PER_CLIENT"]
    if not (limits.allow("recover:ip", request.remote_addr or "", limit=limit, per_seconds=3600)
            and limits.allow("recover:no", form.tracking_no.data.strip().upper(), limit=3, per_seconds=86400)):
        return render_template("public/recover.html", form=form,
                               error="找回次数过多，请稍后再试；也可拨打热线电话由工作人员核实身份后办理。"), 429
    intake.renew_query_code(form.tracking_no.data, form.phone.data)
    return render_template("public/recover.html", form=RecoverForm(formdata=None), sent=True)


@bp.get("/track/<tracking_no>")
def tracked(tracking_no: str):
    message = _tracked_message(tracking_no)
    if message is None:
        return redirect(url_for("public.track"))
    return _tracked_page(message, RateForm(policy()))


@bp.post("/track/<tracking_no>/rate")
def rate(tracking_no: str):
    message = _tracked_message(tracking_no)
    if message is None:
        return redirect(url_for("public.track"))
    form = RateForm(policy())
    if not form.validate_on_submit():
        return _tracked_page(message, form, 400)
    try:
        rating.rate(message, level=form.level.data, comment=form.comment.data or "")
    except DomainError as exc:
        return _tracked_page(message, form, exc.status_code, str(exc))
    reopened = message.status == Status.ASSIGNED
    flash("感谢您的评价。" + ("您的诉求已发回承办单位重新办理。" if reopened else ""))
    return redirect(url_for("public.tracked", tracking_no=tracking_no))


@bp.post("/track/<tracking_no>/supplement")
def supplement(tracking_no: str):
    def add(message, form):
        upload = form.file.data
        file = (upload.filename, upload.mimetype, upload.read()) if upload and upload.filename else None
        intake.supplement(message, text=form.text.data, file=file)
    return _citizen_move(tracking_no, SupplementForm, "supplement", add, "补充内容已提交，承办单位将一并办理。")


@bp.post("/track/<tracking_no>/withdraw")
def withdraw(tracking_no: str):
    def end(message, form):
        intake.withdraw(message, reason=form.reason.data)
    return _citizen_move(tracking_no, WithdrawForm, "withdraw", end, "留言已撤回，不再办理。")


def _citizen_move(tracking_no: str, form_class, name: str, make, done: str):
    """A move the citizen makes on the tracking page (R12.5): refused input comes back in place, kept."""
    message = _tracked_message(tracking_no)
    if message is None:
        return redirect(url_for("public.track"))
    form = form_class()
    if not form.validate_on_submit():
        return _tracked_page(message, RateForm(policy()), 400, **{f"{name}_form": form})
    try:
        make(message, form)
    except DomainError as exc:
        return _tracked_page(message, RateForm(policy()), exc.status_code,
                             **{f"{name}_form": form, f"{name}_error": str(exc)})
    flash(done)
    return redirect(url_for("public.tracked", tracking_no=tracking_no))


def _tracked_message(tracking_no: str) -> Message | None:
    message = db.session.scalar(select(Message).where(Message.tracking_no == tracking_no))
    if message is None or message.id not in session.get("tracked", []):
        return None
    return message


def _tracked_page(message: Message, form, status: int = 200, error: str | None = None, **forms):
    events = db.session.scalars(select(Event).where(Event.message_id == message.id).order_by(Event.id)).all()
    answered = message.repeat_of or message  # a repeat is answered with its original (R12.4)
    reply = next((r for r in reversed(answered.replies) if r.state == "approved"), None)
    can_rate = reply is not None and message.repeat_of is None and refusal(CITIZEN, Action.RATE, message) is None
    may = {f"can_{action.value}": refusal(CITIZEN, action, message) is None
           for action in (Action.SUPPLEMENT, Action.WITHDRAW)}
    forms = {"supplement_form": SupplementForm(formdata=None), "withdraw_form": WithdrawForm(formdata=None), **forms}
    label = ("已撤回" if message.withdrawn_at else "已并入同类诉求办理" if message.repeat_of and not reply
             else public_label(message.status))
    return render_template("public/tracked.html", message=message, status_label=label,
                           timeline=public_timeline(events), reply=reply, form=form, can_rate=can_rate,
                           error=error, **may, **forms), status

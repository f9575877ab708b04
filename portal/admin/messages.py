"""One message: everything about it, and the forms for the moves this user may make now."""

from flask import abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..models import Attachment, Event, Message, ReplyTemplate
from ..queries import knowledge as knowledge_base
from ..queries import repeats
from ..queries.banner import banner
from ..queries.common import policy
from ..queries.drafts import drafts_of
from ..queries.queues import visible
from ..queries.situation import refusal
from ..routing.suggest import suggest
from ..rules.permissions import may_open, may_reveal
from ..rules.workflow import Action
from ..services import DomainError, Forbidden, abandon, confidentiality, drafts, intake
from ..storage import upload_path
from . import actions, bp
from .forms import CallForm


def load_visible(message_id: int) -> Message:
    """The message if this user may see it; another unit's message is not found (404)."""
    message = db.session.scalar(select(Message).where(Message.id == message_id, visible(current_user)))
    if message is None:
        abort(404)
    return message


@bp.get("/messages/<int:message_id>")
def message(message_id: int):
    return _page(load_visible(message_id))


@bp.post("/messages/<int:message_id>/act/<action>")
def act(message_id: int, action: str):
    message = load_visible(message_id)
    form = actions.offered_form(message, current_user, action)
    if form is None:
        return _page(message, failed=action, error="当前不能执行此操作，可能已被他人处理，请刷新页面。", status=409)
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    try:
        done = actions.perform(form, message, actor=current_user,
                               version=request.form.get("version", type=int), files=uploads,
                               purpose=request.form.get("file_purpose", "other"))
    except DomainError as exc:
        abandon()
        message = db.session.get(Message, message_id)
        drafts.save_draft(message, actor=current_user, action=action, values=_typed(form))
        return _page(message, failed=action, error=str(exc), error_field=exc.field, status=exc.status_code)
    drafts.discard_draft(message, actor=current_user, action=action)
    flash(done)
    return redirect(url_for("admin.message", message_id=message_id))


@bp.post("/messages/<int:message_id>/draft/<action>")
def save_draft(message_id: int, action: str):
    """Autosave of an action form as the user types (htmx): nothing typed is lost."""
    message = load_visible(message_id)
    form = actions.offered_form(message, current_user, action)
    if form is None:
        return "", 204
    drafts.save_draft(message, actor=current_user, action=action, values=_typed(form))
    return f"草稿已保存（{clock.local_time(clock.now()):%H:%M}）"


def _typed(form) -> dict[str, str]:
    """The typed text of ``form``'s fields in this request (not files, not lists)."""
    return {f.name: request.form.get(f.name, "") for f in form.fields if f.kind not in ("file", "units", "choices")}


@bp.post("/messages/<int:message_id>/reveal")
def reveal(message_id: int):
    """Show the petitioner's details: a recorded action, refused to the unit complained about."""
    message = load_visible(message_id)
    try:
        confidentiality.reveal_petitioner(message, actor=current_user)
    except DomainError:
        abort(403)
    return _page(message, revealed=True)


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    item = db.session.get(Attachment, attachment_id)
    if item is None:
        abort(404)
    message = load_visible(item.message_id)
    if message.hides_petitioner_from(current_user) and item.unit_id != current_user.unit_id:
        raise Forbidden("诉求人、其他单位或平台上传的附件可能含诉求人信息，不向被投诉单位提供；"
                        "如需了解请联系平台办公室。")
    return send_file(upload_path(item), mimetype=item.content_type, as_attachment=True, download_name=item.filename)


@bp.route("/calls/new", methods=["GET", "POST"])
def new_call():
    """An operator enters a hotline call (R1.3)."""
    if not may_open(current_user, "new_call"):
        abort(403)
    if request.method == "GET":
        now = clock.local_time(clock.now())  # the operator's clock is China time
        return render_template("admin/new_call.html", values={"call_time": now.strftime("%Y-%m-%dT%H:%M")})
    form = CallForm()
    answer = (form.answer.data or "").strip()
    try:
        if not form.validate():
            raise DomainError(next(iter(form.errors.values()))[0])
        if answer and form.category.data not in policy().answer_on_call_categories:
            raise DomainError("只有咨询类来电可以即时答复，其他事项请清空即时答复后登记，受理后交办。")
        if answer and form.repeat_of.data:
            raise DomainError("重复件随原件一并办理，不能即时答复：请清空即时答复，或不并件登记。")
        message, code = intake.record_call(actor=current_user, **form.call())
        if answer:
            intake.answer_on_call(message, actor=current_user, text=answer)
    except DomainError as exc:
        abandon()
        return render_template("admin/new_call.html", values=request.form, error=str(exc)), exc.status_code
    done = ("已即时办结并登记" if answer else
            f"已登记并并入{message.repeat_of.tracking_no}一并办理" if message.repeat_of else "已登记")
    flash(f"{done}，留言编号 {message.tracking_no}，查询码 {code}（请告知来电人，查询码只显示这一次）。")
    return redirect(url_for("admin.message", message_id=message.id))


@bp.post("/calls/hints")
def call_hints():
    """As the operator types a call (htmx, debounced): the routing suggestion and the five most similar
    accepted messages of the last 90 days, each one click from saving the call as its repeat. Posted,
    not a GET: the typed text may name people and must not reach an access log."""
    if not may_open(current_user, "new_call"):
        abort(403)
    subject, body = request.form.get("subject", "")[:200], request.form.get("body", "")[:5000]
    if not (subject.strip() or body.strip()):
        return render_template("admin/_repeat_hints.html", hints=[], suggestion=None, searched=False)
    typed = Message(subject=subject, body=body, region=request.form.get("region", "")[:100])
    return render_template("admin/_repeat_hints.html", hints=repeats.hints(subject, body), suggestion=suggest(typed),
                           searched=True)


@bp.get("/knowledge")
def knowledge():
    """The knowledge base the call form searches (htmx): templates and published answers."""
    if not may_open(current_user, "new_call"):
        abort(403)
    return render_template("admin/_knowledge.html", entries=knowledge_base.find(request.args.get("kb", "")),
                           query=request.args.get("kb", ""))


@bp.get("/knowledge/<kind>/<int:entry_id>")
def use_knowledge(kind: str, entry_id: int):
    """The answer field filled with the picked text (htmx swaps it in; the rest of the form stays)."""
    if not may_open(current_user, "new_call"):
        abort(403)
    text = knowledge_base.text_of(kind, entry_id)
    if text is None:
        abort(404)
    return render_template("admin/_answer_field.html", value=text)


def _page(message: Message, *, failed: str | None = None, error: str | None = None, error_field: str | None = None,
          status: int = 200, revealed: bool = False):
    events = db.session.scalars(select(Event).options(selectinload(Event.actor))
                                .where(Event.message_id == message.id).order_by(Event.id)).all()
    forms = actions.forms_for(message, current_user)
    attachments = db.session.scalars(select(Attachment).where(Attachment.message_id == message.id)).all()
    shielded = message.hides_petitioner_from(current_user)
    saved = drafts_of(message, current_user)
    response = make_response(render_template(
        "admin/message.html", message=message, events=events, forms=forms, failed=failed, error=error,
        error_field=error_field, values=_values(message, forms, failed, saved), drafts=saved,
        revealed=revealed, shielded=shielded, banner=banner(message),
        may_reveal=may_reveal(current_user) and not shielded,
        may_publish=refusal(current_user, Action.PUBLISH, message) is None,
        attachments=attachments, pending_files=[a for a in attachments if a.reply_id is None
                                                and a.unit_id and a.unit_id == current_user.unit_id],
        units=actions.unit_choices(), file_purposes=actions.FILE_PURPOSES, main_steps=actions.MAIN_STEPS,
        reply_templates=_templates_for(message)), status)
    if failed:  # htmx: stay at the refused form, its message on top of it
        response.headers["HX-Reswap"] = f"outerHTML show:#act-{failed}:top"
    return response


def _values(message, forms, failed, saved) -> dict[str, dict]:
    """Each form's starting values: the defaults, a canned reply picked, the saved draft, what was just typed."""
    start = {**actions.defaults(message, current_user), **_template_body()}
    typed = request.form.to_dict() if failed else {}
    return {form.action: {**start, **saved.get(form.action, ({}, None))[0], **(typed if form.action == failed else {})}
            for form in forms}


def _templates_for(message):
    return db.session.scalars(select(ReplyTemplate).where(
        ReplyTemplate.active, ReplyTemplate.category.in_(["", message.category])).order_by(ReplyTemplate.title)).all()


def _template_body() -> dict:
    """?template=ID starts the reply from a canned text (works without JavaScript)."""
    template = db.session.get(ReplyTemplate, request.args.get("template", type=int) or 0)
    return {"body": template.body} if template is not None and template.active else {}

"""Intake (R1) and scope screening (R2): web messages, hotline calls, accept or reject."""
import re
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock, similarity
from ..extensions import db
from ..models import ComplaintTarget, Message, Petitioner, Unit
from ..rules.states import AssignmentState
from ..rules.workflow import Action
from .common import (
    CITIZEN,
    DomainError,
    check_version,
    commit,
    flush,
    move,
    policy,
    record,
    require,
    require_text,
)
from .deadlines import keep_lead_on_message
from .outbox import notify_petitioner, notify_unit

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone
PHONE = re.compile(r"^\+?[\d\- ]{7,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIMITS = {"subject": 200, "body": 5000, "name": 50, "topic": 40, "region": 100, "address": 200}


MAX_FILES = 3  # pictures or PDFs with a message from the web form


def _addressable(unit_id: int | None) -> int | None:
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None or not unit.active or unit.kind == "platform":
        raise DomainError("请从列表中选择留言对象。", field="addressed_unit")
    return unit.id


def submit_message(*, category: str, subject: str, body: str, name: str, phone: str, email: str = "",
                   address: str = "", topic: str = "", region: str = "", publish_consent: bool,
                   consent: bool, actor=CITIZEN, api_client: str = "", anonymous: bool = False,
                   files: tuple = (), addressed_unit_id: int | None = None) -> tuple[Message, str]:
    """A citizen's message from the web form (R1.2), or sent by an Open311 client on the citizen's
    behalf (``api_client``, recorded on the event). Returns the message and its query code.
    ``anonymous`` (R12.1): the name may be withheld, and the phone too (the query code is then the
    only way to follow it); no unit sees who wrote, the office keeps the contact. ``files``: up to
    MAX_FILES (name, declared type, bytes), images or PDF; ``addressed_unit_id``: the unit written to."""
    from ..storage import IMAGES_AND_PDF, save_upload

    if not consent:
        raise DomainError("请阅读并同意《留言须知》后再提交。")
    if len(files) > MAX_FILES:
        raise DomainError(f"附件最多{MAX_FILES}个，请合并或删减后再提交。")
    fields = _clean(category=category, subject=subject, body=body, name=name, phone=phone, email=email,
                    address=address, topic=topic, region=region, anonymous=anonymous)
    stored = [save_upload(filename=n, content_type=t, data=d, allowed=IMAGES_AND_PDF) for n, t, d in files]
    message, code = new_message(fields, channel=policy().web_channel, publish_consent=publish_consent)
    message.anonymous = anonymous
    message.addressed_unit_id = _addressable(addressed_unit_id)
    via = {"api_client": api_client} if api_client else {}
    move(message, Action.SUBMIT, actor=actor, channel=message.channel, tracking_no=message.tracking_no,
         files=len(stored) or None, **via)
    db.session.add(message)
    flush()
    for attachment in stored:  # no unit: the citizen's own, seen by those who may see the petitioner
        attachment.message_id, attachment.purpose = message.id, "citizen_original"
        db.session.add(attachment)
    similarity.index_message(message)
    commit()
    return message, code


def record_call(*, actor, channel: str, call_time: datetime, category: str, subject: str, body: str,
                name: str, phone: str, email: str = "", address: str = "", topic: str = "",
                region: str = "", publish_consent: bool = False, addressee: str = "",
                anonymous: bool = False, repeat_of: str = "") -> tuple[Message, str]:
    """An operator enters a hotline call or a channel's item (R1.3). ``call_time`` is China time;
    ``addressee`` is the leader a board's message was written to (人民网: governor or mayor).
    ``repeat_of`` (a tracking number, picked from the repeat hints): the call is the same matter as
    that message and is merged into it at once (R12.4), in the same transaction."""
    board = policy().channel(channel)
    level = board.level_for(addressee or None)
    fields = _clean(category=category, subject=subject, body=body, name=name, phone=phone, email=email,
                    address=address, topic=topic, region=region, anonymous=anonymous)
    message, code = new_message(fields, channel=channel, publish_consent=publish_consent)
    message.anonymous = anonymous
    message.channel_level = level
    message.addressee = addressee if board.addressees else None
    message.call_time = clock.china_to_utc(call_time)
    message.operator_id = actor.id
    move(message, Action.RECORD_CALL, actor=actor, channel=channel, tracking_no=message.tracking_no)
    db.session.add(message)
    similarity.index_message(message)
    if repeat_of:
        flush()  # the rule book reads the message as stored
        _merge_repeat(message, actor=actor, original_no=repeat_of)
    commit()
    return message, code


def accept(message: Message, *, actor, version: int | None = None, category: str | None = None,
           is_emergency: bool = False, about_unit: Unit | None = None) -> None:
    """In scope (R2.1). The screener may correct the category and mark an emergency or a
    complaint about a unit (whose people then never see the petitioner, R9.2)."""
    check_version(message, version)
    require(actor, Action.ACCEPT, message)
    if category:
        policy().category_label(category)
        message.category = category
    message.is_emergency = is_emergency
    if about_unit is not None:  # the office may mark more units and staff later (confidentiality.mark_complaint)
        message.complaint_targets = [ComplaintTarget(unit_id=about_unit.id)]
    message.screened_at = clock.now()
    move(message, Action.ACCEPT, actor=actor, category=message.category,
         is_emergency=is_emergency, about_unit=about_unit.name if about_unit else None)
    commit()


def reject(message: Message, *, actor, reason: str, guidance: str = "", version: int | None = None) -> None:
    """Out of scope (R2.2), with the channel the citizen should use instead (R2.3)."""
    check_version(message, version)
    require(actor, Action.REJECT, message)
    choice = policy().out_of_scope_reason(reason)
    message.out_of_scope_reason = choice.code
    message.guidance = guidance.strip() or choice.guidance
    message.screened_at = clock.now()
    move(message, Action.REJECT, actor=actor, reason=choice.text, guidance=message.guidance)
    notify_petitioner(message, "rejected",
                      f"您的留言（{message.tracking_no}）不属于平台受理范围：{choice.text}。{message.guidance}")
    commit()


def find_by_tracking(tracking_no: str, query_code: str) -> Message | None:
    """The message for a tracking number and its query code; None for either wrong."""
    message = db.session.scalar(select(Message).where(Message.tracking_no == tracking_no.strip().upper()))
    known = message is not None and message.query_code_hash != NO_QUERY_CODE
    # An unknown number costs the same hash as a known one: the time taken tells nothing.
    matches = check_password_hash(message.query_code_hash if known else _dummy_hash(), query_code.strip().upper())
    return message if known and matches else None


def renew_query_code(tracking_no: str, phone: str) -> bool:
    """R11.3: a citizen who lost the query code gets a new one by SMS to the phone given with the message;
    the old code stops working. True when one was sent; the page says the same either way, so it tells
    no one whether a number and a phone belong together."""
    from .limits import canonical_phone
    from .outbox import SECRET_KEY_PREFIX, queue

    message = db.session.scalar(select(Message).where(Message.tracking_no == (tracking_no or "").strip().upper()))
    petitioner = message.petitioner if message is not None else None
    if (petitioner is None or not petitioner.phone or message.query_code_hash == NO_QUERY_CODE
            or canonical_phone(petitioner.phone) != canonical_phone(phone) or not canonical_phone(phone)):
        return False
    code, message.query_code_hash = _new_query_code()
    record(message, "renew_query_code", actor=CITIZEN)
    queue(f"{SECRET_KEY_PREFIX}{message.id}:{clock.now().isoformat()}", channel="sms", recipient=petitioner.phone,
          name=petitioner.name, message=message,
          body=f"您的留言（编号 {message.tracking_no}）新的查询码：{code}。原查询码已失效，请妥善保存。")
    commit()
    return True


def _new_query_code() -> tuple[str, str]:
    """A new query code and the hash kept of it (the code itself is shown or sent once)."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return code, generate_password_hash(code, method=current_app.config["QUERY_CODE_HASH"])


def _dummy_hash() -> str:
    method = current_app.config["QUERY_CODE_HASH"]
    cache = current_app.extensions.setdefault("wenzheng_dummy_hashes", {})
    if method not in cache:
        cache[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return cache[method]


def _clean(*, anonymous: bool = False, **fields) -> dict:
    fields = {key: (value or "").strip() for key, value in fields.items()}
    for key, label in (("category", "诉求类别"), ("subject", "标题"), ("body", "内容")):
        require_text(fields[key], label)
    if not anonymous:  # an anonymous citizen may withhold both (R12.1)
        if not fields["name"]:
            raise DomainError("请填写姓名；不愿提供的，请选择匿名留言。")
        if not fields["phone"]:
            raise DomainError("请填写联系电话；匿名留言可以不留电话，凭查询码查询办理进度。")
    policy().category_label(fields["category"])
    for key, limit in LIMITS.items():
        if len(fields[key]) > limit:
            raise DomainError(f"“{key}”过长，最多{limit}个字。")
    if fields["phone"] and not PHONE.match(fields["phone"]):
        raise DomainError("联系电话格式不正确，请填写手机号码或带区号的固定电话。")
    if fields["email"] and not EMAIL.match(fields["email"]):
        raise DomainError("电子邮箱格式不正确。")
    return fields


NO_QUERY_CODE = "!"  # imported messages: their citizens track them on the channel they came from


def new_message(fields: dict, *, channel: str, publish_consent: bool,
                with_query_code: bool = True) -> tuple[Message, str]:
    code, code_hash = _new_query_code() if with_query_code else ("", NO_QUERY_CODE)
    message = Message(
        tracking_no=_new_tracking_no(),
        query_code_hash=code_hash,
        channel=channel,
        channel_level=policy().channel(channel).level,
        category=fields["category"],
        topic=fields["topic"],
        region=fields["region"],
        subject=fields["subject"],
        body=fields["body"],
        publish_consent=publish_consent,
        received_at=clock.now(),
        status=None,
    )
    message.petitioner = Petitioner(name=fields["name"], phone=fields["phone"], email=fields["email"],
                                    address=fields["address"])
    return message, code  # added to the session by its first move, once it has a status


def _new_tracking_no() -> str:
    """Prefix, China date, six random digits: unguessable in sequence, easy to read out."""
    prefix = policy().tracking_prefix + clock.today().strftime("%Y%m%d")
    while True:
        candidate = f"{prefix}{secrets.randbelow(10**6):06d}"
        if not db.session.scalar(select(Message.id).where(Message.tracking_no == candidate)):
            return candidate


def mark_false(message: Message, *, actor, reason: str, referred_to_police: bool = False,
               version: int | None = None) -> None:
    """R9.6 (LN, the second 第二十七条): the office finds a petition false or malicious, with its reason;
    it may be referred to the police. The petition leaves the public figures; the mark is recorded."""
    check_version(message, version)
    require(actor, Action.MARK_FALSE, message)
    message.false_report_reason = require_text(reason, "认定理由")
    move(message, Action.MARK_FALSE, actor=actor, reason=message.false_report_reason,
         referred_to_police=referred_to_police)
    commit()


SUPPLEMENT_MAX = 2000


def supplement(message: Message, *, text: str, actor=CITIZEN, file: tuple[str, str, bytes] | None = None,
               version: int | None = None) -> None:
    """R12.5: the citizen adds text, a file or both to a message not yet answered; the units handling it
    are told and read it in the timeline. ``file`` is (name, declared type, bytes)."""
    from ..storage import save_upload

    check_version(message, version)
    require(actor, Action.SUPPLEMENT, message)
    text = (text or "").strip()
    if not text and not file:
        raise DomainError("请填写补充内容或选择要补充的附件。")
    if len(text) > SUPPLEMENT_MAX:
        raise DomainError(f"补充内容最多{SUPPLEMENT_MAX}个字，请精简后再提交。")
    filename = None
    if file:
        attachment = save_upload(filename=file[0], content_type=file[1], data=file[2])
        attachment.message_id, attachment.purpose = message.id, "citizen_supplement"  # no unit: the citizen's
        db.session.add(attachment)
        filename = attachment.filename
    move(message, Action.SUPPLEMENT, actor=actor, text=text or None, filename=filename)
    for assignment in message.active_assignments():
        notify_unit(assignment, f"supplement:{message.id}:{message.version}",
                    f"留言（{message.tracking_no}）诉求人补充了内容，请在办理过程中查看。")
    commit()


def withdraw(message: Message, *, reason: str, actor=CITIZEN, version: int | None = None) -> None:
    """R12.5: the citizen withdraws a message not yet answered: the units' clocks stop (their shares
    end unanswered), the message is closed as withdrawn and counted as such."""
    check_version(message, version)
    require(actor, Action.WITHDRAW, message)
    reason = require_text(reason, "撤回原因")
    now = clock.now()
    for assignment in message.active_assignments():
        assignment.state, assignment.finished_at = AssignmentState.WITHDRAWN, now
        notify_unit(assignment, f"withdraw:{message.id}",
                    f"留言（{message.tracking_no}）已由诉求人撤回，无需继续办理。")
    message.closed_at = message.withdrawn_at = now
    move(message, Action.WITHDRAW, actor=actor, reason=reason)
    keep_lead_on_message(message)
    commit()


def mark_repeat(message: Message, *, actor, original_no: str, version: int | None = None) -> Message:
    """R12.4: the office finds ``message`` repeats another one, open or answered: it is closed here and
    handled once, with the original; its petitioner is told now and gets the original's answer."""
    check_version(message, version)
    original = _merge_repeat(message, actor=actor, original_no=original_no)
    commit()
    return original


def _merge_repeat(message: Message, *, actor, original_no: str) -> Message:
    require(actor, Action.MARK_REPEAT, message)
    original = db.session.scalar(select(Message).where(Message.tracking_no == (original_no or "").strip()))
    if original is None:
        raise DomainError("请填写或选择原件的留言编号。")
    original = original.repeat_of or original  # a repeat of a repeat joins the first one
    if original.id == message.id or original.status in (None, "rejected") or original.withdrawn_at:
        raise DomainError("原件须为已受理且未撤回的另一条留言。")
    message.repeat_of_id, message.closed_at = original.id, clock.now()
    move(message, Action.MARK_REPEAT, actor=actor, original=original.tracking_no)
    answered = original.answered_at is not None
    notify_petitioner(message, f"repeat:{message.id}",
                      f"您的留言（{message.tracking_no}）与已受理的同类诉求为同一事项，已并入一并办理"
                      + ("，答复已可凭查询码查看。" if answered else "，答复后将通知您。"))
    return original


def repeats_of(message: Message) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.repeat_of_id == message.id)))


def answer_on_call(message: Message, *, actor, text: str, version: int | None = None) -> None:
    """R12.2 即时办结: the operator answers a consultation during the call (from the reply templates and
    published answers); it is answered at intake, counted apart in the report, rated on callback."""
    check_version(message, version)
    require(actor, Action.ANSWER_ON_CALL, message)
    message.on_call_answer = require_text(text, "即时答复内容")
    message.screened_at = message.answered_at = clock.now()
    move(message, Action.ANSWER_ON_CALL, actor=actor)
    commit()

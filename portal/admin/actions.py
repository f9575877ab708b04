"""Each handling action as a form: its fields, and the service call it makes. The message page
shows the forms of the moves this user may make now; a refused move comes back in place."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from .. import clock
from ..display import date_cn
from ..extensions import db
from ..models import SupervisionCase, Unit, User
from ..queries import repeats
from ..queries.common import addressable_units, policy
from ..queries.confidential import for_viewer
from ..queries.situation import situation
from ..rules.permissions import may, may_decide_extension
from ..rules.policy import TRANSFER_CLOCKS
from ..rules.workflow import UNIT as UNIT_ROLES
from ..rules.workflow import Action, Role, allowed_actions, staff_label
from ..services import (
    Conflict,
    DomainError,
    confidentiality,
    dispatch,
    handling,
    intake,
    publication,
    rating,
    review,
    supervision,
)
from .forms import bind

A = Action


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, textarea, date, int, select, choices (several of them), unit, units, file
    required: bool = True
    choices: tuple = ()
    help: str = ""


@dataclass(frozen=True)
class Form:
    action: str
    title: str
    fields: tuple[Field, ...] = ()
    button: str = ""  # named by what it does; the title when that says it
    notes: tuple[str, ...] = field(default_factory=tuple)
    files: bool = False  # the form uploads its attachments itself (kept even when the rest is refused)
    confirm: str = ""  # an irreversible move: asked once more before it is made

    @property
    def label(self) -> str:
        return self.button or self.title


# The main next step of each role comes first on the page; moves that end or refuse a case last.
ORDER = (A.SUBMIT_REPLY, A.SIGN_OFF, A.APPROVE_REPLY, A.SUBMIT_CO_OPINION, "decide_return", A.DECIDE_EXTENSION,
         A.ACCEPT, A.ASSIGN, A.ANSWER_SUPERVISION, A.RECORD_FOLLOW_UP, A.RATE, A.CLOSE, A.PUBLISH, A.ARCHIVE,
         A.ANSWER_ON_CALL, A.DECIDE_REPORT, A.RECORD_CONTACT, A.ADD_ATTACHMENT, A.EXPLAIN_DELAY, A.REQUEST_EXTENSION,
         A.SUB_ASSIGN, A.REQUEST_RETURN, A.MARK_REPEAT, A.MARK_COMPLAINT, A.OPEN_SUPERVISION, A.CLOSE_SUPERVISION,
         A.RECORD_INSTRUCTION, A.SPOT_CHECK, A.TRANSFER, A.REOPEN, A.SETTLE, A.WITHHOLD, A.HIDE, A.REJECT,
         A.MARK_FALSE)
MAIN_STEPS = frozenset(ORDER[:ORDER.index(A.ANSWER_ON_CALL) + 1])  # opened first; the others stay folded
FILE_PURPOSES = (("investigation_doc", "调查受理文书"), ("duty_opinion", "书面履责意见"), ("other", "其他材料"))


DECISION = Field("decision", "审核意见", "select", choices=(("yes", "同意"), ("no", "不同意")))


# Moves decided inside another form (one form decides both ways) or on their own page (publishing).
# Moves made through another move's form: a refusal in its approval form, the publication on the
# review page, a redo by the rating that opens it.
DECIDED_ELSEWHERE = frozenset({A.REFUSE_RETURN, A.REFUSE_SIGN_OFF, A.SEND_BACK, A.PUBLISH, A.OPEN_REDO})


def offered_actions(message, user) -> list[Action]:
    """The moves ``user`` may make on ``message`` now: exactly those the rule book
    (portal/rules/permissions.py) allows, so a form offered is a move the service accepts."""
    now = situation(message)
    return [action for action in allowed_actions(now.status, Role(user.role))
            if action not in DECIDED_ELSEWHERE and may(user, action, now) is None]


def forms_for(message, user) -> list[Form]:
    """The offered forms, the main next step first."""
    offered = offered_actions(message, user)
    forms = _with_files_in_place([_form(action, message, user) for action in offered])
    rank = {action: i for i, action in enumerate(ORDER)}
    return sorted(forms, key=lambda f: rank.get(f.action, len(ORDER)))


def offered_form(message, user, name: str) -> Form | None:
    """The one offered form called ``name`` (a post, an autosave), without the forms whose choices cost a
    query unless it is one of them."""
    offered = offered_actions(message, user)
    if name in LOOKED_UP:
        return LOOKED_UP[name](message, user) if name in offered else None
    forms = _with_files_in_place([_form(action, message, user) for action in offered if action not in LOOKED_UP])
    return next((form for form in forms if form.action == name), None)


def _with_files_in_place(forms: list[Form]) -> list[Form]:
    """Files go with the form they belong to when it is offered: no separate upload form then."""
    if any(f.files for f in forms):
        return [f for f in forms if f.action != A.ADD_ATTACHMENT]
    return forms


def _open_cases(message, unit_id=None):
    query = select(SupervisionCase).where(SupervisionCase.message_id == message.id, SupervisionCase.closed_at.is_(None))
    if unit_id is not None:
        query = query.where(SupervisionCase.unit_id == unit_id, SupervisionCase.answered_at.is_(None))
    return db.session.scalars(query).all()


def unit_choices():
    return tuple((str(i), n) for i, n in addressable_units())


def _repeat_form(message, user) -> Form:
    return Form(A.MARK_REPEAT, "并为重复件", (
        Field("candidate", "近90天已受理的相似留言（点击即并件）", "pick", required=False, choices=tuple(
            (h.message.tracking_no, f"{h.message.tracking_no} {for_viewer(user, h.message, h.message.subject)[:30]}"
             f"（{staff_label(h.message.status)}，相似度 {round(h.score * 100)}%）", f"并入 {h.message.tracking_no}")
            for h in repeats.hints(message.subject, message.body, at=message.received_at, exclude=message.id)),
            help="近90天没有相似的已受理留言。"),
        Field("original_no", "或填写原件留言编号", required=False)), button="确认并件",
        notes=("并件后本留言不再单独办理，原件答复时一并通知本留言的诉求人，原件公开页显示同类诉求件数。",))


def _complaint_form(message, user) -> Form:
    return Form(A.MARK_COMPLAINT, "标记投诉对象", (
        Field("complained_units", "被投诉单位", "units", required=False),
        Field("complained_staff", "被投诉人员", "choices", required=False, choices=staff_choices()),
        Field("note", "标记依据", "textarea")), button="保存标记",
        notes=("被投诉的单位和人员看不到诉求人信息，留言、答复和附件名称中的个人信息对其屏蔽，"
               "与诉求人的联系由平台办公室负责；两项都不选即取消标记。",))


def _sub_assign_form(message, user) -> Form:
    townships = db.session.execute(select(Unit.id, Unit.name).where(
        Unit.parent_id == user.unit_id, Unit.kind == "township", Unit.active).order_by(Unit.name)).all()
    lead = message.lead_assignment()
    return Form(A.SUB_ASSIGN, "二次转办乡镇（街道）", (
        Field("township", "乡镇（街道）", "select", choices=tuple((str(i), n) for i, n in townships)),
        Field("due", "乡镇（街道）办理期限", "date"), Field("note", "转办说明", "textarea", required=False)),
        button="确认转办", notes=(f"期限须在本单位办理期限（{date_cn(lead.due_date)}）之内；"
                                  "乡镇（街道）以协办意见答复本单位，由本单位汇总答复。",))


LOOKED_UP = {A.MARK_REPEAT: _repeat_form, A.MARK_COMPLAINT: _complaint_form, A.SUB_ASSIGN: _sub_assign_form}


def staff_choices():
    """Units' staff who may be named in a complaint, by unit."""
    people = db.session.execute(select(User.id, User.name, Unit.name).join(Unit, User.unit_id == Unit.id).where(
        User.active, User.role.in_([str(role) for role in UNIT_ROLES])).order_by(Unit.name, User.name))
    return tuple((str(i), f"{name}（{unit}）") for i, name, unit in people)


def _choices(items):
    return tuple((c.code, c.text) for c in items)


def _form(action, message, user) -> Form:
    if action in LOOKED_UP:  # forms whose choices cost a query: built only when offered
        return LOOKED_UP[action](message, user)
    rules = policy()
    reply_fields = (
        Field("handled_on", "办理时间", "date"), Field("result", "办理结果", "textarea"),
        Field("basis", "法律法规政策依据", "textarea"), Field("contact_note", "回复诉求人的情况", "textarea"),
        Field("handler_name", "经办人姓名"), Field("handler_phone", "经办人联系电话"),
        Field("body", "答复正文（发给诉求人）", "textarea"),
    )
    if message.category in ("complaint", "report"):
        reply_fields += (Field("investigation", "是否调查处理", "select", choices=(
            ("investigated", "决定调查处理（须已上传调查受理文书）"), ("not_investigated", "不予调查处理"))),
            Field("not_investigated_reason", "不予调查处理的理由和法律依据", "textarea", required=False))
    if rules.follow_up_in_reply:
        reply_fields += (Field("visit_note", "回访诉求人的情况（诉求人未留联系方式的除外）", "textarea",
                               required=False),)
    reply_fields += (Field("legal_reviewer", "法制审核人（需要法制审核时填写）", required=False),
                     Field("legal_opinion", "法制审核意见", "textarea", required=False))
    if message.redo_round:
        reply_fields += (Field("kind", "重办结果", "select", choices=(
            ("answer", "重新办理并答复"), ("duty_fulfilled", "上传书面履责意见并说明（须已上传）"))),)
    return {
        A.ACCEPT: Form(A.ACCEPT, "受理", (
            Field("category", "诉求类别", "select", choices=_choices(rules.categories)),
            Field("emergency", "突发类事项", "select", choices=(("no", "否"), ("yes", "是"))),
            Field("about_unit", "投诉对象单位（其人员将看不到诉求人信息）", "unit", required=False))),
        A.REJECT: Form(A.REJECT, "不予受理", (
            Field("reason", "理由", "select", choices=(("", "请选择"), *_choices(rules.out_of_scope))),
            Field("guidance", "告知诉求人的反映渠道（留空则用默认说明）", "textarea", required=False)),
            button="确认不予受理", confirm="确认不予受理？诉求人将收到告知，此操作不能撤销。"),
        A.ASSIGN: Form(A.ASSIGN, "交办", (Field("lead", "牵头单位", "unit"),
                                         Field("co_units", "协办单位", "units", required=False),
                                         Field("note", "交办说明", "textarea", required=False))),
        A.REQUEST_RETURN: Form(A.REQUEST_RETURN, "申请退回", (Field("reason", "退回理由", "textarea"),
                                                          Field("basis", "依据", "textarea")),
                               notes=(f"须在收到交办后{rules.return_window_workdays}个工作日内申请。",)),
        A.REQUEST_CO_RETURN: Form(A.REQUEST_RETURN, "协办单位申请退回", (Field("reason", "退回理由", "textarea"),
                                                                   Field("basis", "依据", "textarea"))),
        A.APPROVE_RETURN: Form("decide_return", "审核退回申请", (DECISION, Field("note", "理由", "textarea",
                                                                          required=False)), button="提交审核意见"),
        A.ADD_ATTACHMENT: Form(A.ADD_ATTACHMENT, "上传附件", (
            Field("file", "文件（PDF、图片、Word、Excel，10MB以内）", "file"),
            Field("purpose", "用途", "select", choices=FILE_PURPOSES)), button="上传"),
        A.DECIDE_CO_RETURN: Form("decide_return", "审核协办单位退回申请", (
            DECISION, Field("note", "理由", "textarea", required=False)), button="提交审核意见"),
        A.RECORD_CONTACT: Form(A.RECORD_CONTACT, "登记与诉求人沟通", (Field("note", "沟通情况", "textarea"),),
                               button="登记沟通情况"),
        A.DECIDE_REPORT: Form(A.DECIDE_REPORT, "举报受理决定", (
            Field("investigate", "决定", "select", choices=(("yes", "受理并调查"), ("no", "不予调查"))),
            Field("note", "说明", "textarea")), button="保存受理决定"),
        A.REQUEST_EXTENSION: Form(A.REQUEST_EXTENSION, "申请延期", (
            Field("days", f"延长工作日数（1至{rules.extension_max_days}）", "int"),
            Field("reason", "延期理由", "textarea")),
            button="提交延期申请", notes=(f"最多延期{rules.extension_max_count}次，须在办理期限届满前申请。",)),
        A.DECIDE_EXTENSION: Form(A.DECIDE_EXTENSION, "审批延期申请", (
            DECISION, Field("note", "理由", "textarea", required=False)), button="提交审批意见"),
        A.SUBMIT_CO_OPINION: Form(A.SUBMIT_CO_OPINION, "提交协办意见", (Field("text", "协办意见", "textarea"),),
                                  files=True),
        A.EXPLAIN_DELAY: Form(A.EXPLAIN_DELAY, "说明超期原因", (Field("text", "原因", "textarea"),),
                              button="提交超期说明"),
        A.SUBMIT_REPLY: Form(A.SUBMIT_REPLY, "答复", reply_fields, button="提交本单位审签", files=True,
                              notes=("附件（调查受理文书、书面履责意见等）随本答复一并上传；提交未成功时已选的文件也会保存。",)),
        A.SIGN_OFF: Form(A.SIGN_OFF, "审签", (DECISION, Field("note", "审签意见（不同意时必填）", "textarea",
                                                          required=False)), button="提交审签意见"),
        A.APPROVE_REPLY: Form(A.APPROVE_REPLY, "审核答复", (
            Field("decision", "审核结果", "select", choices=(("yes", "审核通过，答复诉求人"), ("no", "退回重办"))),
            Field("note", "理由（退回时必填）", "textarea", required=False)), button="提交审核结果"),
        A.RECORD_FOLLOW_UP: Form(A.RECORD_FOLLOW_UP, "登记回访", (Field("method", "回访方式"),
                                                              Field("outcome", "回访情况", "textarea"))),
        A.SPOT_CHECK: Form(A.SPOT_CHECK, "回头看", (Field("method", "核查方式"),
                                                   Field("outcome", "核查情况", "textarea")), button="登记核查情况"),
        A.CLOSE: Form(A.CLOSE, "办结", button="确认办结", confirm="确认办结？办结后不能再补充答复。"),
        A.SETTLE: Form(A.SETTLE, "不再交办转办", (
            Field("reason", "情形", "select", choices=_choices(rules.settle_reasons)),
            Field("explanation", "向诉求人的解释说明", "textarea")), button="确认不再交办",
            confirm="确认不再交办转办并办结？诉求人将收到解释说明。",
            notes=("适用于承办单位已按规定履行职责、事项已进入仲裁或司法程序、或不符合政策规定的情形。",)),
        A.MARK_FALSE: Form(A.MARK_FALSE, "认定虚假或恶意诉求", (
            Field("reason", "认定理由", "textarea"),
            Field("police", "是否移交公安机关", "select", choices=(("no", "否"), ("yes", "是")))),
            button="确认认定", confirm="确认认定为虚假或恶意诉求？",
            notes=("认定后该诉求不计入公开统计，认定记录存档。",)),
        A.RATE: Form(A.RATE, "登记电话回访满意度", (
            Field("level", "满意度", "select", choices=_choices(rules.ratings)),
            Field("comment", "回访记录（诉求人的原话或意见）", "textarea")), button="登记评价",
            notes=("来电人无法在网上评价的，由平台回访后代为登记，记录为工作人员登记。"
                   + ("首次评价为不满意以下的，将发回承办单位重办。" if rules.redo_max_rounds else ""),)),
        A.ANSWER_ON_CALL: Form(A.ANSWER_ON_CALL, "即时办结", (Field("text", "即时答复内容", "textarea"),),
                               button="即时办结", confirm="确认即时办结？",
                               notes=("来电咨询已当场答复的，登记答复内容后直接办结；回访后登记满意度。",)),
        A.TRANSFER: Form(A.TRANSFER, "转办", (Field("unit", "转办至（新的牵头单位）", "unit"),
                                              Field("reason", "转办理由", "textarea")), button="确认转办",
                         confirm="确认转办？原牵头单位将不再办理。",
                         notes=(f"原牵头单位不再办理，不计入其办件；{TRANSFER_CLOCKS[rules.transfer_clock]}。",)),
        A.REOPEN: Form(A.REOPEN, "重新办理", (Field("reason", "重新办理的原因", "textarea"),), button="确认重新办理",
                       notes=(f"牵头单位重新计算办理期限：{rules.reopen_workdays}个工作日；诉求人将收到通知，并可对新的答复评价。",)),
        A.ARCHIVE: Form(A.ARCHIVE, "归档", button="确认归档", confirm="确认归档？"),
        A.PUBLISH: Form(A.PUBLISH, "公开发布", (
            Field("subject", "公开标题"), Field("body", "公开正文（请删除个人信息）", "textarea"),
            Field("reply_text", "公开答复", "textarea"))),
        A.WITHHOLD: Form(A.WITHHOLD, "决定不公开", (Field("reason", "理由", "textarea"),), button="确认不公开",
                          confirm="确认不公开？"),
        A.HIDE: Form(A.HIDE, "撤回公开", (Field("reason", "理由", "textarea"),), button="确认撤回公开",
                      confirm="确认撤回公开？公开页面和检索结果将立即下线。"),
        A.RECORD_INSTRUCTION: Form(A.RECORD_INSTRUCTION, "登记领导批示", (
            Field("leader", "批示领导"), Field("text", "批示内容", "textarea"), Field("on", "批示日期", "date"),
            Field("due", "批示要求的办结期限（已交办的须填写）", "date", required=False)), button="登记批示"),
        A.OPEN_SUPERVISION: Form(A.OPEN_SUPERVISION, "立案督办", (
            Field("reason", "督办事由", "select", choices=_choices(rules.supervision_reasons)),
            Field("method", "督办方式", "select", choices=_choices(rules.supervision_methods)),
            Field("note", "督办要求", "textarea", required=False),
            Field("due", "办结期限（现场协调、专报批示督办时由平台或领导规定）", "date", required=False)),
            button="立案", notes=(_supervision_note(rules),)),
        A.ANSWER_SUPERVISION: Form(A.ANSWER_SUPERVISION, "督办反馈", (Field("answer", "反馈情况", "textarea"),),
                                   button="提交督办反馈"),
        A.CLOSE_SUPERVISION: Form(A.CLOSE_SUPERVISION, "督办办结",
                                  (Field("note", "说明", "textarea", required=False),), button="确认督办办结"),
    }[action]


def _supervision_note(rules) -> str:
    fixed = "、".join(f"{m.text}{rules.supervision_finish_workdays[m.code]}个工作日内办结"
                     for m in rules.supervision_methods if m.code in rules.supervision_finish_workdays)
    return f"{fixed}；其他方式在规定的期限内办结。" if fixed else "在规定的期限内办结。"


def defaults(message, user) -> dict:
    """Values to start from: today, the handler's own name and phone, the message's texts."""
    reply = next((r for r in reversed(message.replies) if r.state == "approved"), None)
    return {"handled_on": clock.today().isoformat(), "on": clock.today().isoformat(), "handler_name": user.name,
            "handler_phone": user.phone, "category": message.category, "subject": message.subject,
            "body": message.body if reply else "", "reply_text": reply.body if reply else "",
            "complained_units": [str(t.unit_id) for t in message.complaint_targets if t.unit_id],
            "complained_staff": [str(t.user_id) for t in message.complaint_targets if t.user_id]}


def perform(form: Form, message, *, actor, version, files=(), purpose: str = "other") -> str:
    """Read the posted input of ``form`` and call its service; returns what to tell the user.
    The form's files are stored first, so a refused submit keeps them (they go with the next reply)."""
    handler = HANDLERS.get(form.action)
    if handler is None:
        raise DomainError("不支持的操作。")
    if version is not None and version != message.version:  # before anything changes (autoflush bumps it)
        raise Conflict("该留言已被他人更新，请刷新页面后再操作。")
    if form.files:
        for upload in files:
            _store(message, actor, upload, purpose)
    return handler(message, _Values(bind(form, unit_choices())), actor)


def _store(message, actor, upload, purpose: str) -> None:
    if purpose not in dict(FILE_PURPOSES):
        raise DomainError("请从列表中选择附件用途。", field="files")
    handling.add_attachment(message, actor=actor, filename=upload.filename, content_type=upload.mimetype,
                            data=upload.read(), purpose=purpose)


def _accept(message, v, actor):
    about = db.session.get(Unit, v.int("about_unit")) if v.get("about_unit") else None
    intake.accept(message, actor=actor, category=v.get("category"), is_emergency=v.yes("emergency"),
                  about_unit=about)
    return "已受理，请交办。"


def _mark_repeat(message, v, actor):
    original = intake.mark_repeat(message, actor=actor, original_no=v.get("original_no") or v.get("candidate"))
    return f"已并入{original.tracking_no}一并办理。"


def _mark_complaint(message, v, actor):
    units = [_unit(i) for i in v.list("complained_units")]
    staff = [person for person in (db.session.get(User, i) for i in v.list("complained_staff")) if person]
    confidentiality.mark_complaint(message, actor=actor, units=units, staff=staff, note=v.get("note"))
    return "已保存投诉对象标记。" if units or staff else "已取消投诉对象标记。"


def _rate_on_callback(message, v, actor):
    round_before = message.redo_round
    rating.rate(message, actor=actor, level=v.get("level"), comment=v.get("comment"))
    return "已登记回访满意度，已发回承办单位重办。" if message.redo_round > round_before else "已登记回访满意度。"


def _assign(message, v, actor):
    lead = _unit(v.int("lead"))
    co = [_unit(i) for i in v.list("co_units")]
    dispatch.assign(message, lead, co, actor=actor, note=v.get("note"))
    return f"已交办{lead.name}。"


def _decide_return(message, v, actor):
    request = dispatch.pending_returns(message)[0]
    dispatch.decide_return(request, actor=actor, approve=v.yes("decision"), note=v.get("note"))
    return "已同意退回，请重新交办。" if v.yes("decision") else "已不同意退回，承办单位继续办理。"


def _decide_extension(message, v, actor):
    approver = policy().extension_approver
    request = next(r for r in handling.pending_extensions(message)
                   if may_decide_extension(actor, r.assignment.unit_id, approver))
    handling.decide_extension(request, actor=actor, approve=v.yes("decision"), note=v.get("note"))
    return "已审批延期申请。"


def _submit_reply(message, v, actor):
    handling.submit_reply(message, actor=actor, handled_on=v.date("handled_on"), result=v.get("result"),
                          basis=v.get("basis"), contact_note=v.get("contact_note"),
                          handler_name=v.get("handler_name"), handler_phone=v.get("handler_phone"),
                          body=v.get("body"), investigation=v.get("investigation") or None,
                          not_investigated_reason=v.get("not_investigated_reason"), kind=v.get("kind") or "answer",
                          visit_note=v.get("visit_note"), legal_reviewer=v.get("legal_reviewer"),
                          legal_opinion=v.get("legal_opinion"))
    return "答复已提交审签。"


def _sign_off(message, v, actor):
    handling.sign_off(message, actor=actor, approve=v.yes("decision"), note=v.get("note"))
    return "已审签，答复提交平台审核。" if v.yes("decision") else "已退回承办人修改。"


def _review(message, v, actor):
    if v.yes("decision"):
        review.approve_reply(message, actor=actor, note=v.get("note"))
        return "审核通过，已答复诉求人。"
    review.send_back(message, actor=actor, reasons=v.get("note"))
    return "已退回承办单位重办。"


def _publish(message, v, actor):
    publication.publish(message, actor=actor, subject=v.get("subject"), body=v.get("body"),
                        reply_text=v.get("reply_text"))
    return "已公开发布。"


def _upload(message, v, actor):
    upload = v.file("file")
    if upload is None or not upload.filename:
        raise DomainError("请选择要上传的文件。", field="file")
    _store(message, actor, upload, v.get("purpose") or "other")
    return "附件已上传。"


def _say(text, call):
    """A handler that makes ``call`` and answers ``text``."""
    def handler(message, v, actor):
        call(message, v, actor)
        return text
    return handler


HANDLERS = {
    A.ACCEPT: _accept,
    A.REJECT: _say("已作不予受理处理，并告知诉求人反映渠道。", lambda m, v, a: intake.reject(
        m, actor=a, reason=v.get("reason"), guidance=v.get("guidance"))),
    A.ASSIGN: _assign,
    A.MARK_COMPLAINT: _mark_complaint,
    A.MARK_REPEAT: _mark_repeat,
    A.ANSWER_ON_CALL: _say("已即时办结。", lambda m, v, a: intake.answer_on_call(m, actor=a, text=v.get("text"))),
    A.TRANSFER: _say("已转办新的牵头单位。", lambda m, v, a: dispatch.transfer(
        m, _unit(v.int("unit")), actor=a, reason=v.get("reason"))),
    A.SUB_ASSIGN: _say("已二次转办乡镇（街道）。", lambda m, v, a: dispatch.sub_assign(
        m, _township(v.get("township")), actor=a, due=v.date("due"), note=v.get("note"))),
    A.RATE: _rate_on_callback,
    A.REOPEN: _say("已重新交办牵头单位办理。", lambda m, v, a: review.reopen(m, actor=a, reason=v.get("reason"))),
    A.REQUEST_RETURN: _say("退回申请已提交，等待平台审核。", lambda m, v, a: dispatch.request_return(
        m, actor=a, reason=v.get("reason"), basis=v.get("basis"))),
    "decide_return": _decide_return,
    A.RECORD_CONTACT: _say("已登记沟通情况。", lambda m, v, a: handling.record_contact(m, actor=a, note=v.get("note"))),
    A.DECIDE_REPORT: _say("已登记举报受理决定。", lambda m, v, a: handling.decide_report(
        m, actor=a, investigate=v.yes("investigate"), note=v.get("note"))),
    A.REQUEST_EXTENSION: _say("延期申请已提交。", lambda m, v, a: handling.request_extension(
        m, actor=a, days=v.int("days") or 0, reason=v.get("reason"))),
    A.DECIDE_EXTENSION: _decide_extension,
    A.SUBMIT_CO_OPINION: _say("协办意见已提交牵头单位。", lambda m, v, a: handling.submit_co_opinion(
        m, actor=a, text=v.get("text"))),
    A.EXPLAIN_DELAY: _say("已说明超期原因。", lambda m, v, a: handling.explain_delay(m, actor=a, text=v.get("text"))),
    A.SUBMIT_REPLY: _submit_reply,
    A.SIGN_OFF: _sign_off,
    A.APPROVE_REPLY: _review,
    A.RECORD_FOLLOW_UP: _say("已登记回访。", lambda m, v, a: review.record_follow_up(
        m, actor=a, method=v.get("method"), outcome=v.get("outcome"))),
    A.SPOT_CHECK: _say("已登记回头看。", lambda m, v, a: review.spot_check(
        m, actor=a, method=v.get("method"), outcome=v.get("outcome"))),
    A.CLOSE: _say("已办结。", lambda m, v, a: review.close(m, actor=a)),
    A.ARCHIVE: _say("已归档。", lambda m, v, a: review.archive(m, actor=a)),
    A.PUBLISH: _publish,
    A.WITHHOLD: _say("已决定不公开。", lambda m, v, a: publication.withhold(m, actor=a, reason=v.get("reason"))),
    A.HIDE: _say("已撤回公开。", lambda m, v, a: publication.hide(m, actor=a, reason=v.get("reason"))),
    A.RECORD_INSTRUCTION: _say("已登记领导批示。", lambda m, v, a: supervision.record_instruction(
        m, actor=a, leader_name=v.get("leader"), text=v.get("text"), instructed_on=v.date("on"),
        due_date=v.date("due"))),
    A.OPEN_SUPERVISION: _say("已立案督办。", lambda m, v, a: supervision.open_case(
        m, actor=a, reason=v.get("reason"), method=v.get("method"), note=v.get("note"), due_date=v.date("due"))),
    A.SETTLE: _say("已办结，不再交办转办，并已告知诉求人。", lambda m, v, a: review.settle(
        m, actor=a, reason=v.get("reason"), explanation=v.get("explanation"))),
    A.MARK_FALSE: _say("已认定为虚假或恶意诉求。", lambda m, v, a: intake.mark_false(
        m, actor=a, reason=v.get("reason"), referred_to_police=v.yes("police"))),
    A.ANSWER_SUPERVISION: _say("督办反馈已提交。", lambda m, v, a: supervision.answer_case(
        _open_cases(m, a.unit_id)[0], actor=a, answer=v.get("answer"))),
    A.CLOSE_SUPERVISION: _say("督办事项已办结。", lambda m, v, a: supervision.close_case(
        _open_cases(m)[0], actor=a, note=v.get("note"))),
    A.ADD_ATTACHMENT: _upload,
}


def _township(value: str) -> Unit:
    """The township picked from the form's list (its id as text); the service checks it is the county's."""
    unit = db.session.get(Unit, int(value)) if (value or "").isdigit() else None
    if unit is None:
        raise DomainError("请选择本县（区）下设的乡镇（街道）。")
    return unit


def _unit(unit_id: int | None) -> Unit:
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError("请选择承办单位。")
    return unit


class _Values:
    """The checked values of a bound form (admin/forms.py), read by type."""

    def __init__(self, values: dict):
        self.values = values

    def get(self, name) -> str:
        value = self.values.get(name)
        return value.strip() if isinstance(value, str) else ""

    def yes(self, name) -> bool:
        return self.get(name) == "yes"

    def int(self, name) -> int | None:
        value = self.values.get(name)
        return value if isinstance(value, int) else None

    def date(self, name) -> date | None:
        value = self.values.get(name)
        return value if isinstance(value, date) else None

    def list(self, name) -> list:
        return list(self.values.get(name) or ())

    def file(self, name):
        return self.values.get(name)

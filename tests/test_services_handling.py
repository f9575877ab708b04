"""R5 extensions, R6 reply / sign-off / review / follow-up, through the services."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Notification
from portal.rules.workflow import Role, Status
from portal.services import DomainError, Forbidden, handling, review
from portal.services.common import policy
from tests.conftest import on
from tests.factories import answered, assigned, reply

D = date.fromisoformat
pytestmark = pytest.mark.usefixtures("app")


def ask(city, message, days, unit="住建局", day="2026-11-03"):
    """The unit asks; under CZ the application is signed by its 分管负责同志 (第九条(三))."""
    role = Role.DEPUTY_HEAD if policy().extension_requesters == ("deputy_head", "principal_head") else Role.HANDLER
    with on(day):
        return handling.request_extension(message, actor=city.user(role, unit), days=days, reason="需现场测量")


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_chizhou_one_extension_signed_by_the_units_deputy_head_and_granted_by_the_office(city, policy_name):
    # CZ 第九条(三): 经承办单位分管负责同志签批同意可申请延期1次 — the office (市政府办公室) grants it.
    message = assigned(city, "2026-11-02")  # due 2026-11-11 (7 working days)
    with on("2026-11-03"), pytest.raises(Forbidden, match="分管负责同志"):
        handling.request_extension(message, actor=city.user(Role.HANDLER, "住建局"), days=3, reason="需测量")
    request = ask(city, message, 3)
    with pytest.raises(Forbidden):  # the unit's own leaders sign the application, they do not grant it
        handling.decide_extension(request, actor=city.user(Role.DEPUTY_HEAD, "住建局"), approve=True)
    handling.decide_extension(request, actor=city.user(Role.DISPATCHER), approve=True)
    lead = message.lead_assignment()
    assert (lead.due_date, lead.extensions_used, lead.counted_workdays) == (D("2026-11-16"), 1, 10)
    told = db.session.scalars(select(Notification.body).where(Notification.message_id == message.id)).all()
    assert any("办理期限已延长至2026年11月16日" in body for body in told)  # the citizen is told the new date
    with pytest.raises(DomainError, match="延期次数已达上限（1次）"):
        ask(city, message, 1)


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_chizhou_refuses_an_extension_past_fifteen_working_days(city, policy_name):
    message = assigned(city, "2026-11-02")
    with pytest.raises(DomainError, match="延期天数须为1至8个工作日"):
        ask(city, message, 9)
    # After a redo window of 5 (7 + 5 = 12 counted), only 3 more days fit under the cap.
    lead = message.lead_assignment()
    lead.counted_workdays = 12
    with pytest.raises(DomainError, match="超过15个工作日.*最多还能延期3个工作日"):
        ask(city, message, 4)
    ask(city, message, 3)


def test_longnan_allows_two_extensions_approved_by_the_office_which_tells_the_citizen(city):
    message = assigned(city, "2026-11-02", category="complaint")  # due 2026-11-09
    for expected_due in ("2026-11-16", "2026-11-23"):
        request = ask(city, message, 5)
        with pytest.raises(Forbidden):
            handling.decide_extension(request, actor=city.user(Role.DEPUTY_HEAD, "住建局"), approve=True)
        handling.decide_extension(request, actor=city.user(Role.DISPATCHER), approve=True)
        assert message.lead_assignment().due_date == D(expected_due)
        key = f"extension:{request.id}:{message.id}"
        sms = db.session.scalar(select(Notification).where(Notification.dedupe_key == key))
        assert sms.recipient == "13812345678" and expected_due[:4] in sms.body
    with pytest.raises(DomainError, match="延期次数已达上限（2次）"):
        ask(city, message, 1)


def test_longnan_refuses_extensions_for_emergencies(city):
    message = assigned(city, "2026-11-02")
    message.is_emergency = True
    with pytest.raises(DomainError, match="突发类事项不能申请延期"):
        ask(city, message, 2)


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_an_extension_must_be_asked_before_the_deadline(city, policy_name):
    message = assigned(city, "2026-11-02")
    due = message.lead_assignment().due_date
    ask(city, message, 1, day=due).decision = "refused"  # on the last day is still in time
    with pytest.raises(DomainError, match="已超过办理期限"):
        ask(city, message, 1, day=date.fromordinal(due.toordinal() + 1))


def test_refusing_an_extension_needs_reasons(city):
    request = ask(city, assigned(city, "2026-11-02"), 2)
    with pytest.raises(DomainError, match="不同意延期的理由"):
        handling.decide_extension(request, actor=city.user(Role.DISPATCHER), approve=False)
    handling.decide_extension(request, actor=city.user(Role.DISPATCHER), approve=False, note="可按期办结")
    assert request.decision == "refused" and request.assignment.extensions_used == 0


@pytest.mark.parametrize(("missing", "error"), [
    ("result", "办理结果"), ("basis", "法律法规政策依据"), ("contact_note", "回复诉求人的情况"),
    ("handler_name", "经办人姓名"), ("handler_phone", "经办人联系电话"), ("body", "答复正文"),
])
def test_a_reply_needs_every_field_of_r6_1(city, missing, error):
    message = assigned(city, "2026-11-02")
    with pytest.raises(DomainError, match=error):
        reply(city, message, **{missing: ""})


def test_a_complaint_reply_says_whether_it_was_investigated(city):
    message = assigned(city, "2026-11-02", category="complaint")
    with pytest.raises(DomainError, match="须说明是否调查处理"):
        reply(city, message, investigation=None)
    with pytest.raises(DomainError, match="调查受理文书"):
        reply(city, message, investigation="investigated")
    with pytest.raises(DomainError, match="不予调查处理的理由"):
        reply(city, message, investigation="not_investigated", not_investigated_reason="")
    handling.add_attachment(message, actor=city.user(Role.HANDLER, "住建局"), filename="立案决定书.pdf",
                            content_type="application/pdf", data=b"%PDF-1.4", purpose="investigation_doc")
    sent = reply(city, message, investigation="investigated")
    assert [a.filename for a in sent.attachments] == ["立案决定书.pdf"]
    assert message.status == Status.SIGNOFF


def test_longnan_a_reply_records_the_first_contact_when_none_was(city):
    message = assigned(city, "2026-11-02", category="complaint")
    handler = city.user(Role.HANDLER, "住建局")
    assert message.lead_assignment().contact_due == D("2026-11-04")
    with on("2026-11-05"):  # one day after the contact deadline: recorded, and late
        handling.submit_reply(message, actor=handler, handled_on=D("2026-11-05"), result="r", basis="b",
                              contact_note="已电话告知处理结果", handler_name="n", handler_phone="p", body="b",
                              investigation="not_investigated", not_investigated_reason="x")
    assert message.lead_assignment().first_contact_at is not None
    contact = next(e for e in message.events if e.kind == "record_contact")
    assert contact.data["note"] == "已电话告知处理结果" and contact.data["on_time"] is False


def test_longnan_a_contact_recorded_before_the_reply_is_kept(city):
    message = assigned(city, "2026-11-02", category="complaint")
    handler = city.user(Role.HANDLER, "住建局")
    with on("2026-11-03"):
        handling.record_contact(message, actor=handler, note="电话沟通")
    first = message.lead_assignment().first_contact_at
    with on("2026-11-05"):
        reply(city, message, investigation="not_investigated", not_investigated_reason="x")
    assert message.lead_assignment().first_contact_at == first
    assert [e.data["on_time"] for e in message.events if e.kind == "record_contact"] == [True]


def test_longnan_report_is_decided_first_and_the_closing_clock_restarts(city):
    message = assigned(city, "2026-11-02", category="report")
    assert message.lead_assignment().due_date == D("2026-11-18")  # 2 + 10 at the latest
    with on("2026-11-03"):
        handling.decide_report(message, actor=city.user(Role.HANDLER, "住建局"), investigate=True, note="受理")
    assert message.lead_assignment().due_date == D("2026-11-17")  # 10 working days after acceptance


@pytest.mark.parametrize(("policy_name", "channel", "signer", "refused"), [
    ("chizhou", "governor_mailbox", Role.PRINCIPAL_HEAD, Role.DEPUTY_HEAD),  # provincial: principal head
    ("chizhou", "mayor_hotline", Role.DEPUTY_HEAD, Role.HANDLER),            # mayor's hotline: deputy head
    ("longnan", "hotline", Role.DEPUTY_HEAD, Role.HANDLER),
])
def test_sign_off_at_the_level_the_channel_needs(city, policy_name, channel, signer, refused):
    message = assigned(city, "2026-11-02", channel=channel, category="consult")
    reply(city, message)
    with pytest.raises(Forbidden):
        handling.sign_off(message, actor=city.user(refused, "住建局"), approve=True)
    handling.sign_off(message, actor=city.user(signer, "住建局"), approve=True)
    assert message.status == Status.REVIEW


def test_a_refused_sign_off_goes_back_to_the_handler_with_the_note(city):
    message = assigned(city, "2026-11-02", category="consult")
    reply(city, message)
    with pytest.raises(DomainError, match="退回修改意见"):
        handling.sign_off(message, actor=city.user(Role.DEPUTY_HEAD, "住建局"), approve=False)
    handling.sign_off(message, actor=city.user(Role.DEPUTY_HEAD, "住建局"), approve=False, note="补充依据")
    assert message.status == Status.ASSIGNED and message.replies[-1].state == "refused"


def test_the_office_sends_a_reply_back_with_reasons_or_approves_it(city):
    message = assigned(city, "2026-11-02", category="consult")
    reply(city, message)
    handling.sign_off(message, actor=city.user(Role.DEPUTY_HEAD, "住建局"), approve=True)
    with pytest.raises(DomainError, match="退回理由"):
        review.send_back(message, actor=city.user(Role.REVIEWER), reasons="")
    review.send_back(message, actor=city.user(Role.REVIEWER), reasons="未针对诉求正面回应")
    assert message.status == Status.ASSIGNED
    reply(city, message)
    handling.sign_off(message, actor=city.user(Role.DEPUTY_HEAD, "住建局"), approve=True)
    review.approve_reply(message, actor=city.user(Role.REVIEWER))
    assert message.status == Status.ANSWERED and message.answered_at is not None
    assert all(a.state == "done" for a in message.assignments)


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_chizhou_the_unit_visits_and_notes_it_in_the_result_it_submits(city, policy_name):
    # CZ 第九条(七): 承办单位及时回访诉求人…并在反馈办理结果时注明。未进行回访的，予以退回.
    message = assigned(city, "2026-11-02", category="consult")
    with pytest.raises(DomainError, match="回访诉求人的情况"):
        reply(city, message, visit_note="")
    reply(city, message, visit_note="11月5日电话回访，诉求人已知晓办理结果。")
    assert message.replies[-1].visit_note.startswith("11月5日电话回访")
    answer_rest = answered(city, "2026-11-02", category="consult")
    review.close(answer_rest, actor=city.user(Role.REVIEWER))  # no separate visit after the office's approval
    assert answer_rest.status == Status.CLOSED


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_no_visit_is_needed_when_the_citizen_left_no_contact(city, policy_name):
    message = assigned(city, "2026-11-02", category="consult")
    message.petitioner.phone = ""
    reply(city, message, visit_note="")
    assert message.status == Status.SIGNOFF


@pytest.mark.parametrize("policy_name", ["longnan"])
def test_longnan_needs_no_visit_before_closing(city, policy_name):
    message = answered(city, "2026-11-02", category="consult")
    review.close(message, actor=city.user(Role.REVIEWER))
    assert message.status == Status.CLOSED


def test_archive_keeps_the_assignment_reply_and_sign_off(city):
    message = answered(city, "2026-11-02", category="consult")
    review.close(message, actor=city.user(Role.REVIEWER))
    review.archive(message, actor=city.user(Role.DISPATCHER))
    assert message.status == Status.ARCHIVED and message.archived_at is not None


def test_a_co_unit_gives_its_opinion_and_cannot_reply_for_the_lead(city):
    message = assigned(city, "2026-11-02", category="consult", co_units=["生态环境局"])
    with pytest.raises(Forbidden, match="牵头单位"):
        reply(city, message, unit="生态环境局")
    handling.submit_co_opinion(message, actor=city.user(Role.HANDLER, "生态环境局"), text="排放达标")
    assert [a.unit.name for a in message.active_assignments()] == ["住建局"]


def test_an_action_made_on_the_current_version_is_never_a_false_conflict(city):
    """Regression: the version is checked before the action changes anything (an autoflush
    in the middle of an action must not make the page's version look stale)."""
    message = assigned(city, "2026-11-02", category="consult")
    reply(city, message)
    handling.sign_off(message, actor=city.user(Role.DEPUTY_HEAD, "住建局"), approve=True, version=message.version)
    review.approve_reply(message, actor=city.user(Role.REVIEWER), version=message.version)
    assert message.status == Status.ANSWERED


def test_the_office_records_spot_checks_after_closing(city):
    """R6.5: 回头看 — the office checks later that the measures were carried out."""
    message = answered(city, "2026-11-02", category="consult")
    review.close(message, actor=city.user(Role.REVIEWER))
    visit = review.spot_check(message, actor=city.user(Role.SUPERVISOR), method="实地查看", outcome="整改到位")
    assert visit.is_spot_check and message.status == Status.CLOSED
    assert message.events[-1].kind == "spot_check"
    with pytest.raises(Forbidden):
        review.spot_check(message, actor=city.user(Role.HANDLER, "住建局"), method="x", outcome="y")


def test_archive_is_refused_without_the_sign_off_record(city):
    """R10.2: each archived matter keeps its assignment notice, reply and sign-off records."""
    from portal.extensions import db
    from portal.models import SignOff

    message = answered(city, "2026-11-02", category="consult")
    review.close(message, actor=city.user(Role.REVIEWER))
    db.session.query(SignOff).delete()
    db.session.commit()
    with pytest.raises(DomainError, match="归档材料不全"):
        review.archive(message, actor=city.user(Role.DISPATCHER))
    assert message.status == Status.CLOSED

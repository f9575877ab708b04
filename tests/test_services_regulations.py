"""Issue 13: the regulations as the office works them, through the services, per preset."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Notification, OverdueWarning
from portal.queries.assessment import assess
from portal.queries.projection import recent_figures, unit_figures
from portal.rules.periods import Period
from portal.rules.workflow import Role, Status
from portal.services import DomainError, Forbidden, handling, intake, review, supervision
from portal.services.common import policy
from portal.services.reminders import tick
from tests.conftest import on
from tests.factories import answered, assigned, reply

D = date.fromisoformat
BOTH = pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])


def signed(city, message, day):
    """The lead unit replies and its leader signs on ``day``: the reply is with the office."""
    with on(day, 11):
        reply(city, message, handled_on=D(day))
        handling.sign_off(message, actor=city.user(policy().signoff_role(message.channel_level), "住建局"),
                          approve=True)
    return message


@BOTH
def test_the_office_review_time_is_not_charged_to_the_unit(city, policy_name):
    # R3.5, LN 第二十六条: the clock stops when the signed reply is submitted; a send-back gives the time back.
    message = signed(city, assigned(city, "2026-11-02", category="complaint"), "2026-11-04")
    lead = message.lead_assignment()
    due = lead.due_date
    left = {"longnan": 3, "chizhou": 5}[policy_name]  # LN 5, CZ 7 working days from 11-02; 2 used
    with on("2026-11-16", 9):  # long after the due date, the office is still reviewing: no warning
        assert tick().warnings == {}
        review.send_back(message, actor=city.user(Role.REVIEWER), reasons="请补充依据")
    assert message.status == Status.ASSIGNED and lead.due_date > due
    assert lead.due_date == {"longnan": D("2026-11-19"), "chizhou": D("2026-11-23")}[policy_name]
    with on("2026-11-17", 9):
        assert tick().warnings == {}
        assert db.session.scalar(select(OverdueWarning.id)) is None
        assert left == handling_days_left(lead)


def handling_days_left(lead):
    from portal.services.common import workdays_between

    return workdays_between(D("2026-11-16"), lead.due_date)


@BOTH
def test_a_unit_whose_reply_was_sent_back_after_its_due_date_may_still_ask_for_an_extension(city, policy_name):
    message = signed(city, assigned(city, "2026-11-02", category="complaint"), "2026-11-04")
    with on("2026-11-16"):
        review.send_back(message, actor=city.user(Role.REVIEWER), reasons="请补充依据")
        requester = Role.DEPUTY_HEAD if policy_name == "chizhou" else Role.HANDLER
        handling.request_extension(message, actor=city.user(requester, "住建局"), days=2, reason="需补充调查")


@BOTH
def test_on_time_means_submitted_by_the_due_date_whatever_the_review_took(city, policy_name):
    # A reply signed 11-05 (due 11-09 in LN, 11-11 in CZ) and approved by the office on 11-13 is on time.
    message = signed(city, assigned(city, "2026-11-02", category="complaint"), "2026-11-05")
    with on("2026-11-13", 15):
        review.approve_reply(message, actor=city.user(Role.REVIEWER))
    assert message.lead_assignment() is None and message.answered_at is not None
    row = next(a for a in assess(Period.parse("2026-11")) if a.unit == "住建局")
    assert (row.figures.answered, row.figures.on_time) == (1, 1)
    (figures,) = unit_figures()
    assert figures["on_time"] == 1


@BOTH
def test_a_reply_submitted_late_stays_late(city, policy_name):
    message = signed(city, assigned(city, "2026-11-02", category="complaint"), "2026-11-20")
    with on("2026-11-23", 15):
        review.approve_reply(message, actor=city.user(Role.REVIEWER))
    row = next(a for a in assess(Period.parse("2026-11")) if a.unit == "住建局")
    assert (row.figures.answered, row.figures.on_time) == (1, 0)


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_chizhou_settles_a_matter_without_assigning_it_again(city, policy_name):
    # CZ 第九条(六) second paragraph: 在做好解释说明的前提下，将不再交办转办.
    message = signed(city, assigned(city, "2026-11-02", category="complaint"), "2026-11-04")
    with pytest.raises(DomainError, match="向诉求人的解释说明"):
        review.settle(message, actor=city.user(Role.REVIEWER), reason="arbitration_or_court", explanation="")
    review.settle(message, actor=city.user(Role.REVIEWER), reason="arbitration_or_court",
                  explanation="该纠纷已由区人民法院立案受理，请关注法院审理结果。")
    assert message.status == Status.CLOSED and message.active_assignments() == []
    told = db.session.scalars(select(Notification.body).where(Notification.message_id == message.id)).all()
    assert any("已进入仲裁、司法程序" in body and "法院" in body for body in told)


@pytest.mark.parametrize("policy_name", ["longnan"])
def test_longnan_has_no_such_settlement(city, policy_name):
    message = signed(city, assigned(city, "2026-11-02", category="complaint"), "2026-11-04")
    with pytest.raises(DomainError, match="未规定不再交办"):
        review.settle(message, actor=city.user(Role.REVIEWER), reason="duty_fulfilled", explanation="x")


@BOTH
def test_a_false_or_malicious_petition_leaves_the_public_figures(city, policy_name):
    genuine = answered(city, "2026-11-25", category="consult")
    false = answered(city, "2026-11-25", category="consult")
    before = recent_figures()
    intake.mark_false(false, actor=city.user(Role.DISPATCHER), reason="经核实系捏造事实", referred_to_police=True)
    after = recent_figures()
    assert (before["received"], before["answered"]) == (2, 2)
    assert (after["received"], after["answered"]) == (1, 1)
    assert genuine.false_report_reason is None
    event = false.events[-1]
    assert event.kind == "mark_false" and event.data["referred_to_police"] is True
    with pytest.raises(Forbidden):
        intake.mark_false(genuine, actor=city.user(Role.HANDLER, "住建局"), reason="x")


@pytest.mark.parametrize(("policy_name", "method", "due", "lead_due"), [
    ("longnan", "sms_phone", None, "2026-11-06"),        # LN 第二十四条(一): finish within 2 working days
    ("longnan", "notice", None, "2026-11-06"),           # (二)
    ("longnan", "on_site", "2026-11-13", "2026-11-09"),  # (三): by the date set; the earlier own deadline stays
    ("longnan", "leader_report", "2026-11-05", "2026-11-05"),  # (四): the leader's date brings it forward
])
def test_supervision_deadlines_follow_the_method(city, policy_name, method, due, lead_due):
    message = assigned(city, "2026-11-02", category="complaint")  # due 9 Nov
    with on("2026-11-04"):
        if due is None:
            case = supervision.open_case(message, actor=city.user(Role.SUPERVISOR), reason="overdue", method=method)
        else:
            with pytest.raises(DomainError, match="办结期限"):
                supervision.open_case(message, actor=city.user(Role.SUPERVISOR), reason="overdue", method=method)
            case = supervision.open_case(message, actor=city.user(Role.SUPERVISOR), reason="overdue", method=method,
                                         due_date=D(due))
    assert case.due_date == D(due or "2026-11-06")
    assert message.lead_assignment().due_date == D(lead_due)


@pytest.mark.parametrize("policy_name", ["longnan"])
def test_a_missed_contact_deadline_is_overdue_with_warnings(city, policy_name):
    # R3.1: the 2-working-day contact deadline is a deadline: missing it raises warnings and costs points.
    message = assigned(city, "2026-11-02", category="complaint")  # contact by 4 Nov, close by 9 Nov
    tick(D("2026-11-06"))
    warned = db.session.scalars(select(OverdueWarning).where(OverdueWarning.message_id == message.id)).all()
    assert [(w.level, w.due_date) for w in warned] == [("blue", D("2026-11-04")), ("yellow", D("2026-11-04"))]
    row = next(a for a in assess(Period.parse("2026-11")) if a.unit == "住建局")
    assert row.figures.deductions == 1.5


@pytest.mark.parametrize("policy_name", ["longnan"])
def test_a_late_report_decision_never_moves_the_close_date_past_two_plus_ten(city, policy_name):
    message = assigned(city, "2026-11-02", category="report")  # decide by 4 Nov
    with on("2026-11-10"):  # four working days late
        handling.decide_report(message, actor=city.user(Role.HANDLER, "住建局"), investigate=True, note="受理")
    assert message.lead_assignment().due_date == D("2026-11-18")  # 4 Nov + 10 working days, not 10 Nov + 10


@BOTH
def test_a_legal_review_is_recorded_with_its_reviewer_and_opinion(city, policy_name):
    message = assigned(city, "2026-11-02", category="consult")
    with pytest.raises(DomainError, match="法制审核须同时填写"):
        reply(city, message, legal_reviewer="法规科王五")
    reply(city, message, legal_reviewer="法规科王五", legal_opinion="答复所引依据准确，同意。")
    last = message.replies[-1]
    assert (last.legal_reviewer, last.legal_opinion) == ("法规科王五", "答复所引依据准确，同意。")

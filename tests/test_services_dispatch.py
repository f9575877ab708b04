"""R3 deadlines set on assignment, R4 assignment and return requests."""
from datetime import date

import pytest

from portal.extensions import db
from portal.rules.workflow import Role, Status
from portal.services import Conflict, DomainError, NotFound, dispatch, intake
from tests.conftest import on
from tests.factories import assigned, submit

D = date.fromisoformat


def test_longnan_complaint_deadlines_cross_national_day_and_its_makeup_workday(city):
    # Assigned on Tuesday 30 September 2025: Oct 1–8 are off, Saturday Oct 11 is a make-up workday.
    message = assigned(city, "2025-09-30", category="complaint")
    lead = message.lead_assignment()
    assert lead.contact_due == D("2025-10-10")   # contact within 2 working days (LN 第十三条(二))
    assert lead.due_date == D("2025-10-14")      # close within 5: Oct 9, 10, 11, 13, 14
    assert not lead.due_provisional


@pytest.mark.parametrize(("policy_name", "category", "contact", "decision", "due"), [
    ("longnan", "consult", None, None, "2025-10-10"),
    ("longnan", "report", None, "2025-10-10", "2025-10-23"),   # decide in 2, then 10 (at the latest)
    ("longnan", "help", "2025-10-10", None, "2025-10-14"),
    ("chizhou", "complaint", None, None, "2025-10-16"),        # CZ: 7 working days for every category
    ("chizhou", "consult", None, None, "2025-10-16"),
])
def test_deadlines_per_category_and_preset(city, policy_name, category, contact, decision, due):
    lead = assigned(city, "2025-09-30", category=category).lead_assignment()
    assert lead.contact_due == (D(contact) if contact else None)
    assert lead.decision_due == (D(decision) if decision else None)
    assert lead.due_date == D(due)


def test_a_deadline_in_an_unpublished_year_is_provisional(city):
    lead = assigned(city, "2026-12-28", category="complaint").lead_assignment()
    assert lead.due_date == D("2027-01-05") and lead.due_provisional


def test_lead_and_co_units_each_get_an_assignment_with_its_own_deadline(city):
    message = assigned(city, "2026-11-23", co_units=["生态环境局"])
    lead, co = message.active_assignments()
    assert (lead.is_lead, co.is_lead) == (True, False)
    assert co.unit.name == "生态环境局" and co.due_date == lead.due_date == D("2026-11-30")


def test_the_platform_office_cannot_be_an_assignee(city):
    message, _ = submit()
    intake.accept(message, actor=city.user(Role.OPERATOR))
    with pytest.raises(DomainError, match="不能作为承办单位"):
        dispatch.assign(message, city.office, actor=city.user(Role.DISPATCHER))


def test_a_stale_page_cannot_overwrite_a_newer_change(city):
    message, _ = submit()
    seen = message.version
    intake.accept(message, actor=city.user(Role.OPERATOR), version=seen)
    with pytest.raises(Conflict, match="已被他人更新"):
        dispatch.assign(message, city.units["住建局"], actor=city.user(Role.DISPATCHER), version=seen)


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_a_return_request_within_one_working_day_is_approved_and_reassigned(city, policy_name):
    message = assigned(city, "2026-11-27")  # a Friday
    with on("2026-11-30"):  # Monday: one working day later, still in time
        request = dispatch.request_return(message, actor=city.user(Role.HANDLER, "住建局"),
                                          reason="不属于本单位职责", basis="三定方案")
    assert message.status == Status.RETURN_REQUESTED
    dispatch.decide_return(request, actor=city.user(Role.DISPATCHER), approve=True)
    assert message.status == Status.TO_ASSIGN
    assert message.active_assignments() == [] and message.assignments[0].state == "returned"
    dispatch.assign(message, city.units["A3区"], actor=city.user(Role.DISPATCHER))
    assert message.lead_assignment().unit.name == "A3区"


def test_a_return_request_after_one_working_day_is_refused(city):
    message = assigned(city, "2026-11-27")
    with on("2026-12-01"), pytest.raises(DomainError, match="已超过申请退回的期限"):
        dispatch.request_return(message, actor=city.user(Role.HANDLER, "住建局"), reason="r", basis="b")


def test_refusing_a_return_needs_reasons_and_sends_it_back_to_the_unit(city):
    message = assigned(city, "2026-11-24")
    with on("2026-11-25"):  # within the one working day of R4.3
        request = dispatch.request_return(message, actor=city.user(Role.HANDLER, "住建局"), reason="r", basis="b")
    with pytest.raises(DomainError, match="不同意退回的理由"):
        dispatch.decide_return(request, actor=city.user(Role.DISPATCHER), approve=False)
    dispatch.decide_return(request, actor=city.user(Role.DISPATCHER), approve=False, note="属于你单位职责")
    assert message.status == Status.ASSIGNED and request.decision == "refused"


def test_a_co_unit_return_drops_only_that_unit(city):
    message = assigned(city, "2026-11-24", co_units=["生态环境局"])
    with on("2026-11-25"):
        request = dispatch.request_return(message, actor=city.user(Role.HANDLER, "生态环境局"), reason="r",
                                          basis="b")
    assert message.status == Status.ASSIGNED
    dispatch.decide_return(request, actor=city.user(Role.DISPATCHER), approve=True)
    assert [a.unit.name for a in message.active_assignments()] == ["住建局"]


def test_another_units_people_do_not_find_the_message(city):
    message = assigned(city, "2026-11-24")
    with pytest.raises(NotFound):
        dispatch.request_return(message, actor=city.user(Role.HANDLER, "A3区"), reason="r", basis="b")


def test_a_concurrent_update_in_another_transaction_is_refused_not_overwritten(city):
    from portal.extensions import db
    from portal.models import Event, Message

    message, _ = submit()
    intake.accept(message, actor=city.user(Role.OPERATOR))
    with db.engine.begin() as other:  # someone else's request commits in between
        other.execute(Message.__table__.update().where(Message.id == message.id)
                      .values(version=Message.version + 1, region="A7县"))
    with pytest.raises(Conflict, match="同时更新"):
        dispatch.assign(message, city.units["住建局"], actor=city.user(Role.DISPATCHER))
    db.session.expire_all()
    assert (message.region, message.status) == ("A7县", Status.TO_ASSIGN)
    assert [e.kind for e in db.session.query(Event).filter_by(message_id=message.id)] == ["submit", "accept"]


def test_the_message_keeps_its_lead_unit_and_deadline_in_force(city):
    """Copied from the lead assignment on every change, so the queues sort and filter through an index."""
    from tests.oversight_fixture import make_month

    month = make_month(city)
    db.session.expire_all()
    unit = city.units["住建局"].id

    def lead(message):
        assignment = message.lead_assignment() or next(a for a in message.assignments if a.is_lead
                                                       and a.state == "done")
        return message.lead_unit_id, message.lead_due_date, assignment.due_date

    for message in (month.on_time, month.late, month.extended):
        unit_id, copied, actual = lead(message)
        assert unit_id == unit and copied == actual
    assert month.extended.lead_due_date == date(2026, 11, 12)  # 9 Nov + 3 working days approved
    assert month.late.lead_due_date > date(2026, 11, 12)  # the redo round's own deadline
    assert (month.returned.lead_unit_id, month.returned.lead_due_date) == (None, None)  # handed back

"""Everyday operations of a hotline office (R12), through the services, per preset."""
import dataclasses
from datetime import date

import pytest

from portal.extensions import db
from portal.models import Notification
from portal.queries.common import add_workdays, policy
from portal.rules.workflow import Role, Status
from portal.services import DomainError, rating, review
from tests.conftest import on
from tests.factories import answer, answered, status_of


def closed(city, day="2026-11-16"):
    message = answered(city, day)
    with on(day, 16):
        if status_of(message) == Status.ANSWERED and policy().follow_up_required:
            review.record_follow_up(message, actor=city.user(Role.REVIEWER), method="电话", outcome="已告知")
        review.close(message, actor=city.user(Role.REVIEWER))
    assert status_of(message) == Status.CLOSED
    return message


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_the_office_reopens_a_closed_matter_on_a_fresh_clock_of_the_presets_length(city, policy_name):
    """R12.6: the reason is required; the lead unit works again until today + [reopen] workdays; unit and
    citizen are told; the new answer is a new round the citizen rates again."""
    message = closed(city)
    with on("2026-11-20"):
        rating.rate(message, level="basically_satisfied")
    dispatcher = city.user(Role.DISPATCHER)
    with on("2026-11-30"):
        with pytest.raises(DomainError, match="请填写重新办理的原因"):
            review.reopen(message, actor=dispatcher, reason=" ")
        with pytest.raises(DomainError) as refused:
            review.reopen(message, actor=city.user(Role.PRINCIPAL_HEAD, "住建局"), reason="x")
        assert refused.value.status_code == 403
        review.reopen(message, actor=dispatcher, reason="诉求人反映噪音再次出现")
    lead = message.lead_assignment()
    assert status_of(message) == Status.ASSIGNED and message.closed_at is None
    assert lead.due_date == add_workdays(date(2026, 11, 30), policy().reopen_workdays) == date(2026, 12, 7)
    bodies = [n.body for n in db.session.query(Notification) if n.dedupe_key.startswith("reopen:")]
    assert any("已由平台重新交办" in b for b in bodies) and any("已重新办理" in b for b in bodies)
    answer(city, message, "2026-12-03")
    assert status_of(message) == Status.ANSWERED
    with on("2026-12-04"):
        rating.rate(message, level="satisfied")  # the new answer is a new round: rated again


def test_only_a_matter_with_a_lead_unit_can_be_reopened(city):
    message = closed(city)
    lead = message.lead_in_force()
    lead.state = "returned"
    db.session.commit()
    with pytest.raises(DomainError, match="未交办承办单位"):
        review.reopen(message, actor=city.user(Role.DISPATCHER), reason="再办")


def urgent(city, day="2026-11-23", category="complaint"):
    from portal.services import dispatch, intake
    from tests.factories import submit

    with on(day, 9):
        message, _ = submit(category=category)
        intake.accept(message, actor=city.user(Role.OPERATOR), is_emergency=True)
        dispatch.assign(message, city.units["住建局"], actor=city.user(Role.DISPATCHER))
    return message


@pytest.mark.parametrize(("policy_name", "normal_close"), [("longnan", date(2026, 11, 30)),  # 5 WD
                                                           ("chizhou", date(2026, 12, 2))])  # 7 WD
def test_an_urgent_matter_runs_on_the_presets_shorter_clock(city, policy_name, normal_close):
    """R12.7: assigned Monday 23 Nov, an urgent complaint closes 3 working days later (26 Nov), its contact
    step in 1; an ordinary one keeps the category's period."""
    from tests.factories import assigned

    fast, ordinary = urgent(city), assigned(city, "2026-11-23")
    lead = fast.lead_assignment()
    assert lead.due_date == date(2026, 11, 26) == add_workdays(date(2026, 11, 23), policy().urgent_deadline.close)
    assert ordinary.lead_assignment().due_date == normal_close
    if policy_name == "longnan":
        assert lead.contact_due == date(2026, 11, 24) and ordinary.lead_assignment().contact_due == date(2026, 11, 25)


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_an_urgent_matter_is_reminded_sooner_and_highlighted_in_the_queue(city, policy_name, client):
    from portal.services import reminders
    from tests.factories import assigned
    from tests.test_admin import sign_in

    fast, ordinary = urgent(city), assigned(city, "2026-11-23")
    with on("2026-11-24", 8):
        reminders.tick()
    reminded = {n.message_id for n in db.session.query(Notification)
                if n.body.startswith("催办提醒") and "办结" in n.body}
    assert fast.id in reminded and ordinary.id not in reminded
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    page = client.get("/admin/?queue=all").get_data(as_text=True)
    assert page.count('<span class="tag urgent">突发</span>') == 1


@pytest.fixture
def fresh_transfer_clock(app):
    """The preset setting an office may choose instead: the new unit gets the category's own period."""
    kept = app.extensions["wenzheng_policy"]
    app.extensions["wenzheng_policy"] = dataclasses.replace(kept, transfer_clock="fresh")
    yield
    app.extensions["wenzheng_policy"] = kept


@pytest.mark.parametrize(("policy_name", "clock", "new_due"), [
    ("longnan", "carried", date(2026, 11, 30)),  # the old deadline: 5 WD from 23 Nov
    ("chizhou", "carried", date(2026, 12, 2)),  # the old deadline: 7 WD from 23 Nov
    ("longnan", "fresh", date(2026, 12, 2)),  # the setting changed: 5 WD from the transfer on 25 Nov
])
def test_the_office_transfers_a_matter_and_the_new_unit_answers_for_it(city, policy_name, clock, new_due, request):
    """R12.3 (deadlines carried, as a preset setting): the old lead is relieved (not counted for it)."""
    if clock == "fresh":
        request.getfixturevalue("fresh_transfer_clock")
    from portal.queries.assessment import assess
    from portal.rules.periods import Period
    from portal.services import dispatch
    from tests.factories import assigned

    message = assigned(city, "2026-11-23", co_units=("生态环境局",))
    with on("2026-11-25"):
        with pytest.raises(DomainError, match="请填写转办理由"):
            dispatch.transfer(message, city.units["A3区"], actor=city.user(Role.DISPATCHER), reason="")
        with pytest.raises(DomainError, match="正在协办"):
            dispatch.transfer(message, city.units["生态环境局"], actor=city.user(Role.DISPATCHER), reason="职责")
        dispatch.transfer(message, city.units["A3区"], actor=city.user(Role.DISPATCHER), reason="属A3区职责")
    lead = message.lead_assignment()
    assert (lead.unit.name, lead.due_date, status_of(message)) == ("A3区", new_due, Status.ASSIGNED)
    assert policy().transfer_clock == clock
    assert {a.unit.name: a.state for a in message.assignments} == {"住建局": "returned", "生态环境局": "active",
                                                                   "A3区": "active"}
    answer(city, message, "2026-11-30", unit="A3区")
    rows = {row.unit: row.figures for row in assess(Period.parse("2026-11"))}
    assert rows["A3区"].answered == 1 and rows["住建局"].received == 0 and rows["住建局"].answered == 0


@pytest.mark.parametrize("policy_name", ["chizhou", "longnan"])
def test_a_county_forwards_to_its_township_inside_its_own_deadline(city, policy_name):
    """R4.5 (CZ 第三条) 二次转办: the township answers the county as a co-unit; the county replies."""
    from portal.models import Unit
    from portal.services import dispatch, handling
    from tests.factories import assigned

    township = Unit(name="A3区洋湖街道", kind="township", parent=city.units["A3区"])
    db.session.add(township)
    db.session.commit()
    message = assigned(city, "2026-11-23", unit="A3区")
    county_due = message.lead_assignment().due_date
    handler = city.user(Role.HANDLER, "A3区")
    with on("2026-11-24"):
        with pytest.raises(DomainError, match="本单位办理期限"):
            dispatch.sub_assign(message, township, actor=handler, due=date(2026, 12, 31))
        with pytest.raises(DomainError, match="下设的乡镇"):
            dispatch.sub_assign(message, city.units["住建局"], actor=handler, due=county_due)
        with pytest.raises(DomainError) as refused:
            dispatch.sub_assign(message, township, actor=city.user(Role.DISPATCHER), due=county_due)
        assert refused.value.status_code == 403
        share = dispatch.sub_assign(message, township, actor=handler, due=date(2026, 11, 26), note="请核实现场")
    assert (share.is_lead, share.due_date, share.unit.name) == (False, date(2026, 11, 26), "A3区洋湖街道")
    town_handler = _user_of(township)
    with on("2026-11-25"):
        handling.submit_co_opinion(message, actor=town_handler, text="已到现场核实，施工单位已整改。")
    answer(city, message, "2026-11-26", unit="A3区")
    assert status_of(message) == Status.ANSWERED


def _user_of(unit):
    from portal.models import User

    user = User(username="town", name="街道承办人", role=Role.HANDLER, unit=unit, phone="13700000999",
                password_hash="x")
    db.session.add(user)
    db.session.commit()
    return user


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_an_operator_answers_a_consultation_during_the_call_from_the_knowledge_base(client, city, policy_name):
    """R12.2 即时办结: found among templates and published answers, answered at intake, counted apart,
    rated by the operator on callback."""
    from portal.models import Message
    from portal.queries.reports import analysis
    from portal.rules.periods import Period
    from portal.services import rating, templates
    from tests.test_admin import act, sign_in

    template = templates.create_template(title="公积金提取", category="consult", actor=city.user(Role.ADMIN),
                                         body="公积金提取可登录公积金中心网站在线办理，需身份证和银行卡。")
    operator = city.user(Role.OPERATOR)
    sign_in(client, operator)
    found = client.get("/admin/knowledge", query_string={"kb": "公积金"}).get_data(as_text=True)
    assert "公积金提取" in found and f"/admin/knowledge/template/{template.id}" in found
    field = client.get(f"/admin/knowledge/template/{template.id}").get_data(as_text=True)
    assert 'id="answer"' in field and "在线办理" in field
    hotline = policy().channels[-1].code
    call = {"channel": hotline, "call_time": "2026-11-23T09:30", "category": "complaint", "subject": "公积金",
            "body": "咨询公积金如何提取。", "name": "王五", "phone": "13512345678", "publish": "no",
            "answer": template.body}
    with on("2026-11-23"):
        refused = client.post("/admin/calls/new", data=call)
        assert refused.status_code == 422 and "只有咨询类来电可以即时答复" in refused.get_data(as_text=True)
        assert db.session.query(Message).count() == 0
        assert client.post("/admin/calls/new", data={**call, "category": "consult"}).status_code == 302
    message = db.session.query(Message).one()
    assert (status_of(message), message.on_call_answer) == (Status.ANSWERED, template.body)
    with on("2026-11-24"):
        sign_in(client, operator)  # the next day: a fresh sign-in
        assert act(client, message, "rate", level="satisfied", comment="来电人表示满意").status_code == 302
    counts = {row.label: row.count for row in analysis(Period.parse("2026-11")).operations}
    assert counts["即时办结"] == 1 and counts["电话回访代为评价"] == 1
    with pytest.raises(DomainError):
        rating.rate(message, actor=operator, level="satisfied", comment="再评")

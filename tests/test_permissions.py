"""One rule book: the back office offers a move exactly when the service accepts it (issue 11).

Every action × every role (each unit's people, the office, the citizen) × a set of messages in
every state of the workflow, under both presets. Each attempt runs in a savepoint that is rolled
back, so every attempt starts from the same state.
"""
from datetime import date
from itertools import product

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.admin.actions import DECIDED_ELSEWHERE, offered_actions
from portal.extensions import db
from portal.models import Event, SupervisionCase
from portal.queries.situation import refusal
from portal.rules.permissions import may_open, may_reveal
from portal.rules.workflow import Action, Role
from portal.services import (
    CITIZEN,
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
from portal.services.common import policy
from tests.conftest import on
from tests.factories import answer, assigned, reply, submit

A = Action
# A merged form decides both ways: its other way is offered with it.
MERGED_WITH = {A.REFUSE_RETURN: A.APPROVE_RETURN, A.REFUSE_SIGN_OFF: A.SIGN_OFF, A.SEND_BACK: A.APPROVE_REPLY,
               A.OPEN_REDO: A.RATE}


def _messages(city):
    """A message in each state, and in the side states the table cannot see."""
    with on("2026-11-23"):
        received, _ = submit()
        to_assign, _ = submit()
        intake.accept(to_assign, actor=city.user(Role.OPERATOR))
    found = {"received": received, "to_assign": to_assign}
    found["consultation_call"], _ = submit(category="consult", channel=policy().channels[-1].code, city=city)
    found["assigned_with_co_unit"] = assigned(city, "2026-12-01", co_units=["生态环境局"])
    found["late_for_return_and_overdue"] = assigned(city, "2026-11-02")
    contacted = found["contacted"] = assigned(city, "2026-12-01", category="help")
    handling.record_contact(contacted, actor=city.user(Role.HANDLER, "住建局"), note="已联系")
    found["report"] = assigned(city, "2026-12-01", category="report")
    returning = found["return_requested"] = assigned(city, "2026-12-01")
    dispatch.request_return(returning, actor=city.user(Role.HANDLER, "住建局"), reason="r", basis="b")
    co_return = found["co_return_requested"] = assigned(city, "2026-12-01", co_units=["生态环境局"])
    dispatch.request_return(co_return, actor=city.user(Role.HANDLER, "生态环境局"), reason="r", basis="b")
    extending = found["extension_requested"] = assigned(city, "2026-12-01")
    handling.request_extension(extending, actor=city.user(policy().extension_requesters[0], "住建局"), days=2,
                               reason="r")
    with on("2026-12-01", 15):
        signoff = found["signoff"] = assigned(city, "2026-12-01")
        reply(city, signoff)
        in_review = found["review"] = assigned(city, "2026-12-01")
        reply(city, in_review)
        handling.sign_off(in_review, actor=city.user(policy().signoff_role(in_review.channel_level), "住建局"),
                          approve=True)
    found["answered"] = answer(city, assigned(city, "2026-11-30"), "2026-11-30")
    visited = found["visited"] = answer(city, assigned(city, "2026-11-30"), "2026-11-30")
    review.record_follow_up(visited, actor=city.user(Role.REVIEWER), method="电话", outcome="满意")
    closed = found["closed_and_published"] = answer(city, assigned(city, "2026-11-30"), "2026-11-30")
    review.record_follow_up(closed, actor=city.user(Role.REVIEWER), method="电话", outcome="满意")
    review.close(closed, actor=city.user(Role.REVIEWER))
    publication.publish(closed, actor=city.user(Role.REVIEWER), subject="s", body="b", reply_text="r")
    supervised = found["supervised"] = assigned(city, "2026-12-01")
    supervision.open_case(supervised, actor=city.user(Role.SUPERVISOR), reason=policy().supervision_reasons[0].code,
                          method=policy().supervision_methods[0].code)
    returned = found["returned_then_reassigned_and_answered"] = assigned(city, "2026-11-30")
    with on("2026-12-01"):
        dispatch.request_return(returned, actor=city.user(Role.HANDLER, "住建局"), reason="r", basis="b")
        dispatch.decide_return(dispatch.pending_returns(returned)[0], actor=city.user(Role.DISPATCHER), approve=True)
        dispatch.assign(returned, city.units["A3区"], actor=city.user(Role.DISPATCHER))
    answer(city, returned, "2026-12-01", unit="A3区")
    from portal.models import Unit

    db.session.add(Unit(name="A3区洋湖街道", kind="township", parent=city.units["A3区"]))
    found["assigned_to_a_county_with_a_township"] = assigned(city, "2026-12-01", unit="A3区")
    return found


def _actors(city):
    office = [city.user(role) for role in (Role.OPERATOR, Role.DISPATCHER, Role.REVIEWER, Role.SUPERVISOR,
                                             Role.ADMIN)]
    lead_unit = [city.user(role, "住建局") for role in (Role.HANDLER, Role.DEPUTY_HEAD, Role.PRINCIPAL_HEAD)]
    others = [city.user(Role.HANDLER, "生态环境局"), city.user(Role.DEPUTY_HEAD, "生态环境局"),
              city.user(Role.HANDLER, "A3区")]
    return [*office, *lead_unit, *others]


def _first(items, call):
    """Try ``call`` on each item until one is accepted (the form picks the one this user may decide)."""
    error = DomainError("没有可处理的申请。")
    for item in items:
        try:
            return call(item)
        except DomainError as exc:
            error = exc
    raise error


def _cases(message):
    return db.session.scalars(select(SupervisionCase).where(
        SupervisionCase.message_id == message.id, SupervisionCase.closed_at.is_(None))).all()


def _reply_fields():
    return dict(handled_on=clock.today(), result="已处理。", basis="依据", contact_note="已告知。", handler_name="李四",
                handler_phone="0797-1234567", body="经核实已处理。", investigation="not_investigated",
                not_investigated_reason="已整改。", visit_note="已回访。")


CALLS = {  # each action with valid input, as the back office (or the citizen's page) would send it
    A.ACCEPT: lambda m, u: intake.accept(m, actor=u, category="complaint"),
    A.REJECT: lambda m, u: intake.reject(m, actor=u, reason=policy().out_of_scope[0].code),
    A.ASSIGN: lambda m, u: dispatch.assign(m, _unit("A3区"), actor=u),
    A.REQUEST_RETURN: lambda m, u: dispatch.request_return(m, actor=u, reason="r", basis="b"),
    A.REQUEST_CO_RETURN: lambda m, u: dispatch.request_return(m, actor=u, reason="r", basis="b"),
    A.APPROVE_RETURN: lambda m, u: _first(dispatch.pending_returns(m),
                                          lambda r: dispatch.decide_return(r, actor=u, approve=True)),
    A.REFUSE_RETURN: lambda m, u: _first(dispatch.pending_returns(m),
                                         lambda r: dispatch.decide_return(r, actor=u, approve=False, note="n")),
    A.DECIDE_CO_RETURN: lambda m, u: _first(dispatch.pending_returns(m),
                                            lambda r: dispatch.decide_return(r, actor=u, approve=True)),
    A.RECORD_CONTACT: lambda m, u: handling.record_contact(m, actor=u, note="n"),
    A.DECIDE_REPORT: lambda m, u: handling.decide_report(m, actor=u, investigate=False, note="n"),
    A.REQUEST_EXTENSION: lambda m, u: handling.request_extension(m, actor=u, days=1, reason="r"),
    A.DECIDE_EXTENSION: lambda m, u: _first(handling.pending_extensions(m),
                                            lambda r: handling.decide_extension(r, actor=u, approve=True)),
    A.SUBMIT_CO_OPINION: lambda m, u: handling.submit_co_opinion(m, actor=u, text="t"),
    A.EXPLAIN_DELAY: lambda m, u: handling.explain_delay(m, actor=u, text="t"),
    A.ADD_ATTACHMENT: lambda m, u: handling.add_attachment(m, actor=u, filename="a.pdf", content_type="application/pdf",
                                                           data=b"%PDF-1.4\n%%EOF\n", purpose="other"),
    A.SUBMIT_REPLY: lambda m, u: handling.submit_reply(m, actor=u, **_reply_fields()),
    A.SIGN_OFF: lambda m, u: handling.sign_off(m, actor=u, approve=True),
    A.REFUSE_SIGN_OFF: lambda m, u: handling.sign_off(m, actor=u, approve=False, note="n"),
    A.APPROVE_REPLY: lambda m, u: review.approve_reply(m, actor=u),
    A.SEND_BACK: lambda m, u: review.send_back(m, actor=u, reasons="r"),
    A.RECORD_FOLLOW_UP: lambda m, u: review.record_follow_up(m, actor=u, method="电话", outcome="满意"),
    A.SPOT_CHECK: lambda m, u: review.spot_check(m, actor=u, method="电话", outcome="已落实"),
    A.CLOSE: lambda m, u: review.close(m, actor=u),
    A.ARCHIVE: lambda m, u: review.archive(m, actor=u),
    A.PUBLISH: lambda m, u: publication.publish(m, actor=u, subject="s", body="b", reply_text="r"),
    A.WITHHOLD: lambda m, u: publication.withhold(m, actor=u, reason="r"),
    A.HIDE: lambda m, u: publication.hide(m, actor=u, reason="r"),
    A.RECORD_INSTRUCTION: lambda m, u: supervision.record_instruction(m, actor=u, leader_name="王市长", text="t",
                                                                      instructed_on=clock.today(),
                                                                      due_date=date(2026, 12, 10)),
    A.OPEN_SUPERVISION: lambda m, u: supervision.open_case(m, actor=u, reason=policy().supervision_reasons[0].code,
                                                           method=policy().supervision_methods[0].code),
    A.SETTLE: lambda m, u: review.settle(m, actor=u, reason=policy().settle_reasons[0].code, explanation="已说明")
    if policy().settle_reasons else review.settle(m, actor=u, reason="x", explanation="已说明"),
    A.MARK_FALSE: lambda m, u: intake.mark_false(m, actor=u, reason="经核实系捏造事实"),
    A.ANSWER_SUPERVISION: lambda m, u: _first(_cases(m), lambda c: supervision.answer_case(c, actor=u, answer="a")),
    A.CLOSE_SUPERVISION: lambda m, u: _first(_cases(m), lambda c: supervision.close_case(c, actor=u)),
    A.MARK_COMPLAINT: lambda m, u: confidentiality.mark_complaint(m, actor=u, units=[_unit("住建局")], staff=[],
                                                                  note="投诉住建局"),
    A.REOPEN: lambda m, u: review.reopen(m, actor=u, reason="诉求人反映问题反弹"),
    A.ANSWER_ON_CALL: lambda m, u: intake.answer_on_call(m, actor=u, text="公积金可在线提取。"),
    A.TRANSFER: lambda m, u: dispatch.transfer(m, _free_unit(m), actor=u, reason="职责属于其他单位"),
    A.SUB_ASSIGN: lambda m, u: dispatch.sub_assign(m, _unit("A3区洋湖街道"), actor=u,
                                                   due=m.lead_assignment().due_date if m.lead_assignment() else None),
    A.MARK_REPEAT: lambda m, u: intake.mark_repeat(m, actor=u, original_no=_another_accepted(m).tracking_no),
    # Staff record a phone caller's rating on callback (R12.6).
    A.RATE: lambda m, u: rating.rate(m, actor=u, level=policy().ratings[0].code, comment="电话回访：满意"),
}
CITIZEN_CALLS = {
    A.RATE: lambda m, u: rating.rate(m, level=policy().ratings[0].code),
    A.OPEN_REDO: lambda m, u: rating.rate(m, level=sorted(policy().redo_ratings)[0]),
    A.SUPPLEMENT: lambda m, u: intake.supplement(m, text="补充：施工时间为每晚十点后"),
    A.WITHDRAW: lambda m, u: intake.withdraw(m, reason="问题已自行解决"),
}


def _another_accepted(message):
    from portal.models import Message

    return db.session.scalar(select(Message).where(Message.id != message.id, Message.status == "assigned").limit(1))


def _free_unit(message):
    """A handling unit with no share in the message."""
    from portal.models import Unit

    busy = {a.unit_id for a in message.assignments}
    return db.session.scalar(select(Unit).where(Unit.kind.in_(["department", "county"]), Unit.id.not_in(busy))
                             .order_by(Unit.id).limit(1))


def _unit(name):
    from portal.models import Unit

    return db.session.scalar(select(Unit).where(Unit.name == name))


def _accepted(action, call, message, actor, monkeypatch) -> bool:
    """Does the service make this move (and record it) with valid input? Rolled back either way."""
    before = db.session.scalar(select(func.max(Event.id)))
    savepoint = db.session.begin_nested()
    monkeypatch.setattr(db.session, "commit", db.session.flush)
    try:
        call(message, actor)
        db.session.flush()
        made = db.session.scalar(select(func.count()).where(Event.id > before, Event.kind == action.value))
    except DomainError:
        made = 0
    finally:
        monkeypatch.undo()
        savepoint.rollback()
        db.session.expire_all()
    return bool(made)


def _offered(action, message, actor) -> bool:
    if action in MERGED_WITH:
        action = MERGED_WITH[action]
    if action == A.PUBLISH:  # offered as the link to the review page
        return refusal(actor, A.PUBLISH, message) is None
    return action in offered_actions(message, actor)


def _only_on_sqlite(database_url):
    """The walks try every action × role × state (some 20,000 service calls rolled back): pure rule-book
    logic, the same on any database. make test runs them on SQLite; the PostgreSQL run, where each
    savepoint is a round trip, would spend a quarter of an hour on them and skips them."""
    if database_url.startswith("postgresql"):
        pytest.skip("exhaustive walk: run on SQLite (make test)")


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_the_back_office_offers_a_move_exactly_when_the_service_accepts_it(city, policy_name, monkeypatch,
                                                                          database_url):
    _only_on_sqlite(database_url)
    messages = _messages(city)
    disagreements, accepted_somewhere = [], set()
    for (state, message), actor, (action, call) in product(messages.items(), _actors(city), CALLS.items()):
        offered = _offered(action, message, actor)
        accepted = _accepted(action, call, message, actor, monkeypatch)
        if offered != accepted:
            disagreements.append(f"{state} · {actor.name} · {action.value}: offered={offered} accepted={accepted}")
        if accepted:
            accepted_somewhere.add(action)
    assert disagreements == []
    # The walk reaches every action at least once (else it proves nothing about that action).
    assert set(CALLS) - accepted_somewhere == ({A.DECIDE_REPORT} if policy_name == "chizhou" else {A.SETTLE})


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_the_citizen_may_rate_exactly_when_the_service_accepts(city, policy_name, monkeypatch, database_url):
    _only_on_sqlite(database_url)
    messages = _messages(city)
    for (state, message), (action, call) in product(messages.items(), CITIZEN_CALLS.items()):
        allowed = refusal(CITIZEN, action, message) is None
        assert allowed == _accepted(action, call, message, CITIZEN, monkeypatch), (state, action)


def test_a_unit_whose_lead_assignment_was_returned_is_not_offered_the_follow_up(city):
    message = assigned(city, "2026-12-01")
    dispatch.request_return(message, actor=city.user(Role.HANDLER, "住建局"), reason="r", basis="b")
    dispatch.decide_return(dispatch.pending_returns(message)[0], actor=city.user(Role.DISPATCHER), approve=True)
    dispatch.assign(message, city.units["A3区"], actor=city.user(Role.DISPATCHER))
    answer(city, message, "2026-12-01", unit="A3区")
    assert A.RECORD_FOLLOW_UP not in offered_actions(message, city.user(Role.HANDLER, "住建局"))
    assert A.RECORD_FOLLOW_UP in offered_actions(message, city.user(Role.HANDLER, "A3区"))


def test_pages_and_reveal_follow_the_rule_book(city):
    assert may_open(city.user(Role.OPERATOR), "new_call") and not may_open(city.user(Role.DISPATCHER), "new_call")
    assert may_open(city.user(Role.DEPUTY_HEAD, "住建局"), "assessment")
    assert not may_open(city.user(Role.HANDLER, "住建局"), "assessment")
    unit_handler = city.user(Role.HANDLER, "住建局")
    assert not may_reveal(unit_handler, frozenset({unit_handler.unit_id}))
    assert not may_reveal(unit_handler, frozenset(), frozenset({unit_handler.id}))
    assert may_reveal(unit_handler, frozenset({unit_handler.unit_id + 1000}), frozenset({unit_handler.id + 1000}))
    assert may_reveal(unit_handler)
    assert not may_reveal(city.user(Role.ADMIN))


def test_merged_forms_are_decided_elsewhere():
    assert set(MERGED_WITH) | {A.PUBLISH} == set(DECIDED_ELSEWHERE)

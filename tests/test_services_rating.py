"""R7: ratings with the query code, one redo round of 5 working days, the second rating final."""
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Event, Rating, RedoRound
from portal.rules.workflow import Role, Status
from portal.services import DomainError, handling, rating, review
from tests.conftest import on
from tests.factories import answered, rated, reply

D = date.fromisoformat


@pytest.mark.parametrize("policy_name", ["longnan"])
@pytest.mark.parametrize("level", ["unsatisfied", "very_unsatisfied"])
def test_a_first_bad_rating_opens_exactly_one_redo_of_five_working_days(city, policy_name, level):
    message = answered(city, "2026-11-02", category="consult")
    rated(city, message, "2026-11-06", level)  # a Friday
    assert message.status == Status.ASSIGNED and message.redo_round == 1
    lead = message.lead_assignment()
    assert lead.unit.name == "住建局" and lead.due_date == D("2026-11-13")
    redo = db.session.scalars(select(RedoRound).where(RedoRound.message_id == message.id)).all()
    assert len(redo) == 1 and redo[0].due_date == D("2026-11-13")
    kinds = db.session.scalars(select(Event.kind).where(Event.message_id == message.id).order_by(Event.id)).all()
    assert kinds[-1] == "open_redo" and "rate" not in kinds, "one event for the one action"

    with on("2026-11-10", 14):
        reply(city, message, body="重新核实后答复如下。")
        signer = Role.PRINCIPAL_HEAD if message.channel_level != "city" else Role.DEPUTY_HEAD
        handling.sign_off(message, actor=city.user(signer, "住建局"), approve=True)
        review.approve_reply(message, actor=city.user(Role.REVIEWER))
    rated(city, message, "2026-11-11", "very_unsatisfied")
    assert message.status == Status.ANSWERED and message.redo_round == 1, "the second rating is final"
    assert db.session.scalar(select(func.count()).select_from(RedoRound)) == 1


@pytest.mark.parametrize("level", ["very_satisfied", "satisfied", "basically_satisfied"])
def test_a_satisfied_first_rating_opens_no_redo(city, level):
    message = answered(city, "2026-11-02", category="consult")
    rated(city, message, "2026-11-04", level)
    assert message.status == Status.ANSWERED and message.redo_round == 0


def test_a_rating_cannot_be_changed_or_given_before_the_reply(city):
    message = answered(city, "2026-11-02", category="consult")
    rated(city, message, "2026-11-04", "satisfied")
    with pytest.raises(DomainError, match="已经评价过"):
        rated(city, message, "2026-11-04", "unsatisfied")
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 1
    from tests.factories import assigned

    early = assigned(city, "2026-11-02")
    with pytest.raises(DomainError, match="不能执行“满意度评价”"):
        rating.rate(early, level="satisfied")


def test_an_unknown_level_is_refused(city):
    message = answered(city, "2026-11-02", category="consult")
    with on("2026-11-03"), pytest.raises(DomainError, match="未知的评价等级"):
        rating.rate(message, level="meh")


def test_a_redo_may_end_in_a_written_duty_fulfilled_opinion(city):
    message = answered(city, "2026-11-02", category="consult")
    rated(city, message, "2026-11-04", "unsatisfied")
    handler = city.user(Role.HANDLER, "住建局")
    with pytest.raises(DomainError, match="书面履责意见"):
        reply(city, message, kind="duty_fulfilled")
    handling.add_attachment(message, actor=handler, filename="履责意见.pdf", content_type="application/pdf",
                            data=b"%PDF", purpose="duty_opinion")
    reply(city, message, kind="duty_fulfilled", body="诉求超出政策规定，已依法履责并向诉求人说明。")
    handling.sign_off(message, actor=city.user(Role.DEPUTY_HEAD, "住建局"), approve=True)
    review.approve_reply(message, actor=city.user(Role.REVIEWER))
    redo = db.session.scalar(select(RedoRound).where(RedoRound.message_id == message.id))
    assert redo.resolution == "duty_fulfilled" and redo.closed_at is not None


def test_duty_fulfilled_is_only_for_a_redo(city):
    from tests.factories import assigned

    message = assigned(city, "2026-11-02", category="consult")
    with pytest.raises(DomainError, match="只有重办事项"):
        reply(city, message, kind="duty_fulfilled")


@pytest.mark.parametrize("policy_name", ["chizhou"])
@pytest.mark.parametrize("level", ["unsatisfied", "very_unsatisfied"])
def test_chizhou_has_no_rating_triggered_redo(city, policy_name, level):
    # R7.2 is LN only: in CZ a bad rating is recorded (and proposed for supervision), the matter stays closed.
    message = answered(city, "2026-11-02", category="consult")
    rated(city, message, "2026-11-04", level)
    assert message.status == Status.ANSWERED and message.redo_round == 0
    assert message.lead_assignment() is None


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_a_rating_counts_only_within_the_presets_window(city, policy_name):
    message = answered(city, "2026-11-02", category="consult")  # told on 2 Nov
    with on("2026-11-18"), pytest.raises(DomainError, match="评价期限已过"):
        rating.rate(message, level="unsatisfied")
    rated(city, message, "2026-11-17", "satisfied")  # 15 days after: still in time


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_staff_record_a_phone_callers_rating_on_callback_marked_as_theirs(city, policy_name, client):
    """R12.6: a hotline caller cannot rate on the web; the office records the rating after a callback."""
    from tests.test_admin import act, sign_in

    message = answered(city, "2026-11-20", channel="hotline" if policy_name == "longnan" else "mayor_hotline")
    operator = city.user(Role.OPERATOR)
    with pytest.raises(DomainError, match="请填写回访记录"):
        rating.rate(message, actor=operator, level="satisfied")
    with pytest.raises(DomainError) as refused:
        rating.rate(message, actor=city.user(Role.HANDLER, "住建局"), level="satisfied", comment="满意")
    assert refused.value.status_code == 403  # the unit never rates itself
    sign_in(client, operator)
    with on("2026-11-23"):
        assert act(client, message, "rate", level="satisfied", comment="来电人表示满意").status_code == 302
    recorded = message_rating(message)
    assert (recorded.level, recorded.recorded_by_id, recorded.comment) == ("satisfied", operator.id, "来电人表示满意")
    event = db.session.query(Event).filter_by(message_id=message.id, kind="rate").one()
    assert event.data["on_callback"] is True and event.actor_id == operator.id
    with pytest.raises(DomainError, match="已经评价过"):
        rating.rate(message, actor=operator, level="satisfied", comment="再次")


def message_rating(message):
    return db.session.query(Rating).filter_by(message_id=message.id).one()

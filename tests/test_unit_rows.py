"""Each unit's queue rows (UnitMessage) hold exactly the messages the unit has an assignment on, with the
message's columns, after every action that changes assignments or statuses: the unit's queues list
and count exactly what the semi-join over its assignments did, never more."""
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Message, Unit, UnitMessage, User
from portal.queries import queues
from portal.queries.unit_rows import drift
from portal.rules.workflow import UNIT, Role
from portal.services import confidentiality, dispatch
from tests.conftest import on
from tests.factories import answer, assigned


def unit_people():
    return db.session.scalars(select(User).where(User.role.in_([r.value for r in UNIT])).order_by(User.id)).all()


def in_step():
    """No drift, and every unit user's every queue lists and counts what the semi-join finds."""
    db.session.expire_all()
    assert not drift(), drift()
    for user in unit_people():
        counts = queues.counts(user)
        for queue in queues.queues_for(user):
            expected = set(db.session.scalars(select(Message.id).where(
                queues.visible(user), queues.condition(queue.key, user, Message))))
            rows, total, _ = queues.page(user, queue.key, queues.TableFilters(), sort="received", direction="desc",
                                         number=1, size=200)
            assert {row[0].id for row in rows} == expected, (user.username, queue.key)
            assert total == counts[queue.key] == len(expected), (user.username, queue.key)


@pytest.mark.parametrize("policy_name", ["chizhou", "longnan"])
def test_rows_follow_assign_sub_assign_complaint_transfer_return_reassign_and_answer(city, policy_name):
    township = Unit(name="A3区洋湖街道", kind="township", parent=city.units["A3区"])
    db.session.add(township)
    db.session.add(User(username="t0", name="街道经办人", role=Role.HANDLER, unit=township, password_hash="x"))
    db.session.commit()
    other = assigned(city, "2026-11-20", unit="住建局")  # another message, another unit: never mixed in
    message = assigned(city, "2026-11-23", unit="A3区", co_units=["生态环境局"])
    in_step()
    with on("2026-11-24"):
        dispatch.sub_assign(message, township, actor=city.user(Role.HANDLER, "A3区"), due=date(2026, 11, 26))
    in_step()
    with on("2026-11-24", 11):  # a complaint mark changes what a unit reads, not which messages it sees
        confidentiality.mark_complaint(message, actor=city.user(Role.DISPATCHER), units=[city.units["A3区"]],
                                       staff=[], note="投诉该区")
    in_step()
    with on("2026-11-25"):
        dispatch.transfer(message, city.units["住建局"], actor=city.user(Role.DISPATCHER), reason="属住建局职责")
    in_step()
    assert db.session.get(UnitMessage, (message.id, city.units["住建局"].id)).lead_unit_id == city.units["住建局"].id
    with on("2026-11-25", 11):
        dispatch.request_return(message, actor=city.user(Role.HANDLER, "住建局"), reason="不属本单位职责",
                                basis="三定方案")
    in_step()
    with on("2026-11-25", 15):
        dispatch.decide_return(dispatch.pending_returns(message)[0], actor=city.user(Role.DISPATCHER), approve=True)
    in_step()
    row = db.session.get(UnitMessage, (message.id, city.units["住建局"].id))
    assert (row.status, row.lead_unit_id, row.lead_due_date) == ("to_assign", None, None)
    with on("2026-11-26"):
        dispatch.assign(message, city.units["生态环境局"], actor=city.user(Role.DISPATCHER))
    in_step()
    answer(city, message, "2026-11-27", unit="生态环境局")
    answer(city, other, "2026-11-27", unit="住建局")
    in_step()
    seen = dict(db.session.execute(select(UnitMessage.message_id, func.count()).group_by(UnitMessage.message_id)).all())
    assert seen == {message.id: 4, other.id: 1}  # A3区, its township, 生态环境局, 住建局; and 住建局


def test_a_unit_sees_only_its_own_rows_in_every_sort_and_filter(city):
    mine = assigned(city, "2026-11-23", unit="住建局")
    assigned(city, "2026-11-23", unit="生态环境局", subject="路灯不亮")
    user = city.user(Role.HANDLER, "住建局")
    for sort in queues.SORTS:
        for direction in ("asc", "desc"):
            rows, total, _ = queues.page(user, "all", queues.TableFilters(), sort=sort, direction=direction,
                                         number=1, size=20)
            assert [r[0].id for r in rows] == [mine.id] and total == 1
    for filters in (queues.TableFilters(q="路灯"), queues.TableFilters(unit_id=city.units["生态环境局"].id),
                    queues.TableFilters(region="A3"), queues.TableFilters(warning="red")):
        rows, _, _ = queues.page(user, "all", filters, sort="received", direction="desc", number=1, size=20)
        assert all(r[0].id == mine.id for r in rows)


def test_the_check_finds_a_row_that_would_widen_a_units_view_and_the_repair_removes_it(city, app):
    message = assigned(city, "2026-11-23", unit="住建局")
    cli = app.test_cli_runner()
    assert cli.invoke(args=["unit-rows"]).exit_code == 0
    stranger = city.units["生态环境局"]
    db.session.add(UnitMessage(message_id=message.id, unit_id=stranger.id, received_at=message.received_at,
                               status=message.status, redo_round=0, tracking_no=message.tracking_no,
                               subject=message.subject, channel=message.channel, category=message.category))
    db.session.execute(UnitMessage.__table__.update().where(UnitMessage.unit_id == city.units["住建局"].id)
                       .values(status="closed"))
    db.session.commit()
    assert queues.counts(city.user(Role.HANDLER, "生态环境局"))["all"] == 1  # what the check exists for
    result = cli.invoke(args=["unit-rows"])
    assert result.exit_code == 1 and "多出 1 行" in result.output and "内容不一致 1 件" in result.output
    result = cli.invoke(args=["unit-rows", "--repair"])
    assert result.exit_code == 0 and "修正后差异 0 件" in result.output, result.output
    assert queues.counts(city.user(Role.HANDLER, "生态环境局"))["all"] == 0
    in_step()

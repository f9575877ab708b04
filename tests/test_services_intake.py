"""R1 intake and R2 screening, through the services."""

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.models import Event, Notification
from portal.rules.workflow import Role, Status
from portal.services import DomainError, Forbidden, intake
from portal.services.intake import find_by_tracking
from tests.conftest import on
from tests.factories import submit


def test_a_web_message_gets_a_tracking_number_and_a_private_query_code(app):
    with on("2026-11-24"):
        message, code = submit()
    assert message.tracking_no.startswith("LN20261124")
    assert message.status == Status.RECEIVED
    assert message.channel == "website" and message.channel_level == "city"
    assert code not in message.query_code_hash, "only a hash of the query code is stored"
    assert find_by_tracking(message.tracking_no, code) == message
    assert find_by_tracking(message.tracking_no.lower(), code.lower()) == message
    assert find_by_tracking(message.tracking_no, "WRONG123") is None
    assert find_by_tracking("LN20990101000000", code) is None
    assert message.petitioner.name == "张三" and message.petitioner.phone == "13812345678"


@pytest.mark.parametrize(("override", "error"), [
    ({"subject": " "}, "请填写标题"),
    ({"body": ""}, "请填写内容"),
    ({"name": ""}, "请填写姓名"),
    ({"phone": "abc"}, "联系电话格式不正确"),
    ({"email": "not-an-email"}, "电子邮箱格式不正确"),
    ({"consent": False}, "请阅读并同意"),
    ({"subject": "长" * 201}, "过长"),
])
def test_a_web_message_with_bad_input_is_refused_and_nothing_is_stored(app, override, error):
    fields = dict(category="complaint", subject="标题", body="内容", name="张三", phone="13812345678",
                  publish_consent=True, consent=True)
    fields.update(override)
    with pytest.raises(DomainError, match=error):
        intake.submit_message(**fields)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_an_operator_records_a_hotline_call_on_a_channel_of_the_preset(city, policy_name):
    with on("2026-11-24"):
        message, _ = submit(channel="governor_hotline", city=city)
    assert message.channel_level == "provincial"
    assert message.operator_id == city.user(Role.OPERATOR).id
    assert message.call_time is not None and message.tracking_no.startswith("CZ")
    with pytest.raises(DomainError, match="未知的来源渠道"):
        submit(channel="website", city=city)  # a Longnan channel


def test_only_an_operator_records_calls(city):
    with pytest.raises(Forbidden):
        intake.record_call(actor=city.user(Role.HANDLER, "住建局"), channel="hotline", call_time=clock.today(),
                           category="consult", subject="s", body="b", name="n", phone="13800000000")


@pytest.mark.parametrize(("policy_name", "reason", "guidance"), [
    ("longnan", "emergency", "紧急情况请直接拨打110"),
    ("chizhou", "private_dispute", "请通过人民调解、仲裁或诉讼途径解决"),
])
def test_rejecting_records_the_reason_and_tells_the_citizen_where_to_go(city, policy_name, reason, guidance):
    message, _ = submit()
    intake.reject(message, actor=city.user(Role.OPERATOR), reason=reason)
    assert message.status == Status.REJECTED
    assert message.out_of_scope_reason == reason and guidance in message.guidance
    sms = db.session.scalar(select(Notification).where(Notification.message_id == message.id))
    assert sms.recipient == "13812345678" and guidance in sms.body


def test_a_reason_outside_the_preset_list_is_refused(city):
    message, _ = submit()
    with pytest.raises(Exception, match="未知的不予受理理由"):
        intake.reject(message, actor=city.user(Role.OPERATOR), reason="bored")


def test_accepting_may_correct_the_category_and_mark_an_emergency(city):
    message, _ = submit(category="other")
    intake.accept(message, actor=city.user(Role.DISPATCHER), category="help", is_emergency=True,
                  about_unit=city.units["住建局"])
    assert (message.status, message.category, message.is_emergency) == (Status.TO_ASSIGN, "help", True)
    assert message.shielded_from() == (frozenset({city.units["住建局"].id}), frozenset())


def test_every_action_writes_exactly_one_event_with_who_and_what(city):
    message, _ = submit()
    intake.accept(message, actor=city.user(Role.OPERATOR))
    events = db.session.scalars(select(Event).where(Event.message_id == message.id).order_by(Event.id)).all()
    assert [(e.kind, e.old_status, e.new_status, e.actor_role) for e in events] == [
        ("submit", None, "received", "citizen"), ("accept", "received", "to_assign", "operator")]
    assert events[1].actor_id == city.user(Role.OPERATOR).id


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_cz_a_people_board_message_takes_the_level_of_the_leader_it_was_written_to(city, client):
    """CZ 第一条 "人民网地方领导留言板…给省长或市长留言": to the mayor it is a city matter signed by the deputy
    head; to the governor a provincial one signed by the principal head (第九条(五))."""
    from datetime import datetime

    from portal.services.common import policy
    from tests.test_admin import sign_in

    call = dict(actor=city.user(Role.OPERATOR), channel="people_board", call_time=datetime(2026, 11, 23, 9),
                category="complaint", subject="小区噪音", body="夜间施工噪音扰民。", name="张三", phone="13812345678")
    to_mayor, _ = intake.record_call(**call, addressee="mayor")
    to_governor, _ = intake.record_call(**call, addressee="governor")
    assert (to_mayor.channel_level, to_mayor.addressee, to_governor.channel_level) == ("city", "mayor", "provincial")
    assert policy().signoff_role(to_mayor.channel_level) == Role.DEPUTY_HEAD
    assert policy().signoff_role(to_governor.channel_level) == Role.PRINCIPAL_HEAD
    with pytest.raises(DomainError, match="请选择人民网“地方领导留言”留言的对象（省长或市长）"):
        intake.record_call(**call)
    hotline, _ = intake.record_call(**{**call, "channel": "mayor_hotline"}, addressee="governor")
    assert (hotline.channel_level, hotline.addressee) == ("city", None)  # other channels have no addressee

    sign_in(client, city.user(Role.OPERATOR))
    form = {"channel": "people_board", "call_time": "2026-11-23T09:30", "category": "complaint", "subject": "噪音",
            "body": "夜间施工噪音扰民。", "name": "李四", "phone": "13912345678", "publish": "no"}
    refused = client.post("/admin/calls/new", data=form)
    assert refused.status_code == 422 and "请选择" in refused.get_data(as_text=True)
    assert "夜间施工噪音扰民。" in refused.get_data(as_text=True)  # nothing typed is lost
    assert client.post("/admin/calls/new", data={**form, "addressee": "mayor"}).status_code == 302

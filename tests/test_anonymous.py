"""Anonymous messages (R12.1): a citizen may withhold the name, and the phone too (the query code is then
the only key); no unit sees who wrote, in the panel or in the text; the office keeps the contact."""
from datetime import datetime

import pytest

from portal.extensions import db
from portal.models import Message, Notification
from portal.rules.workflow import Role
from portal.services import DomainError, dispatch, handling, intake
from tests.conftest import on
from tests.factories import reply
from tests.test_admin import sign_in

FORM = {"category": "complaint", "topic": "城乡建设", "region": "A3区", "subject": "夜间施工噪音",
        "body": "我是住在融科东南海25栋的住户，工地每晚施工到凌晨两点，请处理。", "publish": "yes", "consent": "y"}


def test_the_web_form_takes_a_message_without_name_or_phone_when_anonymous(client, city):
    page = client.post("/write", data={**FORM, "anonymous": "y"})
    assert page.status_code == 200 and "查询码" in page.get_data(as_text=True)
    message = db.session.query(Message).one()
    assert message.anonymous and message.petitioner.name == "" and not message.petitioner.has_contact
    assert db.session.query(Notification).count() == 0  # no phone: nothing to send, the query code tracks it


def test_without_anonymity_the_name_and_phone_stay_required_and_nothing_typed_is_lost(client, city):
    refused = client.post("/write", data={**FORM, "phone": "13812345678"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请填写姓名；不愿提供的，请选择匿名留言" in text
    assert "工地每晚施工到凌晨两点" in text
    refused = client.post("/write", data={**FORM, "name": "张三"})
    assert refused.status_code == 422 and "匿名留言可以不留电话" in refused.get_data(as_text=True)
    assert db.session.query(Message).count() == 0


def anonymous_message(city, day="2026-11-23"):
    with on(day, 9):
        message, _ = intake.submit_message(category="complaint", subject="噪音扰民（欧阳向阳）",
                                           body="我叫欧阳向阳，电话13812345678，工地每晚施工到凌晨。", name="欧阳向阳",
                                           phone="13812345678", publish_consent=True, consent=True, anonymous=True)
        intake.accept(message, actor=city.user(Role.OPERATOR))
        dispatch.assign(message, city.units["住建局"], [city.units["A3区"]], actor=city.user(Role.DISPATCHER))
    return message


def test_no_unit_sees_who_wrote_but_the_office_does(client, city):
    message = anonymous_message(city)
    for who in (city.user(Role.HANDLER, "住建局"), city.user(Role.PRINCIPAL_HEAD, "A3区")):
        sign_in(client, who)
        page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
        assert "欧阳向阳" not in page and "13812345678" not in page
        assert "诉求人选择匿名留言" in page and "工地每晚施工到凌晨" in page
        assert client.post(f"/admin/messages/{message.id}/reveal").status_code == 403
        found = client.get("/admin/", query_string={"queue": "all", "q": "欧阳向阳"}).get_data(as_text=True)
        assert message.tracking_no not in found
    sign_in(client, city.user(Role.DISPATCHER))
    assert "13812345678" in client.post(f"/admin/messages/{message.id}/reveal").get_data(as_text=True)


def test_ln_the_office_makes_the_contact_the_unit_may_not(city):
    message = anonymous_message(city)
    with pytest.raises(DomainError, match="平台办公室") as refused:
        handling.record_contact(message, actor=city.user(Role.HANDLER, "住建局"), note="已联系")
    assert refused.value.status_code == 403
    with on("2026-11-24"):
        handling.record_contact(message, actor=city.user(Role.DISPATCHER), note="平台已电话联系诉求人")
        reply(city, message)


def test_a_hotline_caller_may_stay_anonymous(client, city):
    message, _ = intake.record_call(actor=city.user(Role.OPERATOR), channel="hotline",
                                    call_time=datetime(2026, 11, 23, 9), category="consult", subject="社保咨询",
                                    body="咨询社保转移手续。", name="", phone="", anonymous=True)
    assert message.anonymous
    sign_in(client, city.user(Role.OPERATOR))
    form = {"channel": "hotline", "call_time": "2026-11-23T09:30", "category": "consult", "subject": "社保",
            "body": "咨询社保转移手续。", "name": "", "phone": "13912345678", "publish": "no"}
    refused = client.post("/admin/calls/new", data=form)
    assert refused.status_code == 422 and "请填写姓名" in refused.get_data(as_text=True)
    assert client.post("/admin/calls/new", data={**form, "anonymous": "yes"}).status_code == 302

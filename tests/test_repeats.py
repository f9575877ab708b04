"""Repeats (重复件, R12.4): the office merges a message into the same matter already accepted; it is
handled once, every petitioner gets the answer, the original's public page and the report count it."""
import pytest

from portal.extensions import db
from portal.models import Notification
from portal.queries.reports import analysis
from portal.rules.periods import Period
from portal.rules.workflow import Role, Status
from portal.services import DomainError, intake, publication
from tests.conftest import on
from tests.factories import answer, answered, assigned, status_of
from tests.test_admin import act, sign_in

BODY = "A3区某小区夜间施工噪音扰民，影响居民休息，请相关部门处理。"


def second_petition(day="2026-11-24"):
    with on(day, 9):
        return intake.submit_message(category="complaint", subject="小区夜间施工噪音", body=BODY + "已经持续一周。",
                                     name="李四", phone="13912345678", publish_consent=True, consent=True)


def sms_for(message):
    return [n.body for n in db.session.query(Notification) if n.message_id == message.id]


def test_a_repeat_of_an_answered_message_gets_its_answer_and_is_counted(client, city):
    original = answered(city, "2026-11-20")
    with on("2026-11-20", 16):
        publication.publish(original, actor=city.user(Role.REVIEWER), subject="小区噪音扰民",
                            body=BODY, reply_text="经核实，施工单位已停止夜间施工。")
    repeat, code = second_petition()
    sign_in(client, city.user(Role.OPERATOR))
    with on("2026-11-24", 10):
        page = client.get(f"/admin/messages/{repeat.id}").get_data(as_text=True)
        assert f'<option value="{original.tracking_no}"' in page  # offered as a candidate
        assert act(client, repeat, "mark_repeat", candidate=original.tracking_no).status_code == 302
    assert status_of(repeat) == Status.CLOSED and repeat.repeat_of_id == original.id
    assert any("答复已可凭查询码查看" in text for text in sms_for(repeat))

    client.post("/track", data={"tracking_no": repeat.tracking_no, "query_code": code})
    tracked = client.get(f"/track/{repeat.tracking_no}").get_data(as_text=True)
    assert "经核实，施工单位已停止夜间施工。" in tracked and original.tracking_no in tracked
    assert "同类诉求 1 件" in client.get(f"/messages/{original.id}").get_data(as_text=True)
    counts = {row.label: row.count for row in analysis(Period.parse("2026-11")).operations}
    assert counts["重复件"] == 1


def test_a_repeat_of_an_open_message_is_answered_when_the_original_is(city):
    original = assigned(city, "2026-11-23")
    repeat, _ = second_petition()
    with on("2026-11-24", 10):
        intake.accept(repeat, actor=city.user(Role.OPERATOR))
        intake.mark_repeat(repeat, actor=city.user(Role.DISPATCHER), original_no=original.tracking_no)
    assert not any("已随同类诉求一并答复" in text for text in sms_for(repeat))
    answer(city, original, "2026-11-26")
    assert any("已随同类诉求一并答复" in text for text in sms_for(repeat))


def test_a_repeat_needs_another_accepted_message(city):
    repeat, _ = second_petition()
    operator = city.user(Role.OPERATOR)
    with pytest.raises(DomainError, match="请填写或选择原件"):
        intake.mark_repeat(repeat, actor=operator, original_no="LN000")
    with pytest.raises(DomainError, match="另一条留言"):
        intake.mark_repeat(repeat, actor=operator, original_no=repeat.tracking_no)
    with pytest.raises(DomainError) as refused:
        intake.mark_repeat(repeat, actor=city.user(Role.HANDLER, "住建局"), original_no=repeat.tracking_no)
    assert refused.value.status_code == 403

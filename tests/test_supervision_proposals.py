"""R8.2 supervision proposed automatically: overdue, unsatisfied after redo, a leader's instruction, a
cluster of similar messages — each under the reason the preset gives it; opening a case clears it."""
from datetime import date

import pytest

from portal.queries import proposals
from portal.rules.workflow import Role
from portal.services import supervision
from tests.conftest import on
from tests.factories import answer, assigned, rated, submit
from tests.test_admin import sign_in


def proposed(trigger):
    return [(p.message.tracking_no, p.reason) for p in proposals.proposals() if p.trigger == trigger]


def test_an_overdue_message_is_proposed_until_a_case_is_opened(client, city):
    message = assigned(city, "2026-11-02")
    with on("2026-11-09"):
        assert proposed("overdue") == []  # due today: not yet
    with on("2026-11-12"):
        assert proposed("overdue") == [(message.tracking_no, "overdue")]
        detail = proposals.proposals()[0].detail
        assert "已超期3个工作日" in detail
        sign_in(client, city.user(Role.SUPERVISOR))
        page = client.post("/admin/proposals", data={"message_id": message.id, "reason": "overdue",
                                                     "method": "sms_phone", "note": detail}, follow_redirects=True)
        assert "已对留言" in page.get_data(as_text=True)
        assert proposed("overdue") == []


def test_opening_without_a_method_says_so_and_keeps_the_proposal(client, city):
    message = assigned(city, "2026-11-02")
    with on("2026-11-12"):
        sign_in(client, city.user(Role.SUPERVISOR))
        response = client.post("/admin/proposals", data={"message_id": message.id, "reason": "overdue", "method": ""})
        assert response.status_code == 422 and "请选择督办方式" in response.get_data(as_text=True)
        assert proposed("overdue") == [(message.tracking_no, "overdue")]
        sign_in(client, city.user(Role.DISPATCHER))  # may look, may not open
        assert client.get("/admin/proposals").status_code == 200
        assert client.post("/admin/proposals", data={"message_id": message.id}).status_code == 403


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_chizhou_proposes_a_bad_rating_as_poor_quality_since_it_has_no_redo(city, policy_name):
    message = assigned(city, "2026-11-02")
    answer(city, message, "2026-11-03")
    rated(city, message, "2026-11-04", "unsatisfied")  # CZ: final, 办理质量不高 (第九条(四))
    assert proposed("unsatisfied_after_redo") == [(message.tracking_no, "poor_quality")]


@pytest.mark.parametrize(("policy_name", "reason"), [("longnan", "unsatisfied_after_redo")])
def test_unsatisfied_after_redo_is_proposed_under_the_presets_reason(city, policy_name, reason):
    message = assigned(city, "2026-11-02")
    answer(city, message, "2026-11-03")
    rated(city, message, "2026-11-04", "unsatisfied")  # first: redo
    assert proposed("unsatisfied_after_redo") == []
    answer(city, message, "2026-11-06")
    rated(city, message, "2026-11-09", "very_unsatisfied")  # second: final
    assert proposed("unsatisfied_after_redo") == [(message.tracking_no, reason)]


def test_an_instruction_recorded_before_assignment_is_proposed_once_assigned(city):
    with on("2026-11-02"):
        message, _ = submit(city=city)
        supervision.record_instruction(message, actor=city.user(Role.DISPATCHER), leader_name="王市长",
                                       text="请住建局抓紧处理", instructed_on=date(2026, 11, 2))
    assert proposed("instruction") == []  # nobody to supervise yet
    from portal.services import dispatch, intake

    with on("2026-11-02", 11):
        intake.accept(message, actor=city.user(Role.OPERATOR))
        dispatch.assign(message, city.units["住建局"], [], actor=city.user(Role.DISPATCHER))
        found = proposals.proposals()
    assert [(p.trigger, p.message.id) for p in found] == [("instruction", message.id)]
    assert "王市长批示" in found[0].detail


@pytest.mark.parametrize(("policy_name", "reason"), [("longnan", "hot_spot"), ("chizhou", "other")])
def test_three_similar_messages_in_thirty_days_are_a_concentrated_matter(city, policy_name, reason):
    texts = ["丽发新城小区附近搅拌站噪音扰民，粉尘污染严重", "丽发新城附近搅拌站噪音扰民，灰尘污染严重，请求处理",
             "投诉丽发新城小区旁搅拌站噪音扰民和粉尘污染"]
    messages = [assigned(city, f"2026-11-0{2 + i}", subject="丽发新城附近搅拌站噪音扰民", body=body)
                for i, body in enumerate(texts[:2])]
    with on("2026-11-05"):
        assert proposed("cluster") == []  # two are not yet a cluster
    messages.append(assigned(city, "2026-11-05", subject="丽发新城搅拌站噪音扰民", body=texts[2]))
    with on("2026-11-05", 15):
        found = [p for p in proposals.proposals() if p.trigger == "cluster"]
    assert [(p.message.id, p.reason) for p in found] == [(messages[-1].id, reason)]
    assert all(m.tracking_no in found[0].detail for m in messages)
    with on("2026-12-20"):
        assert proposed("cluster") == []  # out of the 30-day window

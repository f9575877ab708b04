"""Repeats (重复件, R12.4): the office merges a message into the same matter already accepted; it is
handled once, every petitioner gets the answer, the original's public page and the report count it."""
import pytest

from portal.extensions import db
from portal.models import Message, Notification
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
        assert f'name="candidate" value="{original.tracking_no}"' in page  # one click from merging
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


# --- repeat hints from the similarity index ---------------------------------------------------------

TEXTS = [
    ("小区夜间施工噪音", "A3区某小区夜间施工噪音扰民，影响居民休息，已经持续一周。"),
    ("道路积水严重", "A7县人民路下雨积水严重，车辆行人无法通行，请尽快疏通排水管道。"),
    ("夜间施工扰民", "某工地夜间施工，噪音很大，居民无法休息。"),
    ("公交线路调整建议", "建议增加公交线路，方便学生上学和老人出行。"),
    ("幼儿园收费问题", "某幼儿园乱收费，每学期额外收取材料费，家长意见很大。"),
]


def test_the_hints_are_exactly_the_most_similar_joinable_messages(city):
    """The index gives what comparing every joinable message of the last 90 days word by word gives."""
    from portal import similarity
    from portal.queries.repeats import hints
    from portal.textmining import jaccard, words

    made = []
    for number, (subject, body) in enumerate(TEXTS * 2):
        made.append(assigned(city, f"2026-11-{number + 2:02d}", subject=subject, body=body + "第" * (number % 3)))
    with on("2026-11-25", 9):
        fresh, _ = intake.submit_message(category="complaint", subject=TEXTS[0][0], body=TEXTS[0][1], name="王五",
                                         phone="13900001111", publish_consent=False, consent=True)  # not accepted
    typed = ("工地夜间施工噪音", "我家小区旁边工地夜间施工噪音扰民，影响休息。")
    with on("2026-11-25", 10):
        found = hints(*typed)
    mine = set(words(" ".join(typed)))
    brute = sorted(((jaccard(mine, set(words(f"{m.subject} {m.body}"))), m.id) for m in made), reverse=True)
    expected = [(round(score, 6), mid) for score, mid in brute if score >= similarity.MIN_OVERLAP][:5]
    assert [(round(h.score, 6), h.message.id) for h in found] == expected and expected
    assert fresh.id not in {h.message.id for h in found}


def test_the_hints_leave_out_what_a_repeat_cannot_join(city):
    from portal.queries.repeats import hints

    old = assigned(city, "2026-08-01")  # more than 90 days before
    merged, _ = second_petition("2026-11-20")
    original = answered(city, "2026-11-21")
    with on("2026-11-22", 9):
        intake.accept(merged, actor=city.user(Role.OPERATOR))
        intake.mark_repeat(merged, actor=city.user(Role.OPERATOR), original_no=original.tracking_no)
    with on("2026-11-24", 9):
        found = [h.message.id for h in hints("小区噪音扰民", BODY)]
    assert found == [original.id] and old.id not in found and merged.id not in found


def test_the_index_holds_keyed_hashes_only(city, app):
    from portal import similarity
    from portal.models import SimilarityTerm

    message = assigned(city, "2026-11-20", body="张三反映A3区某小区夜间施工噪音扰民，电话13812345678。")
    rows = db.session.query(SimilarityTerm).filter_by(message_id=message.id).all()
    assert rows and all(isinstance(r.term, int) and 0 <= r.term < 2**63 and r.size == len(rows) for r in rows)
    stored = {r.term for r in rows}
    assert stored == set(similarity.fingerprint(message.subject, message.body))
    app.extensions.pop("wenzheng_similarity", None)
    app.config["SECRET_KEY"], key = "another key", app.config["SECRET_KEY"]
    try:
        assert stored.isdisjoint(similarity.fingerprint(message.subject, message.body))  # unreadable without the key
    finally:
        app.config["SECRET_KEY"] = key
        app.extensions.pop("wenzheng_similarity", None)
    assert similarity.reindex_all() >= 1
    assert {r.term for r in db.session.query(SimilarityTerm).filter_by(message_id=message.id)} == stored


CALL = {"channel": "hotline", "call_time": "2026-11-24T10:00", "category": "complaint", "subject": "工地夜间施工噪音",
        "body": "A3区某小区旁工地夜间施工噪音扰民，影响居民休息。", "name": "赵敏", "phone": "13811112222"}


def test_the_operator_sees_hints_as_the_call_is_typed_and_saves_it_as_a_repeat_in_one_go(client, city):
    original = answered(city, "2026-11-20")
    sign_in(client, city.user(Role.OPERATOR))
    with on("2026-11-24", 10):
        shown = client.post("/admin/calls/hints", data={"subject": CALL["subject"], "body": CALL["body"]})
        assert f'name="repeat_of" value="{original.tracking_no}"' in shown.get_data(as_text=True)
        none = client.post("/admin/calls/hints", data={"subject": "公积金", "body": "提取"})
        assert "近90天没有相似" in none.get_data(as_text=True)
        refused = client.post("/admin/calls/new", data={**CALL, "repeat_of": original.tracking_no,
                                                         "category": "consult", "answer": "已当场答复。"})
        assert refused.status_code == 422 and "重复件随原件一并办理" in refused.get_data(as_text=True)
        response = client.post("/admin/calls/new", data={**CALL, "repeat_of": original.tracking_no})
    assert response.status_code == 302
    call = db.session.scalar(db.select(Message).where(Message.subject == CALL["subject"]))
    assert call.repeat_of_id == original.id and status_of(call) == Status.CLOSED
    assert [e.kind for e in call.events] == ["record_call", "mark_repeat"]
    assert any("答复已可凭查询码查看" in text for text in sms_for(call))
    sign_in(client, city.user(Role.DISPATCHER))
    assert client.post("/admin/calls/hints", data={"subject": "x"}).status_code == 403

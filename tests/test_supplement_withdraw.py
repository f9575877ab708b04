"""R12.5: with the query code the citizen adds to a message not yet answered or withdraws it; the units
are told; a withdrawal stops the clocks and is counted."""
import io

import pytest

from portal.extensions import db
from portal.models import Attachment, Notification
from portal.rules.workflow import Role, Status
from portal.services import DomainError, intake
from tests.conftest import on
from tests.factories import answered, assigned, status_of
from tests.test_admin import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def track(client, message, code):
    return client.post("/track", data={"tracking_no": message.tracking_no, "query_code": code})


def test_the_citizen_adds_to_an_open_message_and_the_unit_reads_it(client, city):
    with on("2026-11-23", 9):
        message, code = intake.submit_message(category="complaint", subject="噪音", body="工地夜间施工噪音扰民。",
                                              name="张三", phone="13812345678", publish_consent=True, consent=True)
    from portal.services import dispatch

    intake.accept(message, actor=city.user(Role.OPERATOR))
    dispatch.assign(message, city.units["住建局"], actor=city.user(Role.DISPATCHER))
    assert track(client, message, code).status_code == 302
    empty = client.post(f"/track/{message.tracking_no}/supplement", data={"text": " "})
    assert empty.status_code == 422 and "请填写补充内容或选择要补充的附件" in empty.get_data(as_text=True)
    fake = client.post(f"/track/{message.tracking_no}/supplement", content_type="multipart/form-data",
                       data={"text": "", "file": (io.BytesIO(b"<html><script>x</script>"), "现场.png")})
    assert fake.status_code == 422 and "附件类型不支持" in fake.get_data(as_text=True)  # bytes, not the name, decide
    done = client.post(f"/track/{message.tracking_no}/supplement", content_type="multipart/form-data",
                       data={"text": "补充：施工在每晚十点以后开始。", "file": (io.BytesIO(PDF), "现场记录.pdf")})
    assert done.status_code == 302
    page = client.get(f"/track/{message.tracking_no}").get_data(as_text=True)
    assert "您补充了留言内容" in page
    assert any(n.dedupe_key.startswith("supplement:") for n in db.session.query(Notification))
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert "补充：施工在每晚十点以后开始。" in page and "现场记录.pdf" in page
    attachment = db.session.query(Attachment).filter_by(message_id=message.id).one()
    assert (attachment.unit_id, attachment.purpose) == (None, "citizen_supplement")
    assert client.get(f"/admin/attachments/{attachment.id}").data == PDF


def test_a_withdrawal_stops_the_units_clock_and_closes_the_message_as_withdrawn(client, city):
    message = assigned(city, "2026-11-23", co_units=("A3区",))
    with on("2026-11-24"):
        with pytest.raises(DomainError, match="请填写撤回原因"):
            intake.withdraw(message, reason="")
        intake.withdraw(message, reason="问题已自行解决")
    assert status_of(message) == Status.CLOSED and message.withdrawn_at is not None
    assert {a.state for a in message.assignments} == {"withdrawn"}
    assert not message.active_assignments()  # no clock runs, no warning can be raised
    withdrawn_notes = [n for n in db.session.query(Notification) if n.dedupe_key.startswith("withdraw:")]
    assert len(withdrawn_notes) == 2  # both units' handlers are told
    with pytest.raises(DomainError):
        intake.supplement(message, text="再补充")


def test_an_answered_message_can_no_longer_be_withdrawn_or_added_to(city):
    message = answered(city, "2026-11-20")
    attempts = (lambda: intake.withdraw(message, reason="不需要了"), lambda: intake.supplement(message, text="补充"))
    for attempt in attempts:
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.status_code == 403


def test_the_citizen_withdraws_on_the_tracking_page_and_sees_it_withdrawn(client, city):
    with on("2026-11-23", 9):
        message, code = intake.submit_message(category="consult", subject="社保", body="咨询社保转移手续如何办理。",
                                              name="李四", phone="13912345678", publish_consent=False, consent=True)
        track(client, message, code)
        page = client.get(f"/track/{message.tracking_no}").get_data(as_text=True)
        assert "撤回留言" in page and "补充留言内容" in page
        refused = client.post(f"/track/{message.tracking_no}/withdraw", data={"reason": ""})
        assert refused.status_code == 400 and "请填写撤回原因" in refused.get_data(as_text=True)
        assert client.post(f"/track/{message.tracking_no}/withdraw", data={"reason": "已在窗口办好"}).status_code == 302
        page = client.get(f"/track/{message.tracking_no}").get_data(as_text=True)
    assert "已撤回" in page and "您已撤回留言：已在窗口办好" in page and "撤回留言</h2>" not in page


def test_the_monthly_report_counts_withdrawals_supplements_and_anonymous_messages(client, city):
    from portal.queries.reports import analysis
    from portal.rules.periods import Period

    message = assigned(city, "2026-11-23")
    with on("2026-11-24"):
        intake.supplement(message, text="补充说明")
        intake.withdraw(message, reason="已解决")
        intake.submit_message(category="consult", subject="咨询", body="咨询公积金提取办法。", name="", phone="",
                              publish_consent=False, consent=True, anonymous=True)
    counts = {row.label: (row.count, row.previous) for row in analysis(Period.parse("2026-11")).operations}
    assert counts["诉求人撤回"] == (1, 0) and counts["诉求人补充"] == (1, 0) and counts["匿名留言"] == (1, 0)
    assert counts["重新办理"] == (0, 0)
    sign_in(client, city.user(Role.SUPERVISOR))
    page = client.get("/admin/reports?period=2026-11").get_data(as_text=True)
    assert 'data-operation="诉求人撤回">1<' in page

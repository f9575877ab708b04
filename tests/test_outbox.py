"""The outbox: pluggable senders, retries with backoff, failures shown to the office and sent again."""
import json
import smtplib
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Event, Notification
from portal.notify import LogSender, SendError, SmsGatewaySender, SmtpSender, senders_from_config
from portal.rules.workflow import Role
from portal.services import outbox
from tests.test_admin import sign_in

T0 = datetime(2026, 11, 24, 1, 0)


class FakeSms:
    """The SMS gateway's test double: fails the first ``failures`` sends, records the rest."""

    def __init__(self, failures=0):
        self.failures, self.sent = failures, []

    def send(self, recipient, body, *, subject="", name=""):
        if self.failures:
            self.failures -= 1
            raise SendError("短信平台无应答")
        self.sent.append((recipient, body))


@pytest.fixture
def sms(app):
    senders = app.extensions["wenzheng_senders"]
    saved = dict(senders)
    double = FakeSms()
    senders["sms"] = double
    yield double
    senders.update(saved)


def queued(n=1, channel="sms"):
    notes = [outbox.queue(f"test:{i}", channel=channel, recipient="13900000000", name="李四", body=f"通知{i}")
             for i in range(n)]
    db.session.commit()
    return notes


@pytest.mark.parametrize(("attempts", "pause"), [(1, 1), (2, 5), (3, 25), (4, 125)])
def test_backoff_grows_fivefold(attempts, pause):
    assert outbox.backoff(attempts) == timedelta(minutes=pause)


def test_delivery_sends_what_is_due_once(app, sms):
    queued(3)
    report = outbox.deliver(T0)
    assert (report.sent, report.retrying, report.failed) == (3, 0, 0) and len(sms.sent) == 3
    assert outbox.deliver(T0).sent == 0 and len(sms.sent) == 3
    assert {n.status for n in db.session.scalars(select(Notification))} == {"sent"}


def test_a_failure_is_retried_after_growing_pauses_then_marked_failed(app, sms):
    sms.failures = 99
    [note] = queued()
    schedule = []
    now = T0
    for _ in range(5):
        outbox.deliver(now)
        schedule.append((note.status, note.attempts, note.next_attempt_at))
        if note.next_attempt_at:
            assert outbox.deliver(note.next_attempt_at - timedelta(seconds=1)).retrying == 0  # not before its time
            now = note.next_attempt_at
    assert [s[:2] for s in schedule] == [("pending", 1), ("pending", 2), ("pending", 3), ("pending", 4), ("failed", 5)]
    assert [s[2] - prev for s, prev in zip(schedule[:4], [T0, T0 + timedelta(minutes=1),
                                                           T0 + timedelta(minutes=6), T0 + timedelta(minutes=31)],
                                           strict=True)] == [timedelta(minutes=m) for m in (1, 5, 25, 125)]
    assert note.last_error == "短信平台无应答"


def test_a_notification_that_fails_twice_then_goes_is_sent(app, sms):
    sms.failures = 2
    [note] = queued()
    outbox.deliver(T0)
    outbox.deliver(T0 + timedelta(minutes=1))
    outbox.deliver(T0 + timedelta(minutes=6))
    assert (note.status, note.attempts, note.last_error) == ("sent", 3, "") and len(sms.sent) == 1


def test_the_office_sees_failures_and_sends_them_again(client, city, sms):
    sms.failures = 99
    [note] = queued()
    for minutes in (0, 1, 6, 31, 156):
        outbox.deliver(T0 + timedelta(minutes=minutes))
    assert note.status == "failed"
    sign_in(client, city.user(Role.ADMIN))
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "短信平台无应答" in page and f"/admin/outbox/{note.id}/resend" in page
    assert client.post(f"/admin/outbox/{note.id}/resend").status_code == 302
    assert (note.status, note.attempts) == ("pending", 0)
    event = db.session.scalar(select(Event).where(Event.kind == "resend_notification"))
    assert event.actor_id == city.user(Role.ADMIN).id
    again = client.post(f"/admin/outbox/{note.id}/resend")  # only a failed one can be sent again
    assert again.status_code == 422 and "只有发送失败的通知可以重发" in again.get_data(as_text=True)
    sms.failures = 0
    assert outbox.deliver().sent == 1
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    assert client.get("/admin/outbox").status_code == 403


def test_the_default_senders_log(app):
    senders = senders_from_config({})
    assert isinstance(senders["sms"], LogSender) and isinstance(senders["email"], LogSender)


class _Gateway(BaseHTTPRequestHandler):
    answers: list = []
    received: list = []

    def do_POST(self):  # noqa: N802 (the http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Gateway.received.append((self.headers["Authorization"], body))
        status, answer = _Gateway.answers.pop(0)
        self.send_response(status)
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Gateway.received.clear()
    yield f"http://127.0.0.1:{server.server_port}/sms", _Gateway
    server.shutdown()


def test_the_sms_gateway_sender_posts_json_and_reads_the_answer(gateway):
    url, handler = gateway
    handler.answers[:] = [(200, {"code": 0}), (200, {"code": 17, "message": "号码无效"}), (500, {})]
    sender = senders_from_config({"SMS_SENDER": "gateway", "SMS_GATEWAY_URL": url, "SMS_GATEWAY_TOKEN": "t0k",
                                  "SMS_SIGN": "龙南问政"})["sms"]
    assert isinstance(sender, SmsGatewaySender)
    sender.send("13900000000", "您的留言已办结。")
    assert handler.received[0] == ("Bearer t0k", {"phone": "13900000000", "content": "您的留言已办结。",
                                                  "sign": "龙南问政"})
    with pytest.raises(SendError, match="号码无效"):
        sender.send("139", "x")
    with pytest.raises(SendError, match="短信平台无应答或出错"):
        sender.send("13900000000", "x")
    with pytest.raises(SendError):
        SmsGatewaySender("http://127.0.0.1:9/none", timeout=1).send("13900000000", "x")  # nothing listens


def test_the_smtp_sender_sends_through_the_mail_server(monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, mail):
            sent.append(("mail", mail["To"], mail["Subject"], mail.get_content().strip()))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    sender = SmtpSender("mail.gov.cn", 587, sender="wz@gov.cn", user="wz", password="pw", starttls=True)
    sender.send("duchashi@gov.cn", "超期7个工作日", subject="转办督查")
    assert sent == [("connect", "mail.gov.cn", 587), ("starttls",), ("login", "wz"),
                    ("mail", "duchashi@gov.cn", "转办督查", "超期7个工作日")]

    def refuse(self, mail):
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"no")})

    monkeypatch.setattr(FakeSMTP, "send_message", refuse)
    with pytest.raises(SendError, match="邮件服务器拒绝"):
        sender.send("x@gov.cn", "y")


def test_sms_wait_for_the_morning_except_for_urgent_matters(app, sms, city):
    """Quiet hours (SMS_QUIET_HOURS, 21:00 to 08:00 China time by default): an ordinary SMS queued at 23:00
    goes at 08:00; one about an urgent (突发) matter goes at once; email is not held."""
    from tests.factories import submit

    assert app.config["SMS_QUIET_HOURS"] == (21, 8)
    ordinary, _ = submit()
    urgent, _ = submit()
    urgent.is_emergency = True
    outbox.queue("night:ordinary", channel="sms", recipient="13800000001", body="普通", message=ordinary)
    outbox.queue("night:urgent", channel="sms", recipient="13800000002", body="紧急", message=urgent)
    db.session.commit()
    night, morning = datetime(2026, 11, 24, 15, 0), datetime(2026, 11, 25, 0, 0)  # 23:00 and 08:00 China
    assert outbox.deliver(night).sent == 1 and sms.sent == [("13800000002", "紧急")]
    assert outbox.deliver(morning).sent == 1 and sms.sent[-1] == ("13800000001", "普通")

"""The back office through HTTP: sign-in, the access matrix, queues, the message page and its actions."""
import re
from datetime import date

import pytest
from sqlalchemy import event, func, select, text

from portal.extensions import db
from portal.models import Event, Message, User
from portal.rules.workflow import Role, Status
from tests.conftest import on
from tests.factories import PASSWORD, answered, assigned, submit


def sign_in(client, user):
    """Act as ``user`` from the next request on. The tests' requests share one app context, so
    Flask-Login's cached user in ``g`` must go too (production has a fresh context per request)."""
    from flask import g

    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user.get_id(), True
        session.pop("seen", None)  # a fresh sign-in: the idle clock starts again
    return client


def act(client, message, action, **form):
    db.session.refresh(message)
    return client.post(f"/admin/messages/{message.id}/act/{action}", data={"version": message.version, **form})


# --- sign-in ------------------------------------------------------------------------------------

def test_sign_in_out_and_the_lockout(client, city, app):
    assert client.get("/admin/").status_code == 302
    wrong = client.post("/admin/login", data={"username": "dispatcher", "password": "nope"})
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.get_data(as_text=True)
    ok = client.post("/admin/login?next=/admin/?queue=to_assign", data={"username": "Dispatcher", "password": PASSWORD})
    assert ok.status_code == 302 and ok.headers["Location"] == "/admin/?queue=to_assign"
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout")
    assert client.get("/admin/").status_code == 302
    evil = client.post("/admin/login?next=https://evil.example/", data={"username": "dispatcher", "password": PASSWORD})
    assert evil.headers["Location"] == "/admin/"

    with on("2026-11-24", 10):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            client.post("/admin/login", data={"username": "reviewer", "password": "nope"})
        locked = client.post("/admin/login", data={"username": "reviewer", "password": PASSWORD})
    assert locked.status_code == 401 and "已被锁定，请于2026年11月24日 10:15后再试" in locked.get_data(as_text=True)
    with on("2026-11-24", 11):
        assert client.post("/admin/login", data={"username": "reviewer", "password": PASSWORD}).status_code == 302
    kinds = db.session.scalars(select(Event.kind).where(Event.message_id.is_(None))).all()
    assert (kinds.count("login_failed"), kinds.count("login"), kinds.count("logout")) == (6, 3, 1)


def test_changing_the_password(client, city):
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    bad = client.post("/admin/password", data={"current": PASSWORD, "new": "short", "repeat": "short"})
    assert bad.status_code == 422 and "密码至少10位" in bad.get_data(as_text=True)
    new = {"current": PASSWORD, "new": "a-new-password", "repeat": "a-new-password"}
    good = client.post("/admin/password", data=new)
    assert good.status_code == 302 and city.user(Role.HANDLER, "住建局").check_password("a-new-password")


def test_session_cookies_are_httponly_and_samesite(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


# --- the access matrix --------------------------------------------------------------------------

ROLES = [Role.OPERATOR, Role.DISPATCHER, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN, (Role.HANDLER, "住建局"),
         (Role.DEPUTY_HEAD, "住建局"), (Role.PRINCIPAL_HEAD, "住建局"), (Role.HANDLER, "A3区")]
# The queues each role sees; everyone else gets 404 for a queue that is not theirs.
QUEUES = {
    Role.OPERATOR: {"to_screen", "all"},
    Role.DISPATCHER: {"to_screen", "to_assign", "returns", "extensions", "redo", "all"},
    Role.REVIEWER: {"to_review", "to_follow_up", "redo", "to_publish", "all"},
    Role.SUPERVISOR: {"redo", "supervision", "all"},
    Role.ADMIN: {"all"},
    Role.HANDLER: {"to_handle", "to_follow_up", "redo", "supervision", "all"},
    Role.DEPUTY_HEAD: {"extensions", "to_handle", "to_sign", "redo", "supervision", "all"},
    Role.PRINCIPAL_HEAD: {"extensions", "to_handle", "to_sign", "redo", "supervision", "all"},
}
ALL_QUEUES = {"to_screen", "to_assign", "returns", "extensions", "to_handle", "to_sign", "to_review",
              "to_follow_up", "redo", "supervision", "to_publish", "all"}


def _user(city, who):
    return city.user(*who) if isinstance(who, tuple) else city.user(who)


@pytest.mark.parametrize("who", ROLES, ids=str)
def test_access_matrix(client, city, who):
    user = _user(city, who)
    role = Role(user.role)
    ours = assigned(city, "2026-11-20", unit="住建局")
    received, _ = submit()
    sign_in(client, user)
    for queue in sorted(ALL_QUEUES):
        expected = 200 if queue in QUEUES[role] else 404
        assert client.get(f"/admin/?queue={queue}").status_code == expected, queue
    assert client.get("/admin/counts").status_code == 200
    assert client.get("/admin/password").status_code == 200
    in_unit = role not in (Role.HANDLER, Role.DEPUTY_HEAD, Role.PRINCIPAL_HEAD) or user.unit.name == "住建局"
    assert client.get(f"/admin/messages/{ours.id}").status_code == (200 if in_unit else 404)
    office = role not in (Role.HANDLER, Role.DEPUTY_HEAD, Role.PRINCIPAL_HEAD)
    assert client.get(f"/admin/messages/{received.id}").status_code == (200 if office else 404)
    assert client.get("/admin/calls/new").status_code == (200 if role == Role.OPERATOR else 403)
    # A move this role may not make is refused whatever is posted.
    refused = client.post(f"/admin/messages/{received.id}/act/assign", data={"lead": city.units["住建局"].id})
    assert refused.status_code == (409 if office and role != Role.DISPATCHER else (404 if not office else 409))
    assert db.session.get(Message, received.id).status == Status.RECEIVED


def test_signed_out_every_admin_route_asks_for_sign_in(client, city, app):
    message = assigned(city, "2026-11-20")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and rule.endpoint != "admin.login":
            url = rule.build({"message_id": message.id, "action": "accept", "attachment_id": 1, "user_id": 1,
                              "change": "unlock", "template_id": 1, "operation": "remind", "period_key": "2026-10",
                              "unit_id": 1, "metric": "received", "note_id": 1, "fmt": "xlsx", "api_key_id": 1,
                              "kind": "template", "entry_id": 1})[1]
            method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
            response = client.open(url, method=method)
            assert response.status_code == 302 and "/admin/login" in response.headers["Location"], url


# --- queues -------------------------------------------------------------------------------------

def _queries(client, url) -> int:
    count = [0]

    def counter(*_):
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return count[0]


@pytest.mark.parametrize("who", [Role.DISPATCHER, (Role.HANDLER, "住建局")], ids=str)
def test_a_queue_page_makes_the_same_queries_for_10_and_200_rows(client, city, who):
    def make(n):
        for _ in range(n):
            assigned(city, "2026-11-02", category="consult")

    sign_in(client, _user(city, who))
    make(10)
    url = "/admin/?queue=all&size=200&sort=due"
    few = _queries(client, url)
    make(190)
    assert _queries(client, url) == few <= 16  # the page, the units, and one capped count per queue
    page = client.get(url).get_data(as_text=True)
    assert page.count('<td data-label="编号"><a href="/admin/messages/') == 200


def test_queue_tables_filter_sort_page_and_answer_htmx_with_the_table_only(client, city):
    late = assigned(city, "2026-11-02", category="complaint", subject="迟办的投诉")
    assigned(city, "2026-11-20", category="consult", subject="新的咨询")
    from portal.services.reminders import tick

    tick(__import__("datetime").date(2026, 11, 24))
    sign_in(client, city.user(Role.DISPATCHER))
    red = client.get("/admin/?queue=all&warning=red").get_data(as_text=True)
    assert "迟办的投诉" in red and "新的咨询" not in red and "红色预警" in red
    by_subject = client.get("/admin/?queue=all&q=咨询").get_data(as_text=True)
    assert "新的咨询" in by_subject and "迟办的投诉" not in by_subject
    ordered = client.get("/admin/?queue=all&sort=due&dir=asc").get_data(as_text=True)
    assert ordered.index("迟办的投诉") < ordered.index("新的咨询")
    assert "超期" in ordered and late.tracking_no in ordered
    part = client.get("/admin/?queue=all", headers={"HX-Request": "true"})
    assert part.get_data(as_text=True).lstrip().startswith('<div id="table"') and "HX-Request" in part.headers["Vary"]
    bad = client.get("/admin/?queue=all&start=yesterday")
    assert bad.status_code == 400 and "格式不正确" in bad.get_data(as_text=True)
    counts = client.get("/admin/counts").get_data(as_text=True)
    assert re.search(r'data-queue="to_assign">0<', counts) and re.search(r'data-queue="all">2<', counts)


# --- the message page ---------------------------------------------------------------------------

def test_a_hotline_call_carried_through_by_each_role(client, city):
    sign_in(client, city.user(Role.OPERATOR))
    response = client.post("/admin/calls/new", data={
        "channel": "hotline", "call_time": "2026-11-23T09:30", "category": "complaint", "topic": "环境保护",
        "region": "A3区", "subject": "餐馆油烟扰民", "body": "楼下餐馆油烟直排，影响居民生活。", "name": "赵敏",
        "phone": "13811112222", "publish": "yes"})
    assert response.status_code == 302
    message = db.session.scalar(select(Message).where(Message.subject == "餐馆油烟扰民"))
    assert act(client, message, "accept", category="complaint", emergency="no").status_code == 302

    sign_in(client, city.user(Role.DISPATCHER))
    form = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert f'<option value="{city.units["住建局"].id}" >住建局</option>' in form, "the assign form lists the units"
    assert act(client, message, "assign", lead=city.units["住建局"].id).status_code == 302
    handler = sign_in(client, city.user(Role.HANDLER, "住建局"))
    assert act(handler, message, "request_return", reason="属生态环境局职责", basis="三定方案").status_code == 302
    sign_in(client, city.user(Role.DISPATCHER))
    assert act(client, message, "decide_return", decision="yes").status_code == 302
    assert act(client, message, "assign", lead=city.units["生态环境局"].id).status_code == 302

    sign_in(client, city.user(Role.HANDLER, "生态环境局"))
    assert act(client, message, "record_contact", note="已电话联系").status_code == 302
    assert act(client, message, "request_extension", days="3", reason="需监测").status_code == 302
    sign_in(client, city.user(Role.DISPATCHER))
    assert act(client, message, "decide_extension", decision="yes").status_code == 302
    sign_in(client, city.user(Role.HANDLER, "生态环境局"))
    assert act(client, message, "submit_reply", handled_on="2026-11-24", result="已整改", basis="大气污染防治法",
               contact_note="已电话告知", handler_name="钱七", handler_phone="0797-1234567",
               body="已责令餐馆安装油烟净化设施。", investigation="not_investigated",
               not_investigated_reason="当场整改，依法不再立案").status_code == 302
    sign_in(client, city.user(Role.DEPUTY_HEAD, "生态环境局"))
    assert act(client, message, "sign_off", decision="yes").status_code == 302
    sign_in(client, city.user(Role.REVIEWER))
    response = act(client, message, "approve_reply", decision="yes")
    assert response.status_code == 302
    sign_in(client, city.user(Role.HANDLER, "生态环境局"))
    assert act(client, message, "record_follow_up", method="电话", outcome="满意").status_code == 302
    sign_in(client, city.user(Role.REVIEWER))
    assert act(client, message, "close").status_code == 302
    db.session.refresh(message)
    assert message.status == Status.CLOSED and message.lead_assignment() is None
    page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    steps = ("热线登记", "交办", "申请退回", "同意退回", "申请延期", "延期审核", "提交答复", "审签", "审核通过",
             "回访", "办结")
    assert all(step in page for step in steps)


def test_a_refused_move_comes_back_in_place_with_the_input(client, city):
    message = assigned(city, "2026-11-20", category="consult")
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    response = act(client, message, "submit_reply", handled_on="2026-11-24", result="已处理", basis="",
                   contact_note="已告知", handler_name="钱七", handler_phone="123", body="这是答复正文草稿")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写法律法规政策依据" in html and "这是答复正文草稿" in html
    stale = client.post(f"/admin/messages/{message.id}/act/record_contact", data={"version": 1, "note": "x"})
    assert stale.status_code == 409 and "已被他人更新" in stale.get_data(as_text=True)


@pytest.mark.parametrize(("action", "form", "said"), [
    ("submit_reply", {"handled_on": "2026-13-40", "body": "答复草稿甲"}, "日期“2026-13-40”格式不正确"),
    ("request_extension", {"days": "三天", "reason": "需监测"}, "“三天”不是整数"),
    ("submit_reply", {"handled_on": "2026-11-24", "result": "已处理", "basis": "条例", "contact_note": "已告知",
                      "handler_name": "钱七", "handler_phone": "0797-1234567", "body": "答复草稿乙",
                      "investigation": "maybe"}, "请从列表中选择是否调查处理"),
])
def test_action_input_is_read_by_one_form_reader_with_chinese_messages(client, city, action, form, said):
    message = assigned(city, "2026-12-01", category="complaint")
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    act(client, message, "record_contact", note="已联系")
    db.session.refresh(message)
    response = act(client, message, action, **form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and said in html
    assert all(value in html for value in form.values() if value.startswith("答复草稿"))


def test_petitioner_details_are_masked_and_revealing_them_is_recorded(client, city):
    message = assigned(city, "2026-11-20", phone="13812345678")
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page and "张*" in page
    shown = client.post(f"/admin/messages/{message.id}/reveal").get_data(as_text=True)
    assert "13812345678" in shown
    reveal = db.session.scalar(select(Event).where(Event.kind == "reveal_petitioner"))
    assert reveal.actor_id == city.user(Role.HANDLER, "住建局").id and reveal.message_id == message.id


def test_the_unit_complained_about_never_sees_the_petitioner(client, city):
    """R9.2 (LN 第十九条)."""
    from portal.services import dispatch, intake

    with on("2026-11-20"):
        message, _ = submit(phone="13899998888")
        intake.accept(message, actor=city.user(Role.OPERATOR), about_unit=city.units["住建局"])
        dispatch.assign(message, city.units["住建局"], actor=city.user(Role.DISPATCHER))
    sign_in(client, city.user(Role.PRINCIPAL_HEAD, "住建局"))
    page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert "13899998888" not in page and "诉求人信息已对被投诉单位屏蔽" in page
    assert client.post(f"/admin/messages/{message.id}/reveal").status_code == 403
    sign_in(client, city.user(Role.DISPATCHER))
    assert "13899998888" in client.post(f"/admin/messages/{message.id}/reveal").get_data(as_text=True)


def test_attachments_download_only_for_those_who_see_the_message(client, city):
    from portal.services import handling

    message = assigned(city, "2026-11-20", category="complaint")
    doc = handling.add_attachment(message, actor=city.user(Role.HANDLER, "住建局"), filename="文书.pdf",
                                  content_type="application/pdf", data=b"%PDF-1.4 test", purpose="investigation_doc")
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    got = client.get(f"/admin/attachments/{doc.id}")
    assert got.status_code == 200 and got.data == b"%PDF-1.4 test"
    sign_in(client, city.user(Role.HANDLER, "A3区"))
    assert client.get(f"/admin/attachments/{doc.id}").status_code == 404


def test_the_reviewer_publishes_through_the_review_page(client, city):
    message = answered(city, "2026-11-20", category="consult")
    sign_in(client, city.user(Role.REVIEWER))
    assert "公开审核" in client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    response = client.post(f"/admin/messages/{message.id}/review", data={
        "step": "publish", "version": message.version, "subject": "公开标题", "body": "公开正文", "reply": "公开答复"})
    assert response.status_code == 302 and db.session.get(Message, message.id).publication == "published"
    assert "公开答复" in client.get(f"/messages/{message.id}").get_data(as_text=True)
    sign_in(client, city.user(Role.DISPATCHER))
    assert client.get(f"/admin/messages/{message.id}/review").status_code == 403


def test_users_are_counted(city):
    assert db.session.scalar(select(func.count()).select_from(User)) == 14


# --- administration -----------------------------------------------------------------------------

ADMIN_PAGES = ["/admin/units", "/admin/users", "/admin/templates", "/admin/calendar?year=2027", "/admin/rules"]


@pytest.mark.parametrize("who", ROLES, ids=str)
def test_administration_is_for_the_admin_and_the_policy_for_everyone(client, city, who):
    user = _user(city, who)
    sign_in(client, user)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == (200 if user.role == Role.ADMIN else 403), url
    policy_page = client.get("/admin/policy")
    assert policy_page.status_code == 200 and "扣 3.0 分" in policy_page.get_data(as_text=True)


def test_the_admin_manages_users_but_cannot_lock_themselves_out(client, city):
    admin = city.user(Role.ADMIN)
    sign_in(client, admin)
    bad = client.post("/admin/users", data={"username": "zhao.li", "name": "赵丽", "role": "handler",
                                             "password": "x" * 12})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "须指定所属单位" in html and 'value="赵丽"' in html
    ok = client.post("/admin/users", data={"username": "li.na", "name": "李娜", "role": "handler", "password": "x" * 12,
                                            "unit_id": city.units["A3区"].id})
    assert ok.status_code == 302
    self_disable = client.post(f"/admin/users/{admin.id}/disable", follow_redirects=True)
    assert "不能停用自己的账号" in self_disable.get_data(as_text=True) and admin.active
    handler = city.user(Role.HANDLER, "住建局")
    client.post(f"/admin/users/{handler.id}/disable")
    assert not handler.active
    sign_in(client, handler)
    assert client.get("/admin/").status_code == 302, "a disabled account is signed out"


def test_unit_contacts_templates_and_the_calendar(client, city):
    sign_in(client, city.user(Role.ADMIN))
    unit = city.units["住建局"]
    client.post("/admin/units", data={"unit_id": unit.id, "leader_name": "周副局长", "leader_phone": "0797-1111111"})
    assert unit.leader_name == "周副局长"
    client.post("/admin/templates", data={"title": "物业纠纷", "body": "您好！关于您反映的物业问题……", "category": ""})
    message = assigned(city, "2026-11-20", category="consult")
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    link = re.search(r'href="([^"]+template=\d+)[^"]*"', page).group(1).replace("&amp;", "&")
    assert "您好！关于您反映的物业问题……</textarea>" in client.get(link).get_data(as_text=True)

    sign_in(client, city.user(Role.ADMIN))
    calendar = client.get("/admin/calendar?year=2027").get_data(as_text=True)
    assert "2027年的官方放假安排尚未录入" in calendar
    late = assigned(city, "2026-12-28", category="complaint")
    assert late.lead_assignment().due_date.isoformat() == "2027-01-05"
    client.post("/admin/calendar?year=2027", data={"day": "2027-01-04", "kind": "holiday", "note": "元旦调休"})
    db.session.refresh(late.lead_assignment())
    assert late.lead_assignment().due_date.isoformat() == "2027-01-06"


def test_bulk_assign_and_remind_report_each_item(client, city):
    from portal.models import Notification
    from portal.services import intake

    ready = []
    for _ in range(3):
        message, _ = submit()
        intake.accept(message, actor=city.user(Role.OPERATOR))
        ready.append(message)
    not_ready, _ = submit()
    sign_in(client, city.user(Role.DISPATCHER))
    page = client.get("/admin/?queue=to_assign").get_data(as_text=True)
    assert "批量交办" in page and page.count('name="ids"') == 3
    ids = [m.id for m in ready] + [not_ready.id]
    response = client.post("/admin/bulk/assign", data={"ids": ids, "lead": city.units["A3区"].id},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "已交办A3区 3 件" in html and f"{not_ready.tracking_no}：" in html
    assert all(db.session.get(Message, m.id).status == Status.ASSIGNED for m in ready)
    assert db.session.get(Message, not_ready.id).status == Status.RECEIVED

    client.post("/admin/bulk/remind", data={"ids": [ready[0].id]})
    sms = db.session.scalar(select(Notification).where(Notification.dedupe_key.startswith("manual-remind:")))
    assert sms.recipient_name == "A3区handler" and ready[0].tracking_no in sms.body
    assert db.session.scalar(select(Event).where(Event.kind == "remind", Event.message_id == ready[0].id))
    sign_in(client, city.user(Role.HANDLER, "A3区"))
    assert client.post("/admin/bulk/remind", data={"ids": [ready[0].id]}).status_code == 403


def test_a_huge_queue_counts_up_to_a_cap_and_says_so(client, city, monkeypatch):
    from portal.queries import queues

    for _ in range(4):
        assigned(city, "2026-11-20", category="consult")
    sign_in(client, city.user(Role.DISPATCHER))
    assert "共 4 件" in client.get("/admin/?queue=all").get_data(as_text=True)
    monkeypatch.setattr(queues, "COUNT_CAP", 3)
    page = client.get("/admin/?queue=all&size=20").get_data(as_text=True)
    assert "共 3+ 件（请用筛选缩小范围）" in page and page.count('<td data-label="编号"><a href="/admin/messages/') == 4


@pytest.mark.parametrize(("sort", "direction"), [("received", "desc"), ("received", "asc"), ("subject", "asc"),
                                                 ("channel", "desc"), ("status", "asc"), ("due", "asc")])
def test_walking_the_pages_forth_and_back_by_their_links_shows_every_message_once(client, city, sort, direction):
    """Pages after the first are found from the neighbouring row (keyset); ties are broken by id."""
    from portal.services import intake

    for i in range(45):
        day = f"2026-11-{2 + i % 5:02d}"
        if i % 3:
            assigned(city, day, subject=f"事项{i % 4}", channel="hotline" if i % 2 else None)
        else:
            with on(day, 8):
                intake.submit_message(category="consult", subject=f"事项{i % 4}", body="咨询内容详见来信。",
                                      name="张三", phone="13800000000", publish_consent=False, consent=True)
    sign_in(client, city.user(Role.DISPATCHER))

    def visit(url):
        html = client.get(url).get_data(as_text=True)
        numbers = re.findall(r'href="/admin/messages/\d+">([A-Z]{2}\d+)</a>', html)
        found = re.findall(r'<a href="([^"]+)" rel="(next|prev)"', html)
        links = {rel: href.replace("&amp;", "&") for href, rel in found}
        return numbers, links

    first = f"/admin/?queue=all&sort={sort}&dir={direction}"
    pages, url = [], first
    while url:
        numbers, links = visit(url)
        pages.append((numbers, links))
        url = links.get("next")
    seen = [n for numbers, _ in pages for n in numbers]
    assert len(pages) == 3 and len(seen) == 45 == len(set(seen))
    if sort != "due":  # a keyset sort: the links carry the row to start after
        assert "after=" in pages[0][1]["next"]
    by_offset = [n for page in (1, 2, 3) for n in visit(f"{first}&page={page}")[0]]
    assert seen == by_offset
    back, _ = visit(pages[2][1]["prev"])
    assert back == pages[1][0]
    assert visit(f"{first}&page=2&after=garbage|x")[0] == pages[1][0]  # a mangled cursor: found by number


def test_the_timeline_speaks_chinese_for_ratings_warnings_and_supervision_reasons(client, city):
    from portal.services import rating, supervision
    from portal.services.reminders import tick

    message = answered(city, "2026-11-02", co_units=())
    with on("2026-11-03"):
        rating.rate(message, level="very_unsatisfied")
    late = assigned(city, "2026-11-02")
    with on("2026-11-20"):
        assert tick(late.lead_assignment().due_date.replace(day=20)).warnings  # overdue: warnings raised
    supervision.open_case(late, actor=city.user(Role.SUPERVISOR), reason="overdue",
                          method=policy_methods()[0])
    sign_in(client, city.user(Role.SUPERVISOR))
    for shown in (message, late):
        page = client.get(f"/admin/messages/{shown.id}").get_data(as_text=True)
        timeline = page[page.index("办理过程"):]
        for code in ("very_unsatisfied", "satisfied", "overdue", *policy_methods()):
            assert code not in timeline, (shown.id, code)
    assert "非常不满意" in client.get(f"/admin/messages/{message.id}").get_data(as_text=True)


def policy_methods():
    from portal.services.common import policy

    return [m.code for m in policy().supervision_methods]


@pytest.mark.parametrize(("role", "unit", "landing"), [
    (Role.OPERATOR, None, "待甄别"), (Role.DISPATCHER, None, "待交办"), (Role.DEPUTY_HEAD, "住建局", "待审签"),
    (Role.PRINCIPAL_HEAD, "住建局", "待审签"), (Role.HANDLER, "住建局", "待办理"), (Role.REVIEWER, None, "待审核"),
    (Role.SUPERVISOR, None, "已超期")])
def test_each_role_lands_on_its_main_next_step(client, city, role, unit, landing):
    sign_in(client, city.user(role, unit) if unit else city.user(role))
    assert f"<h1>{landing}</h1>" in client.get("/admin/").get_data(as_text=True)


# --- the reply flow (issue 17): nothing typed or chosen is lost ---------------------------------------------

REPLY = {"handled_on": "2026-11-25", "result": "已责令整改", "basis": "《大气污染防治法》",
         "contact_note": "已电话告知", "handler_name": "王工", "handler_phone": "0935-1234567",
         "body": "您好，问题已处理。"}


def test_a_refused_reply_keeps_its_text_its_files_and_a_draft(client, city):
    from io import BytesIO

    from portal.models import Attachment, FormDraft

    message = assigned(city, "2026-11-23", category="complaint")
    with on("2026-11-25"):
        sign_in(client, city.user(Role.HANDLER, "住建局"))
        db.session.refresh(message)
        refused = client.post(f"/admin/messages/{message.id}/act/submit_reply", content_type="multipart/form-data",
                              data={"version": message.version, **REPLY, "investigation": "investigated",
                                    "file_purpose": "other", "files": (BytesIO(b"%PDF-1.4 x"), "现场照片.pdf")})
        page = refused.get_data(as_text=True)
        assert refused.status_code == 422 and "决定调查处理的，请上传调查受理文书" in page
        at_field = 'aria-invalid="true" aria-describedby="act-submit_reply-files-error"'
        assert at_field in page, "the error is at the field"
        assert "已责令整改" in page and "现场照片.pdf" in page, "typed text and the chosen file are kept"
        assert refused.headers["HX-Reswap"] == "outerHTML show:#act-submit_reply:top"
        assert db.session.scalar(select(func.count()).select_from(Attachment).where(
            Attachment.message_id == message.id, Attachment.reply_id.is_(None))) == 1
        draft = db.session.scalar(select(FormDraft).where(FormDraft.message_id == message.id))
        stored = db.session.execute(text("SELECT data FROM form_draft")).scalar()
        assert draft is not None and "已责令整改" not in stored, "the draft is stored encrypted"
        again = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
        assert "已恢复您" in again and "已责令整改" in again

        done = act(client, message, "submit_reply", **REPLY, investigation="not_investigated",
                   not_investigated_reason="不属于调查处理范围")
    assert done.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(FormDraft)) == 0, "a submitted form leaves no draft"


def test_a_draft_is_saved_as_the_user_types_and_only_for_a_form_offered(client, city):
    from portal.models import FormDraft

    message = assigned(city, "2026-11-23")
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    saved = client.post(f"/admin/messages/{message.id}/draft/submit_reply", data={"result": "正在核实"})
    assert saved.status_code == 200 and "草稿已保存" in saved.get_data(as_text=True)
    assert client.post(f"/admin/messages/{message.id}/draft/assign", data={"note": "x"}).status_code == 204
    assert [d.action for d in db.session.scalars(select(FormDraft))] == ["submit_reply"]
    sign_in(client, city.user(Role.HANDLER, "生态环境局"))
    assert client.post(f"/admin/messages/{message.id}/draft/submit_reply", data={"result": "x"}).status_code == 404


def test_the_message_page_names_each_button_and_asks_before_a_refusal(client, city):
    fresh, _ = submit()
    sign_in(client, city.user(Role.OPERATOR))
    page = client.get(f"/admin/messages/{fresh.id}").get_data(as_text=True)
    assert ">提交<" not in page
    assert page.index('id="act-accept"') < page.index('id="act-reject"'), "the main next step first"
    assert 'hx-confirm="确认不予受理？' in page
    assert '<option value="" >请选择</option>' in page.split('id="act-reject"')[1].split("</select>")[0]
    refused = act(client, fresh, "reject", reason="")
    assert refused.status_code == 422 and "请选择理由" in refused.get_data(as_text=True)


def test_a_delay_is_explained_only_once_the_deadline_has_passed(client, city):
    message = assigned(city, "2026-11-23")  # LN complaint: due 30 Nov
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    with on("2026-11-30"):
        assert 'id="act-explain_delay"' not in client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
        assert act(client, message, "explain_delay", text="等待检测").status_code == 409
    with on("2026-12-01"):
        sign_in(client, city.user(Role.HANDLER, "住建局"))
        assert 'id="act-explain_delay"' in client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
        assert act(client, message, "explain_delay", text="等待检测").status_code == 302


def test_the_timeline_says_which_deadline_a_warning_is_about_and_no_move_is_opened_that_is_not_the_main_one(
        client, city):
    from portal.services.reminders import tick

    message = assigned(city, "2026-11-18")  # LN complaint: contact by 20 Nov, close by 25 Nov
    tick(date(2026, 12, 2))
    sign_in(client, city.user(Role.DISPATCHER))
    page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert "住建局 · 蓝色预警 · 办结期限 · 超期5个工作日" in page
    assert "住建局 · 蓝色预警 · 与诉求人沟通期限 · 超期8个工作日" in page
    assert "<details class=\"action\" open>" not in page, "the office has no main step on a case at work"
    assert "可进行的操作" in page

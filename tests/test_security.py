"""What an attacker found (issue 16), kept found: headers, sessions, the proxy, feeds, exports, limits,
sign-in, uploads, conflicts and censor rules."""
import threading
import xml.etree.ElementTree as ET
from datetime import datetime
from io import BytesIO

import pytest
from flask import g
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, select, text

from portal import clock, create_app, exports
from portal.extensions import db
from portal.models import CensorRule, RateLimitCounter, Rating
from portal.rules.workflow import Role
from portal.services import DomainError, limits, publication, rating
from portal.services import redaction as review
from portal.storage import save_upload
from tests.conftest import on
from tests.factories import PASSWORD, answered
from tests.test_admin import sign_in

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def _publish(city, subject="小区噪音扰民"):
    message = answered(city, "2026-11-02", subject=subject)
    proposal = review.propose(message)
    publication.publish(message, actor=city.user(Role.REVIEWER), subject=proposal.public["subject"],
                        body=proposal.public["body"], reply_text=proposal.public["reply"])
    return message


@pytest.fixture
def other_app(apps, app):
    """Another app over the same database, with some settings changed."""
    made = []

    def make(**settings):
        made.append(create_app({**app.config, **settings}))
        return made[-1]

    yield make


# --- headers ------------------------------------------------------------------------------------

def test_every_page_carries_the_security_headers(app, client, city):
    message = _publish(city)
    public = ["/", "/messages", f"/messages/{message.id}", "/search?q=噪音", "/units", "/write", "/track",
              "/feed.atom", "/admin/login"]
    sign_in(client, city.user(Role.ADMIN))
    admin = [str(rule) for rule in app.url_map.iter_rules() if str(rule).startswith("/admin")
             and "GET" in rule.methods and not rule.arguments]
    for url in public + admin:
        response = client.get(url)
        assert response.status_code < 500, url  # some pages are not this role's: 403 carries them too
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, url
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url
        if url.startswith("/admin") and url != "/admin/login":
            assert headers["Cache-Control"] == "no-store", url
        assert "Strict-Transport-Security" not in headers, "no HSTS without HTTPS"
    assert "<script>" not in client.get("/admin/").get_data(as_text=True), "no inline script"


def test_hsts_behind_https(other_app, city):
    secure = other_app(SESSION_COOKIE_SECURE=True)
    assert secure.test_client().get("/").headers["Strict-Transport-Security"].startswith("max-age=")


# --- sessions -----------------------------------------------------------------------------------

def _login(client, username="dispatcher", password=PASSWORD):
    g.pop("_login_user", None)
    return client.post("/admin/login", data={"username": username, "password": password})


def _stolen_cookie(client):
    return client.get_cookie("session").value


def _replay(app, cookie):
    g.pop("_login_user", None)
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/admin/")


def test_a_captured_cookie_dies_with_logout_password_change_and_sign_out_everywhere(app, client, city):
    assert _login(client).status_code == 302
    cookie = _stolen_cookie(client)
    assert _replay(app, cookie).status_code == 200
    client.post("/admin/logout")
    assert _replay(app, cookie).status_code == 302, "logout ends every copy of the session"

    _login(client)
    cookie = _stolen_cookie(client)
    g.pop("_login_user", None)
    new = {"current": PASSWORD, "new": "another-password", "repeat": "another-password"}
    assert client.post("/admin/password", data=new).status_code == 302
    assert _replay(app, cookie).status_code == 302, "a new password ends the other sessions"
    g.pop("_login_user", None)
    assert client.get("/admin/").status_code == 200, "but not the one that changed it"

    _login(client, password="another-password")
    cookie = _stolen_cookie(client)
    admin = sign_in(app.test_client(), city.user(Role.ADMIN))
    dispatcher = city.user(Role.DISPATCHER)
    assert admin.post(f"/admin/users/{dispatcher.id}/sign_out").status_code == 302
    assert _replay(app, cookie).status_code == 302, "an admin signs the account out everywhere"


def test_an_idle_staff_session_expires(app, client, city):
    with on("2026-12-02", 10):
        _login(client)
        assert client.get("/admin/").status_code == 200
    for minute in (20, 40):  # the counts an open tab polls do not keep the session alive
        with clock.frozen(clock.china_to_utc(datetime(2026, 12, 2, 10, minute))):
            g.pop("_login_user", None)
            client.get("/admin/counts", headers={"HX-Request": "true"})
    with on("2026-12-02", 11):
        g.pop("_login_user", None)
        polled = client.get("/admin/counts", headers={"HX-Request": "true"})
        g.pop("_login_user", None)
        idle = client.get("/admin/")
    assert polled.status_code == 204 and polled.headers["HX-Redirect"].startswith("/admin/login")
    assert idle.status_code == 302 and "/admin/login" in idle.headers["Location"]


def test_activity_keeps_the_session_alive_and_is_written_at_most_once_a_minute(app, client, city):
    """The session is a cookie: a request that rewrote it for nothing could carry back what another
    request had already taken out. Seen in the browser: the hint fetched as the operator sent the call
    started with the cookie holding "已登记…", ended after the message page had shown it, and the
    notice came back with the next one. Activity is written once a minute, and with every response
    that writes the cookie anyway: the cookie holding the notice is never a minute old."""
    def at(minute, second=0):
        return clock.frozen(clock.china_to_utc(datetime(2026, 12, 2, 10, minute, second)))

    with at(0):
        _login(client, "operator")
    with at(0, 59):  # 59 s after the sign-in: activity alone would not be written now
        g.pop("_login_user", None)
        sent = client.post("/admin/calls/new", data={
            "channel": "hotline", "call_time": "2026-12-02T09:50", "category": "complaint", "topic": "环境保护",
            "region": "A3区", "subject": "餐馆油烟扰民", "body": "楼下餐馆油烟直排，影响居民生活。", "name": "赵敏",
            "phone": "13811112222", "publish": "yes"})
        assert sent.status_code == 302, sent.get_data(as_text=True)
        holding_the_notice = _stolen_cookie(client)
        g.pop("_login_user", None)
        assert "已登记" in client.get(sent.headers["Location"]).get_data(as_text=True)
        shown = _stolen_cookie(client)
    with at(1, 30):  # the hint's request, sent with the cookie of before the page came
        client.set_cookie("session", holding_the_notice)
        g.pop("_login_user", None)
        hint = client.post("/admin/calls/hints", data={"subject": "油烟", "body": "餐馆油烟"})
        assert hint.status_code == 200 and "Set-Cookie" not in hint.headers
        client.set_cookie("session", shown)
        g.pop("_login_user", None)
        assert "已登记" not in client.get(sent.headers["Location"]).get_data(as_text=True)
    for minute in (25, 50):  # each visit counts, a minute apart or more
        with at(minute):
            g.pop("_login_user", None)
            assert client.get("/admin/").status_code == 200
    with clock.frozen(clock.china_to_utc(datetime(2026, 12, 2, 11, 20))):
        g.pop("_login_user", None)
        assert client.get("/admin/").status_code == 200, "30 minutes after the last visit"
    with clock.frozen(clock.china_to_utc(datetime(2026, 12, 2, 11, 50, 30))):
        g.pop("_login_user", None)
        assert client.get("/admin/").status_code == 302, "30½ minutes after the last visit"


def test_a_short_idle_limit_is_kept_by_visits_within_it(other_app, city):
    """Activity is written at least every tenth of the idle limit: with one minute, a visit every 50 s
    keeps the session, and 61 s without one ends it."""
    client = other_app(STAFF_IDLE_MINUTES=1).test_client()
    with clock.frozen(clock.china_to_utc(datetime(2026, 12, 2, 10, 0))):
        _login(client)
    for second in (50, 100, 150):
        with clock.frozen(clock.china_to_utc(datetime(2026, 12, 2, 10, second // 60, second % 60))):
            assert client.get("/admin/").status_code == 200, second
    with clock.frozen(clock.china_to_utc(datetime(2026, 12, 2, 10, 3, 31))):
        assert client.get("/admin/").status_code == 302


# --- the proxy ----------------------------------------------------------------------------------

def _track(client, address, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/track", data={"tracking_no": "LN20990101123456", "query_code": "X"}, headers=headers,
                       environ_base={"REMOTE_ADDR": address}).status_code


def test_behind_the_trusted_proxy_each_citizen_has_his_own_bucket(other_app, city):
    proxied = other_app(TRUSTED_PROXIES="10.0.0.0/8", TRACK_LIMIT_PER_CLIENT=3)
    client = proxied.test_client()
    assert [_track(client, "10.0.0.2", "198.51.100.7") for _ in range(4)] == [404, 404, 404, 429]
    assert _track(client, "10.0.0.2", "198.51.100.8") == 404, "another citizen is not blocked"


def test_a_forged_forwarded_for_from_a_direct_client_is_ignored(other_app, city):
    for settings in ({"TRUSTED_PROXIES": "10.0.0.0/8"}, {"TRUSTED_PROXIES": ""}):
        client = other_app(TRACK_LIMIT_PER_CLIENT=3, **settings).test_client()
        codes = [_track(client, "203.0.113.9", f"198.51.100.{i}") for i in range(4)]
        assert codes == [404, 404, 404, 429], settings
        db.session.execute(RateLimitCounter.__table__.delete())
        db.session.commit()


# --- feeds and exports --------------------------------------------------------------------------

def test_a_feed_with_markup_is_valid_xml_and_names_the_configured_site(other_app, city):
    site = other_app(PUBLIC_URL="https://wenzheng.example.gov.cn")
    _publish(city, subject="<b>噪音</b> & 扰民 ]]> \x01")
    body = site.test_client().get("/feed.atom", headers={"Host": "evil.example"}).data
    feed = ET.fromstring(body)
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")]
    assert titles == ["<b>噪音</b> & 扰民 ]]> "], "escaped, and the character XML cannot carry dropped"
    assert b"evil.example" not in body
    assert feed.findtext(f"{atom}id") == "https://wenzheng.example.gov.cn/feed.atom"


def test_spreadsheet_cells_that_look_like_formulas_stay_text():
    book = Workbook()
    rows = [("标题", '=HYPERLINK("http://evil.example","点我")'), ("关键词", "@SUM(A1)"), ("环比", "+5%")]
    exports._sheet(book.active, "标题", ("字段", "值"), rows, formats=lambda r, c: None)
    out = BytesIO()
    book.save(out)
    sheet = load_workbook(BytesIO(out.getvalue())).active
    cells = [sheet.cell(row, 2) for row in (3, 4, 5)]
    assert [c.data_type for c in cells] == ["s", "s", "s"], "never a formula"
    assert cells[0].value.startswith("=HYPERLINK") and cells[2].value == "+5%", "the text itself is kept"


# --- rate limits --------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["139 1111 2222", "139-1111-2222", "+86 139 1111 2222", "１３９１１１１２２２２"])
def test_one_phone_is_one_key_however_it_is_typed(typed):
    assert limits.canonical_phone(typed) == "13911112222"


def test_the_phone_limit_holds_whatever_the_spacing_and_stores_no_number(client, app):
    from tests.test_public import FORM

    app.config.update(WRITE_LIMIT_PER_PHONE=1)
    try:
        first = client.post("/write", data={**FORM, "phone": "13911112222"}, environ_base={"REMOTE_ADDR": "1.1.1.1"})
        again = client.post("/write", data={**FORM, "phone": "139 1111 2222"}, environ_base={"REMOTE_ADDR": "2.2.2.2"})
    finally:
        app.config.update(WRITE_LIMIT_PER_PHONE=3)
    assert (first.status_code, again.status_code) == (200, 429)
    keys = db.session.scalars(select(RateLimitCounter.key)).all()
    assert keys and not any("1391111" in k or "1.1.1.1" in k for k in keys), "keys are hashes"


def test_concurrent_attempts_never_pass_the_limit(app):
    """Twenty requests at once against a limit of five: exactly five pass (a check-then-insert let seven)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; PostgreSQL is where requests truly race")
    passed, barrier = [], threading.Barrier(20)

    def attempt():
        with app.app_context():
            barrier.wait()
            passed.append(limits.allow("write:phone", "13911112222", limit=5, per_seconds=3600))
            db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert passed.count(True) == 5
    assert db.session.scalar(select(func.sum(RateLimitCounter.count))) == 20


def test_the_redis_store_counts_as_the_database_does(app):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app.config["REDIS_URL"] = url
    try:
        results = [limits.allow("track:ip", "198.51.100.7", limit=2, per_seconds=900) for _ in range(3)]
        stored = [k.decode() for k in redis.Redis.from_url(url).keys("wenzheng:limit:*")]
    finally:
        app.config["REDIS_URL"] = ""
        redis.Redis.from_url(url).flushdb()
    assert results == [True, True, False]
    assert stored and not any("198.51" in k for k in stored)
    assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0


# --- sign-in ------------------------------------------------------------------------------------

def test_an_unknown_name_answers_as_a_known_one_and_one_client_cannot_lock_out_everyone(client, app, city, monkeypatch):
    import portal.services.accounts as accounts

    hashed = []
    real_check = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda *a: hashed.append(1) or real_check(*a))
    answers = {}
    for name in ("reviewer", "nobody-here"):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            _login(client, name, "wrong")
        answers[name] = _login(client, name, "wrong")
    assert len(hashed) == 2 * (app.config["LOGIN_MAX_FAILURES"] + 1), "a hash is checked for unknown names too"
    known, unknown = (answers[n].get_data(as_text=True) for n in ("reviewer", "nobody-here"))
    assert answers["reviewer"].status_code == answers["nobody-here"].status_code == 401
    assert "已被锁定" in known and "已被锁定" in unknown

    db.session.execute(RateLimitCounter.__table__.delete())
    db.session.commit()
    app.config["LOGIN_LIMIT_PER_CLIENT"] = 3
    try:
        good = [_login(client, "dispatcher", PASSWORD).status_code for _ in range(4)]
        tries = [_login(client, f"user{i}", "wrong").status_code for i in range(4)]
        g.pop("_login_user", None)
        elsewhere = client.post("/admin/login", data={"username": "supervisor", "password": PASSWORD},
                                environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code
    finally:
        app.config["LOGIN_LIMIT_PER_CLIENT"] = 30
    assert good == [302] * 4, "successful sign-ins do not count"
    assert tries == [401, 401, 401, 429]
    assert elsewhere == 302, "another client is not throttled"


def test_a_next_with_a_line_break_or_a_backslash_is_not_followed(client, city):
    for target in ("/admin/%0d%0aSet-Cookie:%20x=y", "/admin/\\evil.example"):
        response = client.post(f"/admin/login?next={target}", data={"username": "dispatcher", "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == "/admin/"


# --- uploads, tracking, conflicts ---------------------------------------------------------------

def test_an_upload_is_typed_by_its_bytes(app):
    with pytest.raises(DomainError, match="附件类型不支持"):
        save_upload(filename="a.png", content_type="image/png", data=b"<html><script>alert(1)</script></html>")
    assert save_upload(filename="scan", content_type="application/pdf", data=PNG).content_type == "image/png"
    too_large = app.test_client().post("/write", data={"body": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert too_large.status_code == 413 and "超过大小限制" in too_large.get_data(as_text=True)


def test_an_unknown_tracking_number_costs_the_same_hash(app, monkeypatch):
    import portal.services.intake as intake

    hashed = []
    monkeypatch.setattr(intake, "check_password_hash", lambda *a: hashed.append(a) or False)
    assert intake.find_by_tracking("LN20990101123456", "ABCD2345") is None
    assert len(hashed) == 1 and hashed[0][0].startswith("pbkdf2:")


def test_a_rating_sent_twice_at_once_answers_409_and_the_first_stands(client, city):
    message = answered(city, "2026-11-20", category="consult")

    def the_other_click(session, *_):
        with db.engine.begin() as other:
            other.execute(text("INSERT INTO rating (message_id, round, level, comment, rated_at) "
                               "VALUES (:m, 0, 'satisfied', '', CURRENT_TIMESTAMP)"), {"m": message.id})

    event.listen(db.session, "before_flush", the_other_click, once=True)
    try:
        with pytest.raises(DomainError) as refused:
            rating.rate(message, level="basically_satisfied")
    finally:
        event.remove(db.session, "before_flush", the_other_click)
    assert refused.value.status_code == 409
    assert db.session.scalars(select(Rating.level).where(Rating.message_id == message.id)).all() == ["satisfied"]


# --- censor rules -------------------------------------------------------------------------------

def test_a_lookbehind_rule_masks_and_the_review_page_holds(client, city):
    admin = city.user(Role.ADMIN)
    review.add_rule(pattern="(?<=[市区县])[\u4e00-\u9fff]{2}", is_regex=True, replacement="[地名]", scope="all",
                    reason="地名", actor=admin)
    message = answered(city, "2026-11-20", category="consult", body="我住在A3区洋湖街道，夜间施工噪音扰民。")
    assert "[地名]" in review.propose(message).public["body"]
    sign_in(client, city.user(Role.REVIEWER))
    assert client.get(f"/admin/messages/{message.id}/review").status_code == 200


@pytest.mark.parametrize("pattern, refusal", [("(", "正则表达式有误"), ("a*", "空文字"), ("x" * 501, "过长")])
def test_a_bad_rule_is_refused_on_save(city, pattern, refusal):
    with pytest.raises(DomainError, match=refusal):
        review.add_rule(pattern=pattern, is_regex=True, replacement="", scope="all", reason="r",
                        actor=city.user(Role.ADMIN))


def test_a_broken_rule_already_saved_never_breaks_a_page(client, city):
    db.session.add(CensorRule(pattern="([", is_regex=True, replacement="x", scope="all", reason="旧规则",
                              created_by_id=city.user(Role.ADMIN).id))
    db.session.commit()
    message = answered(city, "2026-11-20", category="consult")
    sign_in(client, city.user(Role.REVIEWER))
    assert client.get(f"/admin/messages/{message.id}/review").status_code == 200

"""The public portal through HTTP: read, search, write, track, rate (R1.2, R7, R11)."""
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Message, RateLimitCounter
from portal.rules.workflow import Role, Status
from portal.services import publication
from tests.conftest import on
from tests.factories import answered, assigned

FORM = {"category": "complaint", "topic": "环境保护", "region": "A3区洋湖街道", "subject": "工地夜间施工噪音扰民",
        "body": "A3区某工地每天夜里十二点以后还在施工，噪音很大，影响休息。", "name": "王小明",
        "phone": "13912345678", "email": "", "publish": "yes", "consent": "y"}


def publish(city, message, **texts):
    fields = {"subject": message.subject, "body": message.body, "reply_text": "已责令施工单位停止夜间施工。", **texts}
    return publication.publish(message, actor=city.user(Role.REVIEWER), **fields)


def test_home_list_and_message_page_show_published_replies_only(client, city):
    shown = answered(city, "2026-11-02", category="consult", subject="公积金提取咨询")
    publish(city, shown, body="请问公积金提取需要哪些材料？")
    answered(city, "2026-11-02", category="consult", subject="未公开的答复")
    assigned(city, "2026-11-02", subject="尚在办理的留言")
    home = client.get("/").get_data(as_text=True)
    assert "公积金提取咨询" in home and "未公开的答复" not in home and "尚在办理的留言" not in home
    listing = client.get("/messages").get_data(as_text=True)
    assert "共 1 条" in listing
    page = client.get(f"/messages/{shown.id}").get_data(as_text=True)
    assert "请问公积金提取需要哪些材料？" in page and "已责令施工单位停止夜间施工。" in page
    assert "当日办结" in page and "用时 0 个工作日" not in page  # answered the day it was assigned
    for message in db.session.scalars(select(Message).where(Message.publication != "published")):
        assert client.get(f"/messages/{message.id}").status_code == 404


def test_the_list_filters_sorts_and_pages_with_stable_urls(client, city):
    for day, category in (("2026-11-02", "consult"), ("2026-11-03", "complaint"), ("2026-11-04", "consult")):
        message = answered(city, day, category=category, subject=f"{category}-{day}")
        with on(day, 17):
            publish(city, message)
    consult = client.get("/messages?category=consult&sort=old").get_data(as_text=True)
    assert "共 2 条" in consult and consult.index("consult-2026-11-02") < consult.index("consult-2026-11-04")
    assert "complaint-" not in consult
    bad = client.get("/messages?start=2026-13-01")
    assert bad.status_code == 400 and "起始日期“2026-13-01”格式不正确" in bad.get_data(as_text=True)


def test_htmx_gets_only_the_results_block_and_every_answer_varies_on_it(client, city):
    publish(city, answered(city, "2026-11-02", category="consult"))
    whole = client.get("/messages")
    part = client.get("/messages", headers={"HX-Request": "true"})
    assert "HX-Request" in whole.headers["Vary"] and "HX-Request" in part.headers["Vary"]
    assert "<html" in whole.get_data(as_text=True)
    body = part.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="results"') and "<html" not in body


def test_search_finds_a_published_phrase_and_never_an_unpublished_one(client, city):
    publish(city, answered(city, "2026-11-02", category="consult"), body="夜间施工噪音扰民，请求处理。")
    hidden = answered(city, "2026-11-02", category="consult")
    publish(city, hidden, body="另一处噪音扰民的留言。")
    publication.hide(hidden, actor=city.user(Role.REVIEWER), reason="涉及隐私")
    assigned(city, "2026-11-02", body="还在办理中的噪音扰民留言。")
    page = client.get("/search?q=%22噪音扰民%22").get_data(as_text=True)
    assert "找到 1 条结果" in page and "<mark>噪音扰民</mark>" in page
    assert "另一处" not in page and "还在办理中" not in page
    empty = client.get("/search?q=火星基地").get_data(as_text=True)
    assert "没有找到与“火星基地”相符的结果" in empty


def test_writing_a_message_gives_the_codes_once(client, app):
    response = client.post("/write", data=FORM)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    tracking_no = re.search(r'id="tracking-no">([A-Z0-9]+)<', html).group(1)
    code = re.search(r'id="query-code">([A-Z0-9]+)<', html).group(1)
    message = db.session.scalar(select(Message).where(Message.tracking_no == tracking_no))
    assert message.status == Status.RECEIVED and message.petitioner.phone == "13912345678"
    assert message.publish_consent and code not in message.query_code_hash


@pytest.mark.parametrize(("change", "error"), [
    ({"subject": ""}, "请填写标题"), ({"phone": "12ab"}, "联系电话格式不正确"), ({"consent": ""}, "请阅读并同意"),
    ({"body": "太短"}, "留言内容须为10至5000个字"), ({"email": "x@"}, "电子邮箱格式不正确"),
])
def test_bad_input_is_named_in_chinese_and_everything_typed_is_kept(client, app, change, error):
    response = client.post("/write", data={**FORM, **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and error in html
    for name, value in {**FORM, **change}.items():
        if name not in ("consent", "publish") and value:
            assert value in html, f"{name} was not kept"
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_a_bot_filling_the_honeypot_stores_nothing(client, app):
    response = client.post("/write", data={**FORM, "homepage": "http://spam.example"})
    assert response.status_code == 400 and db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_submissions_are_limited_per_client_and_per_phone(client, app):
    app.config.update(WRITE_LIMIT_PER_CLIENT=3, WRITE_LIMIT_PER_PHONE=2)
    try:
        assert [client.post("/write", data=FORM).status_code for _ in range(3)] == [200, 200, 429]
        other_phone = client.post("/write", data={**FORM, "phone": "13700000000"})
        assert other_phone.status_code == 429, "the client limit holds whatever the phone"
        assert "提交过于频繁" in other_phone.get_data(as_text=True)
    finally:
        app.config.update(WRITE_LIMIT_PER_CLIENT=5, WRITE_LIMIT_PER_PHONE=3)
    assert db.session.scalar(select(func.count()).select_from(Message)) == 2


def test_an_expired_form_is_shown_again_with_the_input(apps, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post("/write", data={**FORM, "csrf_token": "stale"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "安全校验已过期" in html and "工地夜间施工噪音扰民" in html


def _track(client, tracking_no, code):
    return client.post("/track", data={"tracking_no": tracking_no, "query_code": code})


def test_a_wrong_code_answers_exactly_as_an_unknown_number(client, city):
    from tests.factories import submit

    message, code = submit()
    wrong_code = _track(client, message.tracking_no, "WRONGCODE")
    unknown = _track(client, "LN20990101123456", code)
    assert wrong_code.status_code == unknown.status_code == 404
    answer = "留言编号或查询码不正确，请核对后重试。"
    assert answer in wrong_code.get_data(as_text=True) and answer in unknown.get_data(as_text=True)
    typed = (message.tracking_no, "LN20990101123456")  # each page keeps what was typed, nothing else differs
    assert wrong_code.get_data(as_text=True).replace(typed[0], "").replace("WRONGCODE", "") == \
        unknown.get_data(as_text=True).replace(typed[1], "").replace(code, "")
    assert client.get(f"/track/{message.tracking_no}").status_code == 302, "no page without the code"


def test_tracking_attempts_are_limited(client, app):
    app.config["TRACK_LIMIT_PER_CLIENT"] = 3
    try:
        codes = [_track(client, "LN20990101123456", "X").status_code for _ in range(4)]
    finally:
        app.config["TRACK_LIMIT_PER_CLIENT"] = 10
    assert codes == [404, 404, 404, 429]
    assert db.session.scalar(select(RateLimitCounter.count)) == 4, "one hashed counter, no address stored"


def test_track_then_rate_unsatisfied_reopens_and_the_second_rating_is_final(client, city):
    from tests.conftest import on
    from tests.factories import rated, reply

    message = answered(city, "2026-11-02", category="consult")
    code = "CODE2345"
    from werkzeug.security import generate_password_hash

    message.query_code_hash = generate_password_hash(code)
    db.session.commit()
    followed = client.get(_track(client, message.tracking_no, code).headers["Location"])
    page = followed.get_data(as_text=True)
    assert "已交办住建局办理" in page and "已答复" in page and "经核实，施工单位已停止夜间施工。" in page
    with on("2026-11-04"):
        response = client.post(f"/track/{message.tracking_no}/rate", data={"level": "unsatisfied", "comment": "没解决"})
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.status == Status.ASSIGNED and message.redo_round == 1
    page = client.get(f"/track/{message.tracking_no}").get_data(as_text=True)
    assert "已发回重办" in page and "提交评价" not in page
    with on("2026-11-05", 14):
        from portal.services import handling, review

        reply(city, message, body="重新办理后答复。")
        handling.sign_off(message, actor=city.user(Role.DEPUTY_HEAD, "住建局"), approve=True)
        review.approve_reply(message, actor=city.user(Role.REVIEWER))
        assert "这是重办后的评价" in client.get(f"/track/{message.tracking_no}").get_data(as_text=True)
    rated(city, message, "2026-11-06", "very_unsatisfied")
    page = client.get(f"/track/{message.tracking_no}").get_data(as_text=True)
    assert "提交评价" not in page and message.status == Status.ANSWERED


def test_unit_figures_and_feeds(client, city):
    publish(city, answered(city, "2026-11-02", category="consult"))
    units = client.get("/units").get_data(as_text=True)
    assert "住建局" in units and "统计方法" in units
    feed = client.get("/feed.atom")
    assert feed.headers["Content-Type"].startswith("application/atom+xml")
    assert "已责令施工单位停止夜间施工。" in feed.get_data(as_text=True)
    unit_feed = client.get(f"/units/{city.units['住建局'].id}/feed.atom").get_data(as_text=True)
    assert "<entry>" in unit_feed
    assert "<entry>" not in client.get(f"/units/{city.units['A3区'].id}/feed.atom").get_data(as_text=True)
    assert client.get("/units/99999/feed.atom").status_code == 404


def test_no_public_page_feed_or_search_carries_the_petitioners_details(client, city):
    message = answered(city, "2026-11-02", category="consult", phone="13566667777")
    message.petitioner.name, message.petitioner.email = "欧阳娜娜", "nana@example.com"
    db.session.commit()
    publish(city, message)
    pages = [client.get(url).get_data(as_text=True) for url in (
        "/", "/messages", f"/messages/{message.id}", "/search?q=施工", "/units", "/feed.atom",
        f"/units/{city.units['住建局'].id}/feed.atom")]
    for html in pages:
        for private in ("13566667777", "欧阳娜娜", "nana@example.com", message.tracking_no):
            assert private not in html


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


def queries_for(client, url) -> int:
    from sqlalchemy import event

    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return counter.count


@pytest.mark.parametrize("url", ["/", "/messages", "/messages?category=consult", "/units", "/feed.atom",
                                 "/search?q=施工"])
def test_a_page_makes_the_same_number_of_queries_for_3_or_25_messages(client, city, url):
    def publish_many(n):
        for _ in range(n):
            publish(city, answered(city, "2026-11-02", category="consult"))

    publish_many(3)
    few = queries_for(client, url)
    publish_many(22)
    assert queries_for(client, url) == few <= 12


def test_reindex_rebuilds_the_index_from_the_database(client, city, app):
    from portal import search

    for _ in range(2):
        publish(city, answered(city, "2026-11-02", category="consult"), body="夜间施工噪音扰民。")
    search.rebuild([])
    assert search.search('"噪音扰民"').total == 0
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0 and "已索引 2 件公开留言" in result.output
    assert search.search('"噪音扰民"').total == 2


def test_the_home_satisfaction_is_the_units_satisfaction_weighted(client, city):
    """One definition: a matter sent back for redo keeps its 不满意 in its unit's figure and the home one."""
    from portal.queries import projection
    from tests.factories import rated

    bad, good = answered(city, "2026-11-23"), answered(city, "2026-11-23")
    other = answered(city, "2026-11-23", unit="A3区")
    rated(city, bad, "2026-11-24", "unsatisfied")  # LN: sent back for redo, its lead working again
    rated(city, good, "2026-11-24", "satisfied")
    rated(city, other, "2026-11-24", "very_satisfied")
    units = {f["unit"]: f for f in projection.unit_figures()}
    assert units["住建局"]["satisfaction"] == 50.0 and units["住建局"]["ratings"] == 2
    weighted = 100 * sum(f["ratings"] * f["satisfaction"] / 100 for f in units.values()) / sum(
        f["ratings"] for f in units.values())
    assert projection.recent_figures(30)["satisfaction"] == round(weighted, 1) == 66.7


# --- the write form as citizens use it (issue 17 §12–13) ------------------------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_the_write_form_takes_photos_and_the_unit_written_to_and_says_when_to_expect_a_reply(client, city):
    from io import BytesIO

    from portal.models import Attachment

    page = client.get("/write").get_data(as_text=True)
    assert 'type="tel"' in page and 'inputmode="tel"' in page and 'enctype="multipart/form-data"' in page
    topic = page.split('name="topic"')[1].split("</select>")[0]
    assert topic.count("<option") == 9 and "selected" not in topic, "no topic is chosen for the citizen"
    unit = city.units["住建局"]
    response = client.post("/write", content_type="multipart/form-data", data={
        **FORM, "topic": "", "addressed_unit": str(unit.id),
        "files": [(BytesIO(PNG), "现场.png"), (BytesIO(b"%PDF-1.4\n%%EOF"), "说明.pdf")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "预计在 <strong>2026年12月9日</strong> 前答复（5个工作日" in html  # LN complaint: 5 working days
    message = db.session.scalar(select(Message))
    assert message.addressed_unit_id == unit.id and message.topic == ""
    files = db.session.scalars(select(Attachment).where(Attachment.message_id == message.id)).all()
    assert sorted(f.filename for f in files) == ["现场.png", "说明.pdf"] and all(f.unit_id is None for f in files)


@pytest.mark.parametrize(("files", "error"), [
    ([(b"<html><script>x</script>", "照片.png")], "附件类型不支持（“照片.png”），请上传图片或 PDF 文件"),
    ([(b"PK\x03\x04" + b"\x00" * 40, "表格.xlsx")], "请上传图片或 PDF 文件"),
    ([(PNG, f"{n}.png") for n in range(4)], "附件最多3个"),
])
def test_a_refused_attachment_is_named_and_the_text_is_kept(client, city, files, error):
    from io import BytesIO

    response = client.post("/write", content_type="multipart/form-data", data={
        **FORM, "files": [(BytesIO(data), name) for data, name in files]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and error in html and FORM["body"] in html
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_a_lost_query_code_is_renewed_by_sms_to_the_phone_given(client, city):
    from portal.models import Notification
    from portal.services import intake, outbox

    html = client.post("/write", data=FORM).get_data(as_text=True)
    tracking_no = re.search(r'id="tracking-no">([A-Z0-9]+)<', html).group(1)
    old = re.search(r'id="query-code">([A-Z0-9]+)<', html).group(1)
    wrong = client.post("/track/recover", data={"tracking_no": tracking_no, "phone": "13700000000"})
    right = client.post("/track/recover", data={"tracking_no": tracking_no, "phone": "139 1234 5678"})
    assert wrong.get_data(as_text=True) == right.get_data(as_text=True), "the page tells no one who wrote"
    sms = db.session.scalars(select(Notification).where(Notification.dedupe_key.startswith("query-code:"))).all()
    assert len(sms) == 1 and sms[0].recipient == "13912345678"
    new = re.search(r"新的查询码：([A-Z0-9]{8})", sms[0].body).group(1)
    assert intake.find_by_tracking(tracking_no, new) is not None and intake.find_by_tracking(tracking_no, old) is None
    with on("2026-12-02", 23):  # asked for at night: sent at once, not held until the morning
        outbox.deliver()
    db.session.refresh(sms[0])
    assert sms[0].status == "sent" and new not in sms[0].body, "the code is not kept in the outbox once sent"


def test_the_footer_shows_the_sites_records_from_configuration(client, app):
    app.config.update(SITE_CODE="3607000001", SITE_ICP="赣ICP备12345678号", SITE_CONTACT="0797-12345")
    try:
        page = client.get("/").get_data(as_text=True)
    finally:
        app.config.update(SITE_CODE="", SITE_ICP="", SITE_CONTACT="")
    assert "网站标识码：3607000001" in page and "赣ICP备12345678号" in page and "联系我们：0797-12345" in page
    assert "网站标识码" not in client.get("/").get_data(as_text=True)


def test_an_anonymous_message_without_a_phone_has_no_code_to_renew(client, city):
    """R12.1: anonymous and no phone, the query code is the only key: nothing can be sent anywhere."""
    from portal.models import Notification
    from portal.services import intake

    message, _ = intake.submit_message(category="complaint", subject="路灯不亮",
                                       body="A3区某路段路灯坏了一个多月没人修。", name="", phone="",
                                       publish_consent=True, consent=True, anonymous=True)
    assert intake.renew_query_code(message.tracking_no, "") is False
    page = client.post("/track/recover", data={"tracking_no": message.tracking_no, "phone": "13912345678"})
    assert page.status_code == 200 and "如留言编号和联系电话相符" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0

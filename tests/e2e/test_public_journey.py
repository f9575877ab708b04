"""A citizen's journey in a real browser: write, get the codes, track; the office answers and
publishes; find it by phrase and by filter, open it, rate 不满意, see it reopened, rate again."""
import re

import pytest

from portal.extensions import db
from portal.models import Message
from portal.rules.workflow import Role
from portal.services import dispatch, handling, intake, publication, review
from tests.e2e.conftest import accessibility_problems, screenshot
from tests.factories import make_city, reply

pytestmark = pytest.mark.e2e


def office_answers(city, message, text):
    handler = city.user(Role.HANDLER, "住建局")
    if message.status == "received":
        intake.accept(message, actor=city.user(Role.OPERATOR))
        dispatch.assign(message, city.units["住建局"], actor=city.user(Role.DISPATCHER))
    reply(city, message, body=text)
    handling.sign_off(message, actor=city.user(Role.DEPUTY_HEAD, "住建局"), approve=True)
    review.approve_reply(message, actor=city.user(Role.REVIEWER))
    assert handler


def test_write_track_find_and_rate(live, page):
    app, base = live
    city = make_city()

    page.goto(f"{base}/write")
    assert accessibility_problems(page) == []
    page.get_by_label("诉求类别").select_option(label="投诉")
    page.get_by_label("所属领域").select_option("环境保护")
    page.get_by_label("事项发生地").fill("A3区洋湖街道")
    page.get_by_label("标题").fill("工地夜间施工噪音扰民")
    page.get_by_label("留言内容").fill("洋湖街道某工地每晚十二点后仍在施工，噪音扰民严重，请尽快处理。")
    page.get_by_label("姓名").fill("王小明")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("我已阅读并同意《留言须知》").check()
    page.get_by_role("button", name="提交留言").click()
    tracking_no = page.locator("#tracking-no").inner_text()
    code = page.locator("#query-code").inner_text()
    assert re.fullmatch(r"LN\d{14}", tracking_no) and len(code) == 8
    screenshot(page, "written")

    page.goto(f"{base}/track")
    page.get_by_label("留言编号").fill(tracking_no)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    assert page.locator("#status").inner_text() == "已收到"
    assert accessibility_problems(page) == []

    message = db.session.query(Message).filter_by(tracking_no=tracking_no).one()
    office_answers(city, message, "经现场核查，已责令施工单位停止夜间施工。")
    publication.publish(message, actor=city.user(Role.REVIEWER), subject=message.subject, body=message.body,
                        reply_text="经现场核查，已责令施工单位停止夜间施工。")

    page.goto(f"{base}/search")
    page.get_by_label("关键词").fill("“噪音扰民”")  # live results through htmx, no submit
    page.locator("#results .count").filter(has_text="找到 1 条结果").wait_for()
    assert page.locator("#results mark").first.inner_text() == "噪音扰民"
    assert "q=" in page.url, "the URL reproduces the search"
    assert accessibility_problems(page) == []

    page.goto(f"{base}/messages")
    page.get_by_label("类别").select_option(label="投诉")
    page.wait_for_url(re.compile(r"category=complaint"))
    page.get_by_role("link", name="工地夜间施工噪音扰民").click()
    assert page.get_by_role("heading", name="住建局的答复").is_visible()
    assert "13912345678" not in page.content() and "王小明" not in page.content()
    assert accessibility_problems(page) == []

    page.goto(f"{base}/track/{tracking_no}")
    page.get_by_label("不满意", exact=True).check()
    page.get_by_label("意见（选填）").fill("晚上还在施工。")
    page.get_by_role("button", name="提交评价").click()
    assert "已发回承办单位重新办理" in page.locator(".notice").inner_text()
    assert page.locator("#status").inner_text() == "办理中"

    db.session.refresh(message)
    office_answers(city, message, "重新核查：施工单位已调整工期，夜间不再施工。")
    page.reload()
    assert "这是重办后的评价" in page.content()
    page.get_by_label("基本满意").check()
    page.get_by_role("button", name="提交评价").click()
    assert page.get_by_role("button", name="提交评价").count() == 0, "the second rating is final"
    page.goto(f"{base}/messages/{message.id}")
    assert "不满意；重办后：基本满意" in page.locator(".rating").inner_text()


@pytest.mark.parametrize("page", [390, 1280], indirect=True)
def test_pages_read_well_at_phone_and_desktop_width(live, page):
    app, base = live
    city = make_city()
    for i in range(3):
        message, _ = intake.submit_message(category="consult", subject=f"公积金提取需要哪些材料？（{i}）",
                                           body="请问在职职工提取住房公积金需要准备哪些材料，在哪里办理？",
                                           name="李四", phone="13800000000", publish_consent=True, consent=True)
        office_answers(city, message, "您好！提取住房公积金需携带身份证和相关证明材料到公积金中心办理。")
        publication.publish(message, actor=city.user(Role.REVIEWER), subject=message.subject, body=message.body,
                            reply_text="您好！提取住房公积金需携带身份证和相关证明材料到公积金中心办理。")
    width = page.viewport_size["width"]
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path, name in (("/", "home"), ("/search?q=公积金", "search"), ("/messages", "messages"), ("/units", "units"),
                       (f"/messages/{message.id}", "message")):
        page.goto(base + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {width}px"
        assert accessibility_problems(page) == [], path
        screenshot(page, f"{name}-{width}")
    outside = [url for url in requested if not url.startswith(base)]
    assert requested and outside == [], "every asset comes from the app itself"


def test_the_accessibility_check_does_catch_violations(page):
    page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
    problems = accessibility_problems(page)
    assert any(p.startswith("image-alt") for p in problems) and any(p.startswith("label") for p in problems)

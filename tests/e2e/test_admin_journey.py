"""The back office in a real browser: each role signs in and carries one hotline call from the
phone to the follow-up visit, checking its queue on the way."""
import re

import pytest

from portal.extensions import db
from portal.models import Message
from tests.e2e.conftest import accessibility_problems, action_form, screenshot, submit_action
from tests.factories import PASSWORD, make_city

pytestmark = pytest.mark.e2e


class Desk:
    """One member of staff at their browser."""

    def __init__(self, browser, base, username, width=1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.confirmations = []  # irreversible moves ask first: say yes, keep the question
        self.page.on("dialog", lambda dialog: (self.page.confirmations.append(dialog.message), dialog.accept()))
        self.base = base
        self.page.goto(f"{base}/admin/login")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_url(re.compile(r"/admin/"))

    def queue(self, key, tracking_no):
        """Open the queue, find the message in it, open the message."""
        self.page.goto(f"{self.base}/admin/?queue={key}")
        self.page.get_by_role("link", name=tracking_no).click()
        return self.page

    def act(self, form_id, fields=(), selects=(), button=None):
        form = action_form(self.page, form_id)
        for label, value in fields:
            form.get_by_label(label, exact=True).fill(value)
        for label, value in selects:
            form.get_by_label(label, exact=True).select_option(label=value)
        submit_action(form, button)
        notice = self.page.locator(".notice")
        notice.wait_for()
        return notice.inner_text()

    def close(self):
        self.context.close()


def test_a_hotline_call_from_the_phone_to_the_follow_up(live, browser):
    app, base = live
    make_city()

    operator = Desk(browser, base, "operator")
    page = operator.page
    page.get_by_role("link", name="登记来电").click()
    page.get_by_label("来源渠道").select_option(label="热线电话")
    page.get_by_label("诉求类别").select_option(label="投诉")
    page.get_by_label("标题").fill("餐馆油烟扰民")
    page.get_by_label("来电人姓名").fill("赵敏")
    page.get_by_label("联系电话").fill("13811112222")
    page.get_by_label("来电内容").fill("楼下餐馆油烟直排，晚上十点后仍在营业，影响居民生活。")
    page.get_by_role("button", name="登记").click()
    tracking_no = re.search(r"留言编号 (\w+)", page.locator(".notice").inner_text()).group(1)
    assert "13811112222" not in page.content(), "masked by default"
    assert operator.act("accept", selects=[("诉求类别", "投诉")]) == "已受理，请交办。"
    operator.close()

    dispatcher = Desk(browser, base, "dispatcher")
    assert dispatcher.page.locator('[data-queue="to_assign"]').inner_text() == "1"
    dispatcher.queue("to_assign", tracking_no)
    assert dispatcher.act("assign", selects=[("牵头单位", "住建局")]) == "已交办住建局。"

    handler = Desk(browser, base, "u00")  # 住建局's handler
    handler.queue("to_handle", tracking_no)
    said = handler.act("request_return", [("退回理由", "油烟属生态环境局职责"), ("依据", "三定方案")])
    assert "退回申请已提交" in said
    handler.close()

    dispatcher.queue("returns", tracking_no)
    dispatcher.act("decide_return", selects=[("审核意见", "同意")])
    dispatcher.act("assign", selects=[("牵头单位", "生态环境局")])

    eco = Desk(browser, base, "u10")  # 生态环境局's handler
    eco.queue("to_handle", tracking_no)
    eco.act("record_contact", [("沟通情况", "已电话联系诉求人，约定上门查看。")])
    eco.act("request_extension", [("延长工作日数（1至5）", "3"), ("延期理由", "需第三方检测油烟浓度")])

    dispatcher.queue("extensions", tracking_no)
    dispatcher.act("decide_extension", selects=[("审核意见", "同意")])
    dispatcher.close()

    eco.queue("to_handle", tracking_no)
    eco.act("submit_reply", [
        ("办理结果", "已责令餐馆安装油烟净化设施并限时整改。"), ("法律法规政策依据", "《大气污染防治法》第八十一条"),
        ("回复诉求人的情况", "已电话告知诉求人办理结果。"),
        ("答复正文（发给诉求人）", "您好！经现场核查……已责令整改。"),
        ("不予调查处理的理由和法律依据（选填）", "当场整改完毕，依法不再立案调查。")],
        selects=[("是否调查处理", "不予调查处理")])

    deputy = Desk(browser, base, "u11")  # 生态环境局's deputy head
    deputy.queue("to_sign", tracking_no)
    deputy.act("sign_off", selects=[("审核意见", "同意")])
    deputy.close()

    reviewer = Desk(browser, base, "reviewer")
    page = reviewer.queue("to_review", tracking_no)
    assert accessibility_problems(page) == []
    screenshot(page, "admin-message")
    reviewer.act("approve_reply", selects=[("审核结果", "审核通过，答复诉求人")])
    reviewer.page.goto(f"{base}/admin/?queue=to_follow_up")
    assert reviewer.page.get_by_role("link", name=tracking_no).is_visible()
    reviewer.close()

    eco.queue("to_follow_up", tracking_no)
    eco.act("record_follow_up", [("回访方式", "电话回访"), ("回访情况", "诉求人表示油烟问题已解决。")])
    assert eco.page.locator("#status").inner_text() == "已回访"
    eco.close()

    message = db.session.query(Message).filter_by(tracking_no=tracking_no).one()
    db.session.refresh(message)
    assert message.status == "visited" and message.lead_assignment() is None
    assert [a.unit.name for a in message.assignments] == ["住建局", "生态环境局"]


def back(page) -> None:
    """Back, and wait until htmx has fetched and swapped in the page it returns to (it keeps no
    snapshots): a filter changed before that would be overwritten by the late restore."""
    with page.expect_response(lambda response: response.request.headers.get("hx-history-restore-request") == "true"):
        page.go_back()
    page.wait_for_load_state("networkidle")


def test_a_queue_filters_sorts_and_pages_in_place(live, browser):
    app, base = live
    city = make_city()
    from tests.factories import assigned

    for day in ("2026-10-19", "2026-11-02", "2026-11-20"):
        assigned(city, day, category="complaint", subject=f"{day}的投诉")
    from datetime import date

    from portal.services.reminders import tick

    tick(date(2026, 11, 24))
    desk = Desk(browser, base, "dispatcher")
    page = desk.page
    page.goto(f"{base}/admin/?queue=all")
    page.get_by_label("预警").select_option(label="红色预警")
    page.wait_for_url(re.compile(r"warning=red"))
    page.locator("#table .count").filter(has_text="共 2 件").wait_for()
    page.get_by_role("link", name=re.compile("办理期限")).click()
    page.wait_for_url(re.compile(r"sort=due"))
    first = page.locator("table.queue tbody tr").first.inner_text()
    assert "2026-10-19的投诉" in first or "2026-11-02的投诉" in first
    assert accessibility_problems(page) == []
    back(page)
    page.wait_for_url(re.compile(r"warning=red(?!.*sort=due)"))
    page.get_by_label("预警").select_option(label="全部")  # and Back once more: the filter follows the URL
    page.wait_for_url(re.compile(r"warning=&|warning=$"))
    page.locator("#table .count").filter(has_text="共 3 件").wait_for()
    back(page)
    page.wait_for_url(re.compile(r"warning=red"))
    page.locator("#table .count").filter(has_text="共 2 件").wait_for()
    assert page.get_by_label("预警").input_value() == "red", "the filter shows what the list is filtered by"
    page.goto(f"{base}/admin/?queue=all")
    screenshot(page, "admin-queue")
    desk.close()

"""The back office as people use it (issue 17): every page fits 1280 px, the phone at 390 px, the reply
that keeps what was typed and the files chosen when it is refused, and a message page that offers the
main next step first, names its buttons by what they do, asks before an irreversible move and says on
top that the case is in red warning and under supervision."""

import pytest

from portal import clock
from portal.rules.workflow import Role
from portal.services import supervision
from portal.services.common import add_workdays
from portal.services.reminders import tick
from tests.e2e.conftest import action_form, screenshot, submit_action
from tests.e2e.test_admin_journey import Desk
from tests.factories import assigned, make_city, submit
from tests.oversight_fixture import make_month

pytestmark = pytest.mark.e2e

OVERFLOW = """() => {
  const wide = [...document.querySelectorAll('main, main *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > window.innerWidth + 1 && !e.closest('.table-wrap');
  }).map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
  const scrolled = [...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1)
    .map(w => 'table-wrap of ' + (w.querySelector('table')?.className || 'table'));
  return {page: document.documentElement.scrollWidth - window.innerWidth, elements: wide.slice(0, 5), tables: scrolled};
}"""


def _no_overflow(page) -> dict:
    found = page.evaluate(OVERFLOW)
    return {k: v for k, v in found.items() if v} if found["page"] > 0 or found["elements"] or found["tables"] else {}


def _pages(page, base) -> list[str]:
    links = page.locator("nav.queues a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return sorted({link for link in links if link and link.startswith("/admin")})


@pytest.mark.parametrize("who", ["dispatcher", "supervisor", "admin", "u00"])
def test_every_back_office_page_fits_1280_px(live, browser, who):
    app, base = live
    city = make_city()
    make_month(city)
    today = clock.today()
    red = assigned(city, add_workdays(today, -10), subject="小区门口道路破损严重，雨天积水无法通行，请尽快安排维修" * 2)
    tick(today)
    desk = Desk(browser, base, who)
    page = desk.page
    problems = {}
    for path in [*_pages(page, base), f"/admin/messages/{red.id}", "/admin/analysis?period=2026-11"]:
        response = page.goto(base + path)
        if response.status == 404 and path.startswith("/admin/messages/"):
            continue  # another unit's message is not found
        found = _no_overflow(page)
        if found:
            problems[path] = found
    desk.close()
    assert problems == {}, problems


def test_the_back_office_on_a_phone(live, browser):
    app, base = live
    city = make_city()
    for day in ("2026-11-20", "2026-11-23"):
        assigned(city, day, subject=f"{day}反映小区物业收费不规范问题")
    desk = Desk(browser, base, "dispatcher", width=390)
    page = desk.page
    page.goto(f"{base}/admin/?queue=all")
    assert not page.locator("nav.queues").is_visible(), "the menu is folded: the queue comes first"
    assert page.locator("table.queue tbody tr").first.is_visible()
    first_row = page.locator("table.queue tbody tr").first.bounding_box()
    assert first_row["width"] <= 390 and first_row["y"] < 900, "the first row (a card) is on the first screen"
    label = page.locator('table.queue tbody tr td[data-label="办理期限"]').first.evaluate(
        "td => getComputedStyle(td, '::before').content")
    assert "办理期限" in label, "cards label their values"
    assert _no_overflow(page) == {}
    screenshot(page, "admin-queue-390")
    page.get_by_text("菜单（工作队列与功能）").click()
    assert page.locator("nav.queues").is_visible()
    assert page.get_by_role("link", name="工作台").is_visible()
    header = page.locator(".who a", has_text="修改密码").bounding_box()
    assert header["height"] < 40, "修改密码 stays on one line"
    desk.close()


def test_a_refused_reply_keeps_the_text_and_the_file_and_the_page_stays(live, browser, tmp_path):
    app, base = live
    city = make_city()
    message = assigned(city, "2026-12-01", category="complaint", subject="餐馆油烟直排扰民")
    document = tmp_path / "调查受理文书.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    desk = Desk(browser, base, "u00")  # the 住建局 handler
    page = desk.queue("all", message.tracking_no)
    form = action_form(page, "submit_reply")
    assert page.locator("details.action").first.locator("#act-submit_reply").count() == 1, "the reply comes first"
    typed = {"办理结果": "已责令餐馆安装油烟净化设施并限期整改。", "法律法规政策依据": "《大气污染防治法》第八十一条",
             "回复诉求人的情况": "已电话告知诉求人处理结果", "答复正文（发给诉求人）": "您好，您反映的问题已经处理。"}
    for label, value in typed.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_label("经办人联系电话").fill("0935-1234567")
    form.get_by_label("是否调查处理").select_option(value="investigated")
    form.locator("input[type=file]").set_input_files(str(document))
    form.get_by_label("用途").select_option(label="其他材料")  # the wrong purpose: refused, needs 调查受理文书
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    submit_action(form, "提交本单位审签")

    form = page.locator("#act-submit_reply")
    assert "决定调查处理的，请上传调查受理文书" in form.locator("[role=alert]").inner_text()
    assert form.locator(".field-error").count() == 1 and form.locator("[aria-invalid=true]").count() == 1
    for label, value in typed.items():
        assert form.get_by_label(label, exact=True).input_value() == value, f"{label} kept"
    assert "调查受理文书.pdf" in form.locator(".pending-files").inner_text(), "the file chosen was kept"
    assert page.evaluate("window.scrollY") > 300, "the page stays at the form, not back at the top"
    screenshot(page, "admin-reply-refused")
    assert page.url.endswith(f"/admin/messages/{message.id}")

    page.reload()  # the draft was saved: nothing typed is lost even if the page is left
    form = action_form(page, "submit_reply")
    assert form.get_by_label("办理结果", exact=True).input_value() == typed["办理结果"]
    assert "已恢复您" in form.inner_text()

    form.locator("input[type=file]").set_input_files(str(document))
    form.get_by_label("用途").select_option(label="调查受理文书")
    form.get_by_label("经办人联系电话").fill("0935-1234567")
    form.get_by_label("是否调查处理").select_option(value="investigated")
    submit_action(form, "提交本单位审签")
    assert "答复已提交审签" in page.locator(".notice").inner_text()
    assert "联系诉求人" in page.locator(".timeline").inner_text(), "the reply recorded the first contact"
    desk.close()


def test_the_message_page_offers_what_may_be_done_now(live, browser):
    app, base = live
    city = make_city()
    today = clock.today()
    red = assigned(city, add_workdays(today, -10))  # 5 working days overdue: red warning (LN)
    tick(today)
    supervision.open_case(red, actor=city.user(Role.SUPERVISOR), reason="overdue", method="notice")
    fresh, _ = submit(subject="噪声扰民")

    office = Desk(browser, base, "dispatcher")
    page = office.queue("all", red.tracking_no)
    banner = page.locator(".banner").inner_text()
    assert "红色预警" in banner and "督办中" in banner and "下发通知督办" in banner
    screenshot(page, "admin-message-red")
    office.close()

    unit = Desk(browser, base, "u00")
    page = unit.queue("all", red.tracking_no)
    assert page.locator("#act-explain_delay").count() == 1, "overdue: the delay may be explained"
    assert page.locator("#act-request_return").count() == 0, "the return window is over"
    buttons = [b.strip() for b in page.locator("#actions button[type=submit]").all_text_contents()]
    assert "提交" not in buttons and all(buttons)
    unit.close()

    operator = Desk(browser, base, "operator")
    page = operator.queue("all", fresh.tracking_no)
    form = action_form(page, "reject")
    assert form.get_by_label("理由").input_value() == "", "no reason is chosen for the operator"
    assert page.locator("details.action").first.locator("#act-accept").count() == 1, "accepting comes first"
    form.get_by_label("理由").select_option(index=1)
    submit_action(form, "确认不予受理")
    assert page.confirmations and "不能撤销" in page.confirmations[-1]
    assert "不予受理" in page.locator(".notice").inner_text()
    operator.close()

"""The publication review in a real browser: the reviewer sees the detected spans, unmasks a
false positive, masks a missed name by selecting it, publishes; the public page shows exactly that."""
import pytest

from portal.extensions import db
from portal.models import PublicVersion
from tests.e2e.conftest import accessibility_problems, screenshot
from tests.e2e.test_admin_journey import Desk
from tests.factories import answered, make_city

pytestmark = pytest.mark.e2e


def test_review_unmask_mask_by_selection_and_publish(live, browser):
    app, base = live
    city = make_city()
    message = answered(city, "2026-11-20", category="consult",
                       body="我叫欧阳娜娜，电话13912345678。邻居王强也受影响，保安小刘天天在门口打牌。")
    message.petitioner.name = "欧阳娜娜"
    db.session.commit()

    reviewer = Desk(browser, base, "reviewer")
    page = reviewer.queue("to_publish", message.tracking_no)
    page.get_by_role("link", name="公开审核（隐去个人信息后发布）").click()
    assert page.get_by_label("诉求人信息：欧阳娜娜").is_checked()
    assert page.get_by_label("电话：13912345678").is_checked()
    proposed = "我叫欧***，电话139****5678。邻居王*也受影响，保安小刘天天在门口打牌。"
    assert page.locator("#public-body").input_value() == proposed
    assert accessibility_problems(page) == []

    page.get_by_label("姓名：王强").uncheck()  # not the petitioner; the reviewer judges him public
    page.get_by_role("button", name="按勾选重新生成").click()
    assert "邻居王强也受影响" in page.locator("#public-body").input_value()

    original = page.locator('.original[data-field="body"]')
    original.evaluate("""(el, word) => {
        const text = el.textContent, start = text.indexOf(word);
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node, seen = 0, range = document.createRange(), done = false;
        while ((node = walker.nextNode()) && !done) {
            const len = node.textContent.length;
            if (start >= seen && start < seen + len) { range.setStart(node, start - seen);
                range.setEnd(node, start - seen + word.length); done = true; }
            seen += len;
        }
        const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
    }""", "小刘")
    page.locator('.mask-selection[data-field="body"]').click()
    page.wait_for_load_state()
    public_body = page.locator("#public-body").input_value()
    assert public_body == "我叫欧***，电话139****5678。邻居王强也受影响，保安**天天在门口打牌。"
    assert page.get_by_label("审核员标注：小刘").is_checked()
    screenshot(page, "admin-review")

    page.get_by_role("button", name="审核通过并公开发布").click()
    page.locator(".notice").filter(has_text="已审核并公开发布").wait_for()
    reviewer.close()

    public = browser.new_page()
    public.goto(f"{base}/messages/{message.id}")
    assert public.locator(".message .text").first.inner_text() == public_body
    assert db.session.query(PublicVersion).one().body == public_body
    public.close()

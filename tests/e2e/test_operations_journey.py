"""A hotline office's everyday operations in a real browser (R12): a consultation answered during the
call from the knowledge base, a transfer with a township sub-assignment, a repeat merged into an
answered message."""
import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Message, Unit
from portal.rules.workflow import Role
from portal.services import intake, templates
from tests.conftest import on
from tests.e2e.conftest import accessibility_problems, action_form, submit_action
from tests.e2e.test_admin_journey import Desk
from tests.factories import answered, assigned, make_city

pytestmark = pytest.mark.e2e


def test_a_consultation_answered_during_the_call(live, browser):
    app, base = live
    city = make_city()
    templates.create_template(title="公积金提取", category="consult", actor=city.user(Role.ADMIN),
                              body="公积金提取可登录公积金中心网站在线办理，需身份证和银行卡。")
    operator = Desk(browser, base, "operator")
    page = operator.page
    page.get_by_role("link", name="登记来电").click()
    page.get_by_label("来源渠道").select_option(label="热线电话")
    page.get_by_label("诉求类别").select_option(label="咨询")
    page.get_by_label("标题").fill("公积金怎么提取")
    page.get_by_label("来电人姓名").fill("孙丽")
    page.get_by_label("联系电话").fill("13612345678")
    page.get_by_label("来电内容").fill("想咨询住房公积金提取需要什么材料。")
    page.get_by_label("查知识库（答复模板和已公开答复）").fill("公积金")
    page.get_by_role("button", name="选用此答复").first.click()
    # expect polls from Playwright's side: wait_for_function's string would be eval'd in the page, which the
    # CSP refuses whenever the answer is not there at the first look (the repeat hints load meanwhile).
    expect(page.locator("#answer")).to_have_value(re.compile("在线办理"))
    assert accessibility_problems(page) == []
    page.get_by_role("button", name="登记").click()
    assert "已即时办结并登记" in page.locator(".notice").inner_text()
    assert "即时答复（话务员当场答复）" in page.content()
    operator.close()


def test_a_transfer_then_a_township_sub_assignment(live, browser):
    app, base = live
    city = make_city()
    township = Unit(name="A3区洋湖街道", kind="township", parent=city.units["A3区"])
    db.session.add(township)
    db.session.commit()
    message = assigned(city, "2026-12-01")

    office = Desk(browser, base, "dispatcher")
    office.queue("all", message.tracking_no)
    form = action_form(office.page, "transfer")
    form.get_by_label("转办至（新的牵头单位）").select_option(label="A3区")
    form.get_by_label("转办理由").fill("事发地在A3区，属属地管理职责")
    submit_action(form, "确认转办")
    assert "已转办新的牵头单位" in office.page.locator(".notice").inner_text()
    office.close()

    county = Desk(browser, base, "u20")  # the A3区 handler
    page = county.queue("all", message.tracking_no)
    form = action_form(page, "sub_assign")
    form.get_by_label("乡镇（街道）", exact=True).select_option(label="A3区洋湖街道")
    form.get_by_label("乡镇（街道）办理期限").fill("2026-12-04")
    submit_action(form, "确认转办")
    assert page.locator(".error").count() == 0, page.locator(".error").all_inner_texts()
    assert "已二次转办乡镇（街道）" in page.locator(".notice").inner_text()
    assert "二次转办" in page.locator(".timeline").inner_text()
    county.close()
    db.session.expire_all()
    shares = {a.unit.name: (a.is_lead, a.state) for a in db.session.get(Message, message.id).assignments}
    assert shares == {"住建局": (True, "returned"), "A3区": (True, "active"), "A3区洋湖街道": (False, "active")}


def test_a_repeat_merged_into_an_answered_message(live, browser):
    app, base = live
    city = make_city()
    original = answered(city, "2026-11-30")
    with on("2026-12-01", 9):
        repeat, _ = intake.submit_message(category="complaint", subject="小区夜间施工噪音",
                                          body="A3区某小区夜间施工噪音扰民，影响居民休息，已经持续一周。", name="李四",
                                          phone="13912345678", publish_consent=True, consent=True)
    operator = Desk(browser, base, "operator")
    page = operator.queue("all", repeat.tracking_no)
    form = action_form(page, "mark_repeat")
    submit_action(form, f"并入 {original.tracking_no}")
    assert f"已并入{original.tracking_no}一并办理" in page.locator(".notice").inner_text()
    operator.close()
    db.session.expire_all()
    assert db.session.get(Message, repeat.id).repeat_of_id == original.id

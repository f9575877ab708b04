"""The routing suggestion at intake in a real browser: the operator enters a call, sees the suggested
topic and lead unit with their probability, takes them, and the uptake figure counts it."""
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Message
from portal.routing import store
from portal.routing.classifier import TopicModel
from portal.rules.workflow import Role
from tests.e2e.conftest import accessibility_problems
from tests.e2e.test_admin_journey import Desk
from tests.factories import answered, assigned, make_city
from tests.test_importing import needs_data
from tests.test_routing import subset

pytestmark = [pytest.mark.e2e, needs_data]


def test_the_operator_takes_the_suggested_topic_and_lead_unit(live, browser, tmp_path, monkeypatch):
    app, base = live
    monkeypatch.setitem(app.config, "ROUTING_MODEL", str(tmp_path / "model.joblib"))
    TopicModel.train(subset(40)).save(store.model_path())
    make_city()

    operator = Desk(browser, base, "operator")
    page = operator.page
    page.get_by_role("link", name="登记来电").click()
    page.get_by_label("来源渠道").select_option(label="热线电话")
    page.get_by_label("诉求类别").select_option(label="投诉")
    page.get_by_label("标题").fill("A3区化工厂排放废气污染严重")
    page.get_by_label("来电人姓名").fill("赵敏")
    page.get_by_label("联系电话").fill("13811112222")
    page.get_by_label("来电内容").fill("A3区某化工厂夜间偷排废气，气味刺鼻，周边居民无法开窗，请环保部门查处。")
    page.get_by_role("button", name="登记").click()
    suggestion = page.locator("#routing-suggestion").inner_text()
    assert re.search(r"建议领域 环境保护（把握 \d+%）", suggestion)
    assert "建议牵头单位 A3区（留言提到“A3区”）" in suggestion
    assert accessibility_problems(page) == []
    page.locator("#routing").get_by_role("button").click()
    assert page.locator(".notice").inner_text() == "已确认领域“环境保护”，牵头单位“A3区”。"
    assert "采纳建议领域 1 次（100.0%）" in page.locator("#routing-uptake").inner_text()
    operator.close()


def test_the_operator_sees_the_suggestion_and_a_repeat_while_typing_and_merges_the_call(live, browser, tmp_path,
                                                                                         monkeypatch):
    """Issue 18: as the call is typed, the suggested topic and the similar accepted messages of the last 90
    days show below the form; one click saves the call as a repeat of one of them."""
    app, base = live
    monkeypatch.setitem(app.config, "ROUTING_MODEL", str(tmp_path / "model.joblib"))
    TopicModel.train(subset(40)).save(store.model_path())
    city = make_city()
    original = answered(city, "2026-11-30", subject="A3区化工厂夜间排放废气",
                        body="A3区某化工厂夜间偷排废气，气味刺鼻，周边居民无法开窗，请环保部门查处。")
    assigned(city, "2026-11-30", subject="道路积水严重", body="A7县人民路下雨积水严重，车辆行人无法通行。")

    operator = Desk(browser, base, "operator")
    page = operator.page
    page.get_by_role("link", name="登记来电").click()
    page.get_by_label("来源渠道").select_option(label="热线电话")
    page.get_by_label("诉求类别").select_option(label="投诉")
    page.get_by_label("来电人姓名").fill("钱进")
    page.get_by_label("联系电话").fill("13922223333")
    page.get_by_label("标题").fill("化工厂排放废气")
    page.get_by_label("来电内容").fill("A3区那家化工厂又在夜间排放废气，气味刺鼻，居民无法开窗，希望环保部门查处。")
    hints = page.locator("#repeat-hints")
    merge = hints.get_by_role("button", name=f"登记并并入 {original.tracking_no}")
    merge.wait_for()
    assert re.search(r"建议领域 环境保护（把握 \d+%）", hints.locator("#call-routing").inner_text())
    assert hints.get_by_role("listitem").count() == 1  # the flooded road is not alike
    assert accessibility_problems(page) == []
    merge.click()
    notice = page.locator(".notice").inner_text()
    assert f"已登记并并入{original.tracking_no}一并办理" in notice
    assert page.locator("#status").inner_text() == "已办结"
    operator.close()
    db.session.expire_all()
    call = db.session.scalar(select(Message).where(Message.subject == "化工厂排放废气"))
    assert call.repeat_of_id == original.id and call.operator_id == city.user(Role.OPERATOR).id

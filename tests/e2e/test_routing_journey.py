"""The routing suggestion at intake in a real browser: the operator enters a call, sees the suggested
topic and lead unit with their probability, takes them, and the uptake figure counts it."""
import re

import pytest

from portal.routing import store
from portal.routing.classifier import TopicModel
from tests.e2e.conftest import accessibility_problems
from tests.e2e.test_admin_journey import Desk
from tests.factories import make_city
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

"""A complaint about a unit, in a real browser: the office marks the unit after assignment, then the
unit's handler opens every back-office page it can reach and finds none of the complainant's details."""
import html
import re
from urllib.parse import urljoin, urlparse

import pytest

from portal.rules.workflow import Role
from portal.services import handling
from tests.e2e.conftest import action_form, submit_action
from tests.e2e.test_admin_journey import Desk
from tests.factories import assigned, make_city

pytestmark = pytest.mark.e2e

NAME, PHONE = "闾丘晓燕", "15907971234"
SPELLINGS = (NAME, PHONE, "１５９０７９７１２３４", "159 0797 1234", "幺五九零七九七幺二三四", "lqxy_0797",
             "蓝湾半岛7-2-301")
LINK = re.compile(r'href="([^"]+)"')


def test_the_unit_complained_about_reads_nothing_identifying_on_any_page(live, browser):
    app, base = live
    city = make_city()
    message = assigned(city, "2026-11-23", unit="住建局", co_units=("生态环境局",), name=NAME, phone=PHONE,
                       subject=f"{NAME}投诉住建局窗口人员态度恶劣",
                       body=f"本人{NAME}，家住蓝湾半岛7-2-301，电话１５９０７９７１２３４（也可打159 0797 1234 或 "
                            "幺五九零七九七幺二三四），微信号：lqxy_0797。住建局窗口人员态度恶劣，拒不办理。")
    handling.submit_co_opinion(message, actor=city.user(Role.HANDLER, "生态环境局"),
                               text=f"已联系{NAME}（{PHONE}）核实。")

    office = Desk(browser, base, "dispatcher")
    page = office.queue("all", message.tracking_no)
    form = action_form(page, "mark_complaint")
    form.get_by_label("被投诉单位（选填）", exact=True).select_option(label="住建局")
    form.get_by_label("标记依据", exact=True).fill("诉求反映住建局窗口人员态度问题")
    submit_action(form, "保存标记")
    assert "已保存投诉对象标记" in page.locator(".notice").inner_text()
    office.close()

    unit = Desk(browser, base, "u00")  # the 住建局 handler
    page = unit.queue("all", message.tracking_no)
    assert "诉求人信息已对被投诉单位屏蔽" in page.locator("#petitioner").inner_text()
    assert "态度恶劣" in page.locator("h1").inner_text()
    seen = _crawl(unit, f"{base}/admin/")
    assert f"{base}/admin/messages/{message.id}" in seen and len(seen) >= 10, sorted(seen)
    leaks = {url: [v for v in SPELLINGS if v in text] for url, text in seen.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
    unit.close()


def _crawl(desk, start: str, limit: int = 80) -> dict[str, str]:
    """Every back-office page reachable by links from ``start`` as this user (GET only), as text."""
    host, queue, seen = urlparse(start).netloc, [start], {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = desk.context.request.get(url)
        text = response.text() if "text" in (response.headers.get("content-type") or "") else ""
        seen[url] = html.unescape(text)
        for href in LINK.findall(text):
            target = urljoin(url, html.unescape(href)).split("#")[0]
            parsed = urlparse(target)
            if parsed.netloc == host and parsed.path.startswith("/admin") and "logout" not in parsed.path:
                queue.append(target)
    return seen

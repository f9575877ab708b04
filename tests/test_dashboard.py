"""The office's and a unit's dashboard: every figure is the count of the inbox view it links to."""
import re
from datetime import date

import pytest

from portal.queries import dashboard
from portal.rules.workflow import Role
from portal.services import handling
from portal.services.reminders import tick
from tests.conftest import on
from tests.factories import assigned
from tests.test_admin import sign_in


def inbox_total(client, url) -> int:
    return int(re.search(r"共 ([\d,]+)", client.get(url).get_data(as_text=True)).group(1).replace(",", ""))


@pytest.fixture
def overdue_city(city):
    """LN on Friday 13 Nov 2026: one message 4 working days overdue (red), one 2 (yellow), one due Monday."""
    red = assigned(city, "2026-11-02")  # due 9 Nov
    yellow = assigned(city, "2026-11-04", unit="生态环境局")  # due 11 Nov
    soon = assigned(city, "2026-11-09")  # due 16 Nov
    for message, unit, day in ((red, "住建局", "2026-11-03"), (yellow, "生态环境局", "2026-11-05"),
                               (soon, "住建局", "2026-11-10")):  # each contact in time: the close deadline counts
        with on(day):
            handling.record_contact(message, actor=city.user(Role.HANDLER, unit), note="已电话联系")
    tick(date(2026, 11, 13))
    return red, yellow, soon


def test_the_office_dashboard_counts_what_its_links_list(client, city, overdue_city):
    red, yellow, soon = overdue_city
    sign_in(client, city.user(Role.SUPERVISOR))
    with on("2026-11-13"):
        figures = dashboard.figures(city.user(Role.SUPERVISOR))
        by_label = {f.label: f.count for f in figures["headline"] + figures["warnings"]}
        assert by_label == {"在办": 3, "即将到期": 1, "已超期": 2, "蓝色预警": 2, "黄色预警": 2, "红色预警": 1,
                            "转督查室": 0}
        page = client.get("/admin/dashboard").get_data(as_text=True)
        for figure in figures["headline"] + figures["warnings"]:
            query = "&".join(f"{k}={v}" for k, v in {"queue": figure.queue, **figure.filters}.items())
            assert inbox_total(client, f"/admin/?{query}") == figure.count, figure.label
        red_list = client.get("/admin/?queue=overdue&warning=red").get_data(as_text=True)
    assert red.tracking_no in red_list and yellow.tracking_no not in red_list
    assert 'data-warning="red">1<' in page
    units = {row["unit"]: (row["open"], row["overdue"]) for row in figures["by_unit"]}
    assert units == {"住建局": (2, 1), "生态环境局": (1, 1)}


def test_a_unit_dashboard_shows_only_its_own_work(client, city, overdue_city):
    with on("2026-11-13"):
        figures = dashboard.figures(city.user(Role.HANDLER, "生态环境局"))
    counts = {f.label: f.count for f in figures["headline"] + figures["warnings"]}
    assert counts["在办"] == 1 and counts["已超期"] == 1 and counts["红色预警"] == 0 and counts["黄色预警"] == 1


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_chizhou_has_one_warning_level_on_the_dashboard(city, policy_name):
    assigned(city, "2026-11-02")  # CZ: due 11 Nov
    tick(date(2026, 11, 13))
    with on("2026-11-13"):
        figures = dashboard.figures(city.user(Role.SUPERVISOR))
    assert [(f.label, f.count) for f in figures["warnings"]] == [("超期督办", 1)]  # CZ 第九条(四): a notice


def test_the_office_runs_the_scheduled_job_from_the_dashboard(client, city, overdue_city):
    sign_in(client, city.user(Role.ADMIN))
    with on("2026-11-18"):
        response = client.post("/admin/tick", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "已运行" in text and "转督查室 1" in text
    sign_in(client, city.user(Role.DISPATCHER))
    assert client.post("/admin/tick").status_code == 403


@pytest.mark.parametrize("url", ["/admin/dashboard", "/admin/assessment?period=2026-11",
                                 "/admin/reports?period=2026-11", "/admin/proposals", "/admin/outbox"])
def test_oversight_pages_make_the_same_number_of_queries_for_few_and_many_messages(client, city, url):
    from tests.test_admin import _queries

    sign_in(client, city.user(Role.SUPERVISOR))

    def measured(n):
        for i in range(n):
            assigned(city, f"2026-11-0{2 + i % 3}", unit=("住建局", "生态环境局", "A3区")[i % 3])
        tick(date(2026, 11, 13))
        with on("2026-11-13"):
            return _queries(client, url)

    few = measured(2)
    many = measured(10)
    assert few == many and many <= 25, (few, many)

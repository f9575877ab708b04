"""The office at its browser: the dashboard, a drill from the red-warning count into the messages,
and the monthly report downloaded as Excel and Word — the files hold the figures the page shows."""
import re
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from portal import clock
from portal.services.common import add_workdays
from portal.services.reminders import tick
from tests.e2e.conftest import accessibility_problems, screenshot
from tests.e2e.test_admin_journey import Desk
from tests.factories import assigned, make_city
from tests.oversight_fixture import make_month

pytestmark = pytest.mark.e2e


def test_dashboard_drill_down_and_the_monthly_report_in_both_formats(live, browser):
    app, base = live
    city = make_city()
    make_month(city)  # November 2026, for the report
    today = clock.today()
    red = assigned(city, add_workdays(today, -10))  # LN complaint: 5 working days, now 5 overdue → red
    tick(today)

    desk = Desk(browser, base, "supervisor")
    page = desk.page
    page.get_by_role("link", name="工作台").click()
    page.wait_for_url(re.compile(r"/admin/dashboard"))
    assert accessibility_problems(page) == []
    shown = int(page.locator('[data-warning="red"]').inner_text())
    assert shown >= 1
    screenshot(page, "admin-dashboard")
    page.locator("a.card.level-red").click()
    page.wait_for_url(re.compile(r"queue=overdue&warning=red"))
    assert page.get_by_role("link", name=red.tracking_no).is_visible()
    assert page.locator(".count").inner_text().startswith(f"共 {shown} 件")

    page.get_by_role("link", name="分析报告").click()
    page.get_by_label("报告期").fill("2026-11")
    page.get_by_role("button", name="生成").click()
    page.wait_for_url(re.compile(r"period=2026-11"))
    assert accessibility_problems(page) == []
    screenshot(page, "admin-report")
    received = page.locator('[data-summary="受理留言（件）"]').inner_text()
    on_time = page.locator('[data-summary="按时办结率"]').inner_text()
    assert page.locator("figure.chart svg").count() == 5

    with page.expect_download() as excel:
        page.get_by_role("link", name="下载 Excel").click()
    assert excel.value.suggested_filename == "analysis-2026-11.xlsx"
    book = load_workbook(BytesIO(excel.value.path().read_bytes()))
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=3, values_only=True)}
    assert (str(summary["受理留言（件）"]), f"{summary['按时办结率'] * 100:g}%") == (received, on_time), \
        "the same figures, as numbers the spreadsheet formats"

    with page.expect_download() as word:
        page.get_by_role("link", name="下载 Word").click()
    assert word.value.suggested_filename == "analysis-2026-11.docx"
    document = Document(BytesIO(word.value.path().read_bytes()))
    assert f"共受理网友留言、热线诉求{received}件" in "\n".join(p.text for p in document.paragraphs)
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert ["受理留言（件）", received, cells[1][2]] in cells and ["按时办结率", on_time, cells[3][2]] in cells
    desk.context.close()

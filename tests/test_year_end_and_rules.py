"""The year-end assessment (年终考评, R8.3–R8.4), how deductions add up, each preset's name for its overdue
notices, and the public rules page (R9.5, LN 第二十二条) — per preset where they differ."""
import dataclasses
from datetime import date

import pytest
from flask import current_app

from portal.queries import projection
from portal.queries.assessment import assess
from portal.rules.periods import Period, PeriodError
from portal.rules.workflow import Role
from tests.oversight_fixture import make_month
from tests.test_admin import sign_in


def test_the_year_is_a_period_of_its_own():
    year = Period.parse("2026")
    assert (year.kind, year.start, year.end, year.key, year.label) == (
        "year", date(2026, 1, 1), date(2027, 1, 1), "2026", "2026年度")
    assert year.previous() == Period.parse("2025") and Period.containing(date(2026, 7, 9), "year") == year
    with pytest.raises(PeriodError, match="2026”（年度）"):
        Period.parse("2026-Y")


def _unit(period, name="住建局"):
    return next(row for row in assess(period) if row.unit == name)


@pytest.mark.parametrize(("policy_name", "deductions"), [("longnan", 1.5), ("chizhou", 0.0)])
def test_the_year_end_assessment_counts_every_month_and_its_deductions(city, policy_name, deductions):
    make_month(city)  # one item answered in October, four assigned in November
    year = _unit(Period.parse("2026"))
    october, november = _unit(Period.parse("2026-10")), _unit(Period.parse("2026-11"))
    assert year.figures.received == october.figures.received + november.figures.received
    assert year.figures.answered == october.figures.answered + november.figures.answered
    assert year.figures.deductions == deductions


@pytest.fixture
def highest_level_only(app):
    """The preset setting: an item pays only for the highest warning it reached."""
    kept = app.extensions["wenzheng_policy"]
    app.extensions["wenzheng_policy"] = dataclasses.replace(kept, warning_deductions="highest_level")
    yield
    app.extensions["wenzheng_policy"] = kept


def test_ln_an_item_costs_every_level_it_passed_by_default(city):
    make_month(city)  # the late item reached blue (0.5) and yellow (1)
    assert _unit(Period.parse("2026-11")).figures.deductions == 1.5


def test_ln_with_highest_level_an_item_costs_only_its_highest_warning(city, highest_level_only, client):
    make_month(city)
    assert _unit(Period.parse("2026-11")).figures.deductions == 1.0
    sign_in(client, city.user(Role.SUPERVISOR))
    page = client.get("/admin/assessment?period=2026").get_data(as_text=True)
    assert "2026年度" in page and "按最高一级扣分" in page


def test_the_method_text_says_how_deductions_add_up(client, city):
    sign_in(client, city.user(Role.SUPERVISOR))
    assert "逐级累计扣分" in client.get("/admin/assessment?period=2026-11").get_data(as_text=True)


@pytest.mark.parametrize(("policy_name", "label"), [("longnan", "蓝色预警"), ("chizhou", "超期督办")])
def test_each_preset_names_its_overdue_notice_as_its_regulation_does(city, policy_name, label):
    rules = current_app.extensions["wenzheng_policy"]
    assert rules.warning_label("blue") == label
    from portal.extensions import db
    from portal.models import Notification, OverdueWarning

    make_month(city)
    assert db.session.query(OverdueWarning).filter_by(level="blue").count() == 1
    texts = [n.body for n in db.session.query(Notification) if "超期" in (n.body or "")]
    assert any(text.startswith(f"{label}：住建局办理的留言") for text in texts)
    assert any("蓝色预警" in text for text in texts) == (policy_name == "longnan")


def test_the_public_unit_figures_for_one_year(client, city):
    make_month(city)
    everything = {f["unit"]: f["answered"] for f in projection.unit_figures()}
    this_year = {f["unit"]: f["answered"] for f in projection.unit_figures(Period.parse("2026"))}
    last_year = {f["unit"]: f["answered"] for f in projection.unit_figures(Period.parse("2025"))}
    assert this_year == everything and last_year == {}
    page = client.get("/units?year=2026").get_data(as_text=True)
    assert "2026年度" in page
    refused = client.get("/units?year=20x6")
    assert refused.status_code == 400 and "年份应为" in refused.get_data(as_text=True)


@pytest.mark.parametrize(("policy_name", "expected", "absent"), [
    ("longnan", ["蓝色预警", "重办 1 次，期限 5 个工作日", "突发类事项不得延期", "逐级累计扣分"], ["不再交办转办"]),
    ("chizhou", ["超期督办", "分管负责同志或主要负责同志签批", "平台审批", "不因评价发回重办", "不再交办转办",
                 "在提交的办理结果中注明回访情况", "批准后告知诉求人新的办理期限"], ["蓝色预警", "重办 1 次"]),
])
def test_the_public_rules_page_shows_the_presets_rules(client, city, policy_name, expected, absent):
    page = client.get("/rules").get_data(as_text=True)
    for text in ["受理渠道", "不予受理的情形", "对平台工作的意见和投诉", *expected]:
        assert text in page, text
    for text in absent:
        assert text not in page, text
    sign_in(client, city.user(Role.ADMIN))
    policy_page = client.get("/admin/policy").get_data(as_text=True)
    assert all(text in policy_page for text in expected)

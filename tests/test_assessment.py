"""R8.4 unit assessment on a hand-made month, per preset, and its drill-down to the messages."""
import pytest

from portal.queries.assessment import assess
from portal.rules.periods import Period
from portal.rules.workflow import Role
from tests.oversight_fixture import make_month
from tests.test_admin import sign_in

NOVEMBER = Period.parse("2026-11")


def unit_row(name):
    return next(row for row in assess(NOVEMBER) if row.unit == name)


# LN: the late one is rated 不满意 and goes back for redo (not answered yet); CZ has no such redo, so it is
# answered (late) and stays so.
@pytest.mark.parametrize(("policy_name", "figures", "deductions", "score"), [
    ("longnan", (3, 1, 1, 1, 1, 1, 2, 1), 1.5, 73.5),  # 100 × (50×1 + 40×½ + 10×½) / 100 − 1.5
    ("chizhou", (3, 2, 1, 1, 1, 0, 2, 1), 0.0, 55.0),  # 100 × (50×½ + 40×½ + 10×1) / 100
])
def test_the_assessment_arithmetic_of_a_hand_made_month(city, policy_name, figures, deductions, score):
    month = make_month(city)
    row = unit_row("住建局")
    f = row.figures
    assert (f.received, f.answered, f.on_time, f.extensions, f.returns, f.redo, f.ratings, f.satisfied) == figures
    assert f.deductions == deductions  # LN: blue 0.5 + yellow 1 (第二十六条); CZ: a notice, no points
    assert row.score == score
    assert row.messages["received"] == sorted([month.on_time.id, month.late.id, month.extended.id])
    assert row.messages["redo"] == ([month.late.id] if policy_name == "longnan" else [])
    assert row.messages["returns"] == [month.returned.id]
    assert row.messages["deductions"] == [month.late.id]  # CZ: its notice is listed though it costs no points
    october = next(r for r in assess(Period.parse("2026-10")) if r.unit == "住建局")
    assert (october.figures.received, october.figures.answered, october.score) == (1, 1, 100.0)


def test_units_without_work_have_no_score_and_come_last(city):
    make_month(city)
    rows = assess(NOVEMBER)
    assert rows[0].unit == "住建局" and all(r.score is None for r in rows[1:])


def test_the_office_drills_from_a_figure_into_its_messages(client, city):
    month = make_month(city)
    sign_in(client, city.user(Role.SUPERVISOR))
    page = client.get("/admin/assessment?period=2026-11").get_data(as_text=True)
    unit_id = city.units["住建局"].id
    link = f"/admin/assessment/2026-11/{unit_id}/redo"
    assert link in page and "73.5" in page
    listed = client.get(link).get_data(as_text=True)
    assert month.late.tracking_no in listed and month.on_time.tracking_no not in listed


def test_a_unit_sees_the_ranking_but_drills_only_into_its_own_figures(client, city):
    make_month(city)
    sign_in(client, city.user(Role.DEPUTY_HEAD, "生态环境局"))
    assert client.get("/admin/assessment?period=2026-11").status_code == 200
    other = city.units["住建局"].id
    assert client.get(f"/admin/assessment/2026-11/{other}/received").status_code == 404
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    assert client.get("/admin/assessment?period=2026-11").status_code == 403  # heads and the office only


def test_a_mistyped_period_is_explained_and_the_last_month_shown(client, city):
    sign_in(client, city.user(Role.SUPERVISOR))
    response = client.get("/admin/assessment?period=2026-13")
    assert response.status_code == 400 and "报告期应写作" in response.get_data(as_text=True)

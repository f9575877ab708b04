"""R8.1 reminders and R8.3 warnings by `tick`, per preset; idempotence; provisional deadlines."""
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Event, Notification, OverdueWarning
from portal.rules.workflow import Role
from portal.services import SYSTEM, handling
from portal.services import calendar as calendar_service
from portal.services.reminders import tick
from tests.conftest import on
from tests.factories import assigned

D = date.fromisoformat


def contacted(city, message):
    with on("2026-11-03"):
        handling.record_contact(message, actor=city.user(Role.HANDLER, "住建局"), note="已电话联系")
    return message


def warnings_of(message):
    rows = db.session.scalars(select(OverdueWarning).where(OverdueWarning.message_id == message.id)
                              .order_by(OverdueWarning.id)).all()
    return [(w.level, w.overdue_workdays, w.points) for w in rows]


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (OverdueWarning, Notification, Event))


# A complaint assigned Monday 2 Nov 2026 is due Monday 9 Nov (LN: 5 working days).
@pytest.mark.parametrize(("today", "expected"), [
    ("2026-11-09", []),
    ("2026-11-10", [("blue", 1, 0.5)]),
    ("2026-11-11", [("blue", 2, 0.5), ("yellow", 2, 1.0)]),
    ("2026-11-13", [("blue", 4, 0.5), ("yellow", 4, 1.0), ("red", 4, 3.0)]),
    ("2026-11-18", [("blue", 7, 0.5), ("yellow", 7, 1.0), ("red", 7, 3.0), ("inspection", 7, 0.0)]),
])
def test_longnan_warnings_and_deductions_at_each_threshold(city, today, expected):
    message = contacted(city, assigned(city, "2026-11-02"))
    tick(D(today))
    assert warnings_of(message) == expected


def test_longnan_notifies_the_person_each_level_names(city):
    message = assigned(city, "2026-11-02")
    tick(D("2026-11-18"))
    sent = db.session.scalars(select(Notification).where(Notification.dedupe_key.startswith("warning:"))).all()
    by_level = {n.dedupe_key.split(":")[1]: n.recipient_name for n in sent}
    assert by_level == {"blue": "住建局handler", "yellow": "住建局deputy_head", "red": "住建局principal_head",
                        "inspection": "supervisor员"}
    email = db.session.scalar(select(Notification).where(Notification.channel == "email"))
    assert email.recipient == "duchashi@example.gov.cn" and message.tracking_no in email.subject


def test_an_explained_delay_is_not_handed_to_the_inspection_office(city):
    message = contacted(city, assigned(city, "2026-11-02"))
    with on("2026-11-10"):
        handling.explain_delay(message, actor=city.user(Role.HANDLER, "住建局"), text="等待第三方检测报告")
    tick(D("2026-11-20"))
    assert [w[0] for w in warnings_of(message)] == ["blue", "yellow", "red"]


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_chizhou_sends_a_written_notice_when_overdue_without_deductions(city, policy_name):
    message = assigned(city, "2026-11-02")  # due 11 Nov (7 working days)
    tick(D("2026-11-11"))
    assert warnings_of(message) == []
    tick(D("2026-11-20"))
    assert warnings_of(message) == [("blue", 7, 0.0)]
    note = db.session.scalar(select(Notification).where(Notification.dedupe_key.startswith("warning:")))
    assert note.recipient_name == "住建局deputy_head" and "书面督办通知" in note.body


def test_tick_reminds_the_handler_one_working_day_before_the_deadline(city):
    message = assigned(city, "2026-11-02", category="consult")  # due Wednesday 4 Nov
    report = tick(D("2026-11-02"))
    assert report.reminders == 0
    report = tick(D("2026-11-03"))
    assert report.reminders == 1
    note = db.session.scalar(select(Notification).where(Notification.dedupe_key.startswith("remind:close")))
    assert note.recipient_name == "住建局handler" and "2026年11月4日" in note.body
    assert message.events[-1].kind == "remind"


def test_tick_twice_changes_nothing(city):
    for day in ("2026-10-26", "2026-11-02", "2026-11-04"):
        assigned(city, day)
    tick(D("2026-11-20"))
    before = counts()
    report = tick(D("2026-11-20"))
    assert counts() == before
    assert (report.reminders, sum(report.warnings.values()), report.notifications) == (0, 0, 0)


def test_a_deadline_answered_in_time_raises_nothing(city):
    from tests.factories import answered

    answered(city, "2026-11-02", category="consult")
    assert tick(D("2026-11-30")).warnings == {}


def test_provisional_deadlines_are_recomputed_when_the_official_year_is_entered(city, tmp_path):
    message = assigned(city, "2026-12-28", category="complaint")
    lead = message.lead_assignment()
    assert (lead.due_date, lead.due_provisional) == (D("2027-01-05"), True)
    official = tmp_path / "2027.csv"
    official.write_text("date,kind,note\n2027-01-04,holiday,元旦调休\n", encoding="utf-8")
    assert calendar_service.import_file(official, actor=SYSTEM) == ({2027: 1}, 1)  # one call, one commit
    db.session.refresh(lead)
    assert (lead.due_date, lead.due_provisional) == (D("2027-01-06"), False)
    assert message.events[-1].kind == "recompute_deadline"


def test_a_bad_calendar_file_is_refused_with_the_line(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-01-01,holiday\n2027-13-01,holiday\n", encoding="utf-8")
    from portal.services import DomainError

    with pytest.raises(DomainError, match="第2行格式不对"):
        calendar_service.import_file(bad, actor=SYSTEM)


def test_an_icalendar_file_marks_holidays_and_makeup_workdays(app, tmp_path):
    ics = tmp_path / "2027.ics"
    ics.write_text("\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
        "BEGIN:VEVENT", "UID:1", "DTSTAMP:20261101T000000Z", "DTSTART;VALUE=DATE:20270206",
        "DTEND;VALUE=DATE:20270209", "SUMMARY:春节 休", "END:VEVENT",
        "BEGIN:VEVENT", "UID:2", "DTSTAMP:20261101T000000Z", "DTSTART;VALUE=DATE:20270214",
        "DTEND;VALUE=DATE:20270215", "SUMMARY:春节调休 班", "END:VEVENT", "END:VCALENDAR", ""]), encoding="utf-8")
    assert calendar_service.import_file(ics, actor=SYSTEM)[0] == {2027: 4}
    from portal.services.common import load_calendar

    cal = load_calendar()
    assert not cal.is_workday(D("2027-02-08")) and cal.is_workday(D("2027-02-14")) and cal.is_official(2027)

"""A hand-made month for the assessment, the report and the dashboard tests: four messages to 住建局
in November 2026 and one in October, with every kind of figure once.

LN (complaint: 5 working days; due 9 Nov)      CZ (7 working days; due 11 Nov)
- on_time:  answered the day it came, rated 满意
- late:     warned, answered late, rated 不满意 → redo (LN; CZ has no rating-triggered redo)
- extended: an extension of 3 days approved, still open
- returned: handed back the day it came (approved)
and in October one message answered on time (the previous period of the report).
"""
from dataclasses import dataclass
from datetime import date

from portal.extensions import db
from portal.models import Message
from portal.rules.workflow import Role
from portal.services import dispatch, handling
from portal.services.common import policy
from portal.services.reminders import tick
from tests.conftest import on
from tests.factories import City, answer, answered, assigned, rated

LATE = {"longnan": ("2026-11-11", "2026-11-12"), "chizhou": ("2026-11-13", "2026-11-16")}  # tick, answer


@dataclass
class Month:
    on_time: Message
    late: Message
    extended: Message
    returned: Message
    october: Message


def contacted(city: City, message: Message) -> Message:
    """The unit met its contact deadline (LN), so only the close deadline is at stake here."""
    if message.lead_assignment().contact_due:
        with on("2026-11-03"):
            handling.record_contact(message, actor=city.user(Role.HANDLER, "住建局"), note="已电话联系")
    return message


def make_month(city: City) -> Month:
    october = answered(city, "2026-10-15", subject="路灯不亮", body="某路段路灯已坏多日，夜间出行不便。")
    on_time = answered(city, "2026-11-02")
    rated(city, on_time, "2026-11-03", "satisfied")
    late = contacted(city, assigned(city, "2026-11-02"))
    tick_day, answer_day = LATE[policy().name]
    tick(date.fromisoformat(tick_day))
    answer(city, late, answer_day)
    rated(city, late, answer_day, "unsatisfied")
    extended = contacted(city, assigned(city, "2026-11-02"))
    handler = city.user(Role.HANDLER, "住建局")
    with on("2026-11-03"):
        asker = city.user(policy().extension_requesters[0], "住建局")  # CZ: signed by the 分管负责同志
        request = handling.request_extension(extended, actor=asker, days=3, reason="需现场勘验")
        handling.decide_extension(request, actor=city.user(Role.DISPATCHER), approve=True)
    returned = assigned(city, "2026-11-02")
    with on("2026-11-02", 15):
        back = dispatch.request_return(returned, actor=handler, reason="不属于本单位职责", basis="三定方案")
        dispatch.decide_return(back, actor=city.user(Role.DISPATCHER), approve=True)
    db.session.commit()
    return Month(on_time, late, extended, returned, october)

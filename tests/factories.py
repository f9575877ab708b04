"""Plain factory functions: a small city, and messages taken through the services to a state."""
from dataclasses import dataclass, field
from datetime import date

from portal import clock
from portal.extensions import db
from portal.models import Message, Unit, User
from portal.rules.workflow import Role, Status
from portal.services import dispatch, handling, intake, rating, review
from portal.services.common import policy
from tests.conftest import on

PASSWORD = "correct-horse-battery"


@dataclass
class City:
    office: Unit
    units: dict[str, Unit]
    staff: dict = field(default_factory=dict)

    def user(self, role: str, unit: str | None = None) -> User:
        return self.staff[(unit, role)] if unit else self.staff[role]


def make_city() -> City:
    """The platform office with one user per office role; three units with three people each."""
    office = Unit(name="市政务服务中心", kind="platform")
    units = {name: Unit(name=name, kind=kind) for name, kind in (
        ("住建局", "department"), ("生态环境局", "department"), ("A3区", "county"))}
    city = City(office=office, units=units)
    db.session.add_all([office, *units.values()])
    hashed = User(password_hash="")
    hashed.set_password(PASSWORD)
    for role in (Role.OPERATOR, Role.DISPATCHER, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN):
        city.staff[role] = User(username=role.value, name=f"{role.value}员", role=role, unit=office,
                                phone="13900000000", password_hash=hashed.password_hash)
    for i, (name, unit) in enumerate(units.items()):
        for j, role in enumerate((Role.HANDLER, Role.DEPUTY_HEAD, Role.PRINCIPAL_HEAD)):
            city.staff[(name, role)] = User(username=f"u{i}{j}", name=f"{name}{role.value}", role=role, unit=unit,
                                            phone=f"1370000{i}{j}00", password_hash=hashed.password_hash)
    db.session.add_all(city.staff.values())
    db.session.commit()
    return city


def submit(*, category: str = "complaint", channel: str | None = None, publish_consent: bool = True,
           subject: str = "小区噪音扰民", body: str = "A3区某小区夜间施工噪音扰民，影响居民休息，请相关部门处理。",
           phone: str = "13812345678", name: str = "张三", city: City | None = None) -> tuple[Message, str]:
    if channel is None:
        return intake.submit_message(category=category, subject=subject, body=body, name=name, phone=phone,
                                     publish_consent=publish_consent, consent=True, region="A3区")
    return intake.record_call(actor=city.user(Role.OPERATOR), channel=channel, call_time=_now_local(),
                              category=category, subject=subject, body=body, name=name, phone=phone,
                              publish_consent=publish_consent)


def _now_local():
    from portal import clock

    return clock.local_time(clock.now())


def assigned(city: City, day: str | date, *, category: str = "complaint", channel: str | None = None,
             unit: str = "住建局", co_units=(), **kwargs) -> Message:
    """A message received, accepted and assigned on ``day``."""
    with on(day, 9):
        message, _ = submit(category=category, channel=channel, city=city, **kwargs)
        intake.accept(message, actor=city.user(Role.OPERATOR))
        dispatch.assign(message, city.units[unit], [city.units[u] for u in co_units],
                        actor=city.user(Role.DISPATCHER))
    return message


def answered(city: City, day: str | date, *, unit: str = "住建局", **kwargs) -> Message:
    """Assigned on ``day`` and answered (signed, approved) the same day."""
    message = assigned(city, day, unit=unit, **kwargs)
    return answer(city, message, day, unit=unit)


def answer(city: City, message: Message, day: str | date, *, unit: str = "住建局") -> Message:
    """The lead unit answers on ``day``; the leader signs and the office approves the same afternoon."""
    with on(day, 14):
        reply(city, message, unit=unit)
        signer = policy().signoff_role(message.channel_level)
        handling.sign_off(message, actor=city.user(signer, unit), approve=True)
        review.approve_reply(message, actor=city.user(Role.REVIEWER))
    return message


def reply(city: City, message: Message, *, unit: str = "住建局", **overrides):
    handler = city.user(Role.HANDLER, unit)
    lead = message.lead_assignment()
    if lead.contact_due and lead.first_contact_at is None:
        handling.record_contact(message, actor=handler, note="已电话联系诉求人。")
    if policy().deadline(message.category).decision and not lead.report_decision:
        handling.decide_report(message, actor=handler, investigate=False, note="不予调查。")
    fields = dict(handled_on=clock.today(), result="已处理。", basis="《环境噪声污染防治法》第四十三条",
                  contact_note="已电话告知。", handler_name="李四", handler_phone="0797-1234567",
                  visit_note="已电话回访诉求人，告知办理结果。",
                  body="经核实，施工单位已停止夜间施工。")
    if message.category in ("complaint", "report"):
        fields.update(investigation="not_investigated", not_investigated_reason="已整改，依据第十条不再立案调查。")
    fields.update(overrides)
    return handling.submit_reply(message, actor=handler, **fields)


def rated(city: City, message: Message, day: str, level: str):
    with on(day, 16):
        return rating.rate(message, level=level)


def status_of(message: Message) -> Status:
    db.session.refresh(message)
    return Status(message.status)

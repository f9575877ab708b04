"""`flask seed-demo`: a prefecture-level city with its units and staff, and real messages
taken through the workflow by the services themselves, at past times, so that every status,
deadline, warning and timeline in the demo is one the rules produced."""
import random
import secrets
from datetime import date, datetime, time

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import Message, Unit, User
from ..rules import workdays
from ..rules.workflow import ROLE_LABELS, Role
from ..services import dispatch, handling, intake, publication, rating, redaction, review
from ..services.common import load_calendar, policy
from .sample import load

DEPARTMENTS = [  # (name, short name, topics it leads on)
    ("市住房和城乡建设局", "市住建局", ("城乡建设",)),
    ("市自然资源和规划局", "市自然资源局", ()),
    ("市生态环境局", "市生态环境局", ("环境保护",)),
    ("市交通运输局", "市交通运输局", ("交通运输",)),
    ("市教育局", "市教育局", ("教育文体",)),
    ("市卫生健康委员会", "市卫健委", ("卫生计生",)),
    ("市人力资源和社会保障局", "市人社局", ("劳动和社会保障",)),
    ("市市场监督管理局", "市市场监管局", ("商贸旅游",)),
    ("市公安局", "市公安局", ()),
    ("市城市管理局", "市城管局", ()),
    ("市民政局", "市民政局", ()),
    ("市医疗保障局", "市医保局", ()),
    ("市住房公积金管理中心", "市公积金中心", ()),
    ("市农业农村局", "市农业农村局", ()),
]
COUNTIES = {  # the regions of the real data, each with two townships
    "A3区": ("A3区人民政府", ("A3区洋湖街道", "A3区坪塘街道")),
    "A7县": ("A7县人民政府", ("A7县星沙街道", "A7县榔梨镇")),
    "A9市": ("A9市人民政府", ("A9市集里街道", "A9市永安镇")),
}
ENTERPRISES = [("市供水有限公司", "市水务公司"), ("国网A市供电公司", "市供电公司")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华"
# How many demo messages end in each state; "overdue-N" are assigned, N working days late.
PLAN = [("received", 14), ("rejected", 8), ("to_assign", 12), ("assigned", 36), ("overdue-1", 6),
        ("overdue-2", 6), ("overdue-4", 6), ("overdue-8", 4), ("return_requested", 6), ("signoff", 10),
        ("review", 10), ("answered", 14), ("visited", 14), ("redo", 6), ("closed", 150), ("archived", 60)]


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Unit))


def seed(rng: random.Random | None = None) -> list[tuple[str, str, str]]:
    """Create the city and its messages. Returns (role, username, password) of one account per
    role, to be printed once: the passwords are random and stored only as hashes."""
    rng = rng or random.Random(20201127)
    passwords = {role: secrets.token_urlsafe(9) for role in Role if role != Role.CITIZEN}
    units, staff = create_city(passwords)
    samples = load()
    answered = [s for s in samples if s["reply"]]
    open_ = [s for s in samples if not s["reply"] and not s.get("cluster")]
    cluster = [s for s in samples if s.get("cluster")]  # similar messages, assigned lately (督办建议, 分析报告)
    for state, count in PLAN:
        for _ in range(count):
            pool = answered if state in ("answered", "visited", "closed", "archived", "redo") else open_
            if state == "assigned" and cluster:
                pool = cluster
            _Story(state, pool.pop(), rng, units, staff).tell()
    example_unit = units["市住房和城乡建设局"]
    accounts = []
    for role, password in passwords.items():
        user = staff.get(role) or staff[(example_unit.id, role)]
        where = f"（{example_unit.name}）" if user.unit is example_unit else ""
        accounts.append((ROLE_LABELS[role] + where, user.username, password))
    return accounts


def create_city(passwords: dict) -> tuple[dict[str, Unit], dict]:
    """The demo city's units and one account per role (and per unit for the units' roles)."""
    units = _create_units()
    staff = _create_staff(units, passwords)
    db.session.commit()
    return units, staff


def _create_units() -> dict[str, Unit]:
    office = Unit(name=policy().office, short_name="平台办", kind="platform")
    units = {"office": office}
    for name, short, _ in DEPARTMENTS:
        units[name] = Unit(name=name, short_name=short, kind="department")
    for region, (name, townships) in COUNTIES.items():
        county = units[region] = Unit(name=name, short_name=region, kind="county")
        for township in townships:
            units[township] = Unit(name=township, short_name=township[len(region):], kind="township", parent=county)
    for name, short in ENTERPRISES:
        units[name] = Unit(name=name, short_name=short, kind="enterprise")
    for unit in units.values():
        unit.leader_name, unit.leader_phone = _person(), _phone()
        unit.responsible_name, unit.responsible_phone = _person(), _phone()
        unit.handler_name, unit.handler_phone = _person(), _phone()
    db.session.add_all(units.values())
    return units


def _create_staff(units, passwords) -> dict:
    """One account per office role; three per unit (handler, deputy head, principal head).
    Unit staff share their role's demo password; usernames are u<unit id>-<role>."""
    hashes = {}
    for role, password in passwords.items():
        probe = User()
        probe.set_password(password)
        hashes[role] = probe.password_hash
    db.session.flush()
    staff = {}
    for role in (Role.OPERATOR, Role.DISPATCHER, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN):
        staff[role] = User(username=role.value, name=_person(), role=role, unit=units["office"], phone=_phone(),
                           email=f"{role.value}@wenzheng.example.gov.cn", password_hash=hashes[role])
    for unit in units.values():
        if unit.kind == "platform":
            continue
        for role in (Role.HANDLER, Role.DEPUTY_HEAD, Role.PRINCIPAL_HEAD):
            staff[(unit.id, role)] = User(username=f"u{unit.id}-{role.value.replace('_', '-')}", name=_person(),
                                          role=role, unit=unit, phone=_phone(), password_hash=hashes[role])
    db.session.add_all(staff.values())
    return staff


def _person(rng=random.Random(7)) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng=random.Random(11)) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


class _Story:
    """One message taken from receipt to its planned state, each step at a past time."""

    def __init__(self, state, sample, rng, units, staff):
        self.state, self.sample, self.rng, self.units, self.staff = state, sample, rng, units, staff
        self.calendar = load_calendar()
        self.day = self._start_day()

    def tell(self) -> None:
        steps = ["receive", "accept", "assign", "contact", "reply", "sign", "approve", "visit", "rate", "close",
                 "publish", "archive"]
        stop = {"received": "receive", "rejected": "reject", "to_assign": "accept", "return_requested": "return",
                "signoff": "reply", "review": "sign", "answered": "approve", "visited": "visit", "redo": "redo",
                "closed": "publish", "archived": "archive"}.get(self.state, "contact")
        if stop == "reject":
            steps = ["receive", "reject"]
        elif stop == "return":
            steps = ["receive", "accept", "assign", "return"]
        elif stop == "redo":
            steps = ["receive", "accept", "assign", "contact", "reply", "sign", "approve", "visit", "redo"]
        for step in steps:
            getattr(self, f"_{step}")()
            if step == stop:
                break

    # The day the story starts, so that it ends today in the planned state.
    def _start_day(self) -> date:
        today = clock.today()
        back = {"received": 0, "rejected": 1, "to_assign": 1, "return_requested": 0, "signoff": 3, "review": 4,
                "answered": 8, "visited": 10, "redo": 12, "closed": 15, "archived": 25}.get(self.state)
        if back is None:  # assigned: on time, or N working days past the category's deadline
            late = int(self.state.split("-")[1]) if self.state.startswith("overdue") else 0
            close = policy().deadline(self.sample["category"])
            period = close.decision + close.close if close.close_counts_from_decision else close.close
            back = period + late if late else self.rng.randint(0, max(period - 1, 0))
        back += self.rng.randint(0, 120) if self.state in ("closed", "archived") else 0  # half a year of archive
        return workdays.add_workdays(today, -back, self.calendar) if back else today

    def _at(self, hour: int, *, next_day: bool = False):
        if next_day:  # the next working day, but never past today
            self.day = min(workdays.add_workdays(self.day, 1, self.calendar), clock.today())
        moment = datetime.combine(self.day, time(hour, self.rng.randint(0, 59)))
        return clock.frozen(clock.china_to_utc(moment))

    def _receive(self):
        sample = self.sample
        with self._at(9):
            if self.rng.random() < 0.5:
                self.message, _ = intake.submit_message(
                    category=sample["category"], subject=sample["subject"], body=sample["body"], name=_person(),
                    phone=_phone(), topic=sample["topic"], region=sample["region"],
                    publish_consent=self.rng.random() < 0.85, consent=True)
            else:
                channel = self.rng.choice(policy().channels).code
                self.message, _ = intake.record_call(
                    actor=self.staff[Role.OPERATOR], channel=channel, call_time=datetime.combine(self.day, time(8, 40)),
                    category=sample["category"], subject=sample["subject"], body=sample["body"], name=_person(),
                    phone=_phone(), topic=sample["topic"], region=sample["region"],
                    publish_consent=self.rng.random() < 0.85)

    def _reject(self):
        with self._at(10):
            reason = self.rng.choice(policy().out_of_scope).code
            intake.reject(self.message, actor=self.staff[Role.OPERATOR], reason=reason)

    def _accept(self):
        with self._at(10):
            intake.accept(self.message, actor=self.staff[Role.OPERATOR])

    def _assign(self):
        lead = self._lead_unit()
        planning = self.units["市自然资源和规划局"]
        co = [planning] if self.rng.random() < 0.15 and lead is not planning else []
        with self._at(11):
            dispatch.assign(self.message, lead, co, actor=self.staff[Role.DISPATCHER])
        self.lead = lead

    def _lead_unit(self) -> Unit:
        region = self.sample["region"]
        if region in COUNTIES and self.rng.random() < 0.5:
            return self.units[region]
        for name, _, topics in DEPARTMENTS:
            if self.sample["topic"] in topics:
                return self.units[name]
        return self.units["市住房和城乡建设局"]

    def _unit_user(self, role):
        return self.staff[(self.lead.id, role)]

    def _return(self):
        with self._at(15):
            dispatch.request_return(self.message, actor=self._unit_user(Role.HANDLER),
                                    reason="反映事项属于辖区街道职责，不属于本单位职责范围。",
                                    basis="《城市管理综合执法办法》第十二条")

    def _contact(self):
        with self._at(9, next_day=True):
            handling.record_contact(self.message, actor=self._unit_user(Role.HANDLER),
                                    note="已电话联系诉求人，了解具体情况。")
            if self.message.category == "report":
                handling.decide_report(self.message, actor=self._unit_user(Role.HANDLER), investigate=False,
                                       note="经初步核实，决定不予调查处理并说明理由。")

    def _reply(self):
        handler = self._unit_user(Role.HANDLER)
        text = self.sample["reply"] or "经调查核实，现答复如下：相关问题已责成责任单位整改，感谢您对我们工作的支持。"
        with self._at(14, next_day=True):
            handling.submit_reply(
                self.message, actor=handler, handled_on=self.day, result="已调查核实并处理。",
                basis="依据相关法律法规和政策规定办理。", contact_note="已电话告知诉求人办理结果。",
                handler_name=handler.name, handler_phone=handler.phone, body=text,
                investigation="not_investigated" if self.message.category in ("complaint", "report") else None,
                not_investigated_reason="经核实，反映问题已按规定处理，依据《信访工作条例》第三十二条不再另行调查。")

    def _sign(self):
        role = policy().signoff_role(self.message.channel_level)
        with self._at(16):
            handling.sign_off(self.message, actor=self._unit_user(role), approve=True)

    def _approve(self):
        with self._at(10, next_day=True):
            review.approve_reply(self.message, actor=self.staff[Role.REVIEWER])

    def _visit(self):
        with self._at(15, next_day=True):
            review.record_follow_up(self.message, actor=self._unit_user(Role.HANDLER), method="电话回访",
                                    outcome="诉求人表示已知晓办理结果。")

    def _rate(self):
        level = self.rng.choice(["very_satisfied", "satisfied", "satisfied", "basically_satisfied"])
        with self._at(17):
            rating.rate(self.message, level=level)

    def _redo(self):
        with self._at(17):
            rating.rate(self.message, level="unsatisfied", comment="问题没有解决。")

    def _close(self):
        with self._at(9, next_day=True):
            review.close(self.message, actor=self.staff[Role.REVIEWER])

    def _publish(self):
        message = self.message
        if not message.publish_consent:
            return
        proposal = redaction.propose(message)  # the reviewer accepts what the engine masks
        with self._at(10):
            publication.publish(message, actor=self.staff[Role.REVIEWER], subject=proposal.public["subject"],
                                body=proposal.public["body"], reply_text=proposal.public["reply"])

    def _archive(self):
        with self._at(11, next_day=True):
            review.archive(self.message, actor=self.staff[Role.DISPATCHER])


def counts_by_status() -> dict[str, int]:
    return dict(db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all())


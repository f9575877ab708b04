"""Bulk rows for the benchmarks: N assigned messages over 40 units, deadlines spread around today
(a share overdue), inserted in chunks straight into the tables (the services would take hours), with
each unit's queue rows as the services keep them (set-based, as `flask unit-rows --repair` writes them)."""
import random
from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import Assignment, Message, Unit, UnitMessage, User
from portal.queries.unit_rows import expected_rows

SUBJECTS = ["小区噪音扰民", "物业公司乱收费", "公积金提取咨询", "道路积水严重", "学位申请问题", "公交线路调整建议",
            "违章建筑举报", "路灯不亮", "垃圾清运不及时", "停车位被占"]


def populate(n: int, chunk: int = 50_000, statuses=("assigned",)) -> list[Unit]:
    rng = random.Random(5)
    units = [Unit(name=f"单位{i}", kind="department") for i in range(40)]
    db.session.add_all(units)
    db.session.flush()
    db.session.add_all(User(username=f"h{u.id}", name=f"承办人{u.id}", role="handler", unit_id=u.id,
                            phone=f"1380000{u.id:04d}", password_hash="x") for u in units)
    db.session.add(User(username="dispatcher", name="交办员", role="dispatcher", password_hash="x"))
    db.session.commit()
    today, now = clock.today(), clock.now()
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        db.session.execute(Message.__table__.insert(), [{
            "tracking_no": f"B{start + i:09d}", "query_code_hash": "x", "channel": rng.choice(["website", "hotline"]),
            "channel_level": "city", "category": rng.choice(["complaint", "consult", "help"]),
            "subject": rng.choice(SUBJECTS), "body": "详见来信。", "status": rng.choice(statuses),
            "received_at": now - timedelta(minutes=rng.randint(0, 500_000)), "updated_at": now, "version": 1,
            "publication": "pending", "redo_round": 0, "publish_consent": False, "is_emergency": False,
            "guidance": "", "publication_note": "", "topic": "", "region": rng.choice(["A3区", "A7县", "A9市"]),
        } for i in range(size)])
        ids = db.session.scalars(db.select(Message.id).where(Message.tracking_no >= f"B{start:09d}")
                                 .order_by(Message.id).limit(size)).all()
        rows = []
        for message_id in ids:
            due = today + timedelta(days=rng.randint(-20, 10))
            rows.append({"message_id": message_id, "unit_id": rng.choice(units).id, "is_lead": True,
                         "state": "active", "assigned_at": now, "start_date": due - timedelta(days=7),
                         "clock_start": due - timedelta(days=7), "period_workdays": 5, "due_date": due,
                         "due_provisional": False, "counted_workdays": 5, "extensions_used": 0,
                         "delay_explanation": ""})
        db.session.execute(Assignment.__table__.insert(), rows)
        db.session.execute(Message.__table__.update().where(Message.id == db.bindparam("mid")).values(
            lead_unit_id=db.bindparam("uid"), lead_due_date=db.bindparam("due")),
            [{"mid": r["message_id"], "uid": r["unit_id"], "due": r["due_date"]} for r in rows])
        db.session.execute(db.insert(UnitMessage).from_select(
            ["message_id", "unit_id", *UnitMessage.COPIED], expected_rows().where(Message.id.between(ids[0], ids[-1]))))
        db.session.commit()
    return units

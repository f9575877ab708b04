"""R9.2: petitioner details encrypted at rest, key rotation, and the audit of who saw them."""
from pathlib import Path

from sqlalchemy import text

from portal import crypto
from portal.extensions import db
from portal.models import Notification, Petitioner
from portal.rules.workflow import Role
from portal.services import outbox
from tests.factories import assigned, submit


def raw_petitioner(message_id):
    return db.session.execute(text("SELECT name, phone FROM petitioner WHERE message_id = :id"),
                              {"id": message_id}).one()


def test_a_copied_database_shows_no_petitioner_details(city, database_url):
    message, _ = submit(phone="13912345678")
    name, phone = raw_petitioner(message.id)
    assert "13912345678" not in phone and "张三" not in name and phone.startswith("gAAAAA")
    db.session.expire_all()
    assert db.session.get(Petitioner, message.petitioner.id).phone == "13912345678"
    if database_url.startswith("sqlite"):
        db.session.commit()
        db.session.execute(text("PRAGMA wal_checkpoint(FULL)"))
        raw = Path(database_url.removeprefix("sqlite:///")).read_bytes()
        assert b"13912345678" not in raw and "张三".encode() not in raw


def test_rotating_the_key_re_encrypts_every_row_and_drops_the_old_key(app, city, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    old_keys = crypto.load_keys(tmp_path)
    crypto.configure(old_keys)
    message, _ = submit(phone="13912345678")
    before = raw_petitioner(message.id).phone
    note = outbox.queue("rotation", channel="sms", recipient="13912345678", name="张三", body="通知", message=message)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["rotate-data-key"])
    assert result.exit_code == 0 and "重新加密 1 位" in result.output
    new_keys = crypto.load_keys(tmp_path)
    assert len(new_keys) == 1 and new_keys != old_keys
    after = raw_petitioner(message.id).phone
    assert after != before
    db.session.expire_all()
    assert db.session.get(Petitioner, message.petitioner.id).phone == "13912345678"
    assert db.session.get(Notification, note.id).recipient == "13912345678"  # the outbox is re-encrypted too
    crypto.configure([old_keys[0]])
    try:
        crypto.decrypt(after)
        raise AssertionError("the old key must no longer open the data")
    except crypto.KeyError_:
        pass
    finally:
        crypto.configure(crypto.load_keys(Path(app.root_path).parent / "instance"))


def test_reveals_are_listed_in_the_audit_view(client, city):
    from tests.test_admin import sign_in

    message = assigned(city, "2026-11-20")
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    client.post(f"/admin/messages/{message.id}/reveal")
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    assert client.get("/admin/audit").status_code == 403
    for role in (Role.ADMIN, Role.SUPERVISOR):
        sign_in(client, city.user(role))
        page = client.get("/admin/audit").get_data(as_text=True)
        assert "查看诉求人信息" in page and "住建局handler" in page and message.tracking_no in page

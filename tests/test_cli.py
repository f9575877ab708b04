"""The flask commands: seed-demo, tick, create-user, calendar."""
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Message, Notification, OverdueWarning, Unit, User
from portal.rules.workflow import Role, Status


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_seed_demo_builds_a_city_with_messages_in_every_status_then_tick_warns(cli):
    result = cli.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "演示账号" in result.output and "dispatcher" in result.output and "交办员" in result.output
    assert "（市住房和城乡建设局）" in result.output
    kinds = dict(db.session.execute(select(Unit.kind, func.count()).group_by(Unit.kind)).all())
    assert kinds["department"] >= 12 and kinds["county"] == 3 and kinds["township"] >= 3
    assert kinds["enterprise"] == 2
    counties = db.session.scalars(select(Unit).where(Unit.kind == "county")).all()
    assert all(county.children for county in counties)
    assert {u.role for u in db.session.scalars(select(User))} == {r.value for r in Role if r != Role.CITIZEN}
    statuses = dict(db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all())
    assert set(statuses) == {s.value for s in Status}
    assert sum(statuses.values()) >= 200
    assert db.session.scalar(select(func.count()).where(Message.publication == "published")) > 0
    assert db.session.scalar(select(func.count()).where(Message.redo_round == 1)) > 0
    # every unit's queue rows, kept by the services through the whole demo, match the assignments
    rows = cli.invoke(args=["unit-rows"])
    assert rows.exit_code == 0 and "缺少 0 行，多出 0 行，内容不一致 0 件" in rows.output, rows.output

    first = cli.invoke(args=["tick"])
    assert first.exit_code == 0 and "新增预警" in first.output
    sent = int(re.search(r"发送通知：成功 (\d+) 条，稍后重试 0 条，失败 0 条", first.output).group(1))
    assert sent == db.session.scalar(select(func.count()).where(Notification.status == "sent")) > 0
    assert "成功 0 条" in cli.invoke(args=["send-notifications"]).output  # the log sender took them all
    levels = set(db.session.scalars(select(OverdueWarning.level)))
    assert levels == {"blue", "yellow", "red", "inspection"}, "the demo is overdue at every LN level"
    second = cli.invoke(args=["tick"])
    assert "提醒 0 件；新增预警：无" in second.output

    again = cli.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "跳过" in again.output
    refused = cli.invoke(args=["seed-demo"])
    assert refused.exit_code != 0 and "已有数据" in refused.output


def test_calendar_add_workdays_prints_the_due_date_and_says_when_provisional(cli):
    result = cli.invoke(args=["calendar", "add-workdays", "2025-09-30", "5"])
    assert "2025-10-14（2025年10月14日，周二）" in result.output and "暂定" not in result.output
    result = cli.invoke(args=["calendar", "add-workdays", "2026-12-30", "2"])
    assert "2027-01-04" in result.output and "暂定" in result.output
    result = cli.invoke(args=["calendar", "add-workdays", "30/09/2025", "5"])
    assert result.exit_code == 2 and "2026-11-23 的格式" in result.output


def test_calendar_set_show_and_confirm(cli):
    assert "调休上班" in cli.invoke(args=["calendar", "show", "2025"]).output
    shown = cli.invoke(args=["calendar", "show", "2027"]).output
    assert "尚未录入" in shown and "2027-10-01" in shown
    cli.invoke(args=["calendar", "set", "2027-02-06", "workday", "春节调休"])
    assert "2027-02-06 周六  调休上班（管理员设置）" in cli.invoke(args=["calendar", "show", "2027"]).output
    cli.invoke(args=["calendar", "confirm", "2027"])
    assert "尚未录入" not in cli.invoke(args=["calendar", "show", "2027"]).output


def test_calendar_import_reports_a_bad_file_clearly(cli, tmp_path):
    bad = tmp_path / "days.csv"
    bad.write_text("2027-01-01,maybe\n", encoding="utf-8")
    result = cli.invoke(args=["calendar", "import", str(bad)])
    assert result.exit_code == 1 and "第1行格式不对" in result.output and "Traceback" not in result.output


def test_create_user_checks_its_input(cli, city):
    ok = cli.invoke(args=["create-user", "wang.li", "--name", "王丽", "--role", "handler", "--unit", "住建局",
                          "--password", "a-long-password"])
    assert ok.exit_code == 0, ok.output
    user = db.session.scalar(select(User).where(User.username == "wang.li"))
    assert user.unit.name == "住建局" and user.check_password("a-long-password")
    no_unit = cli.invoke(args=["create-user", "zhao", "--name", "赵", "--role", "handler", "--password", "x" * 12])
    assert no_unit.exit_code == 1 and "须指定所属单位" in no_unit.output
    short = cli.invoke(args=["create-user", "zhao", "--name", "赵", "--role", "admin", "--password", "short"])
    assert short.exit_code == 1 and "密码至少10位" in short.output
    unknown = cli.invoke(args=["create-user", "zhao", "--name", "赵", "--role", "handler", "--unit", "无此单位",
                               "--password", "x" * 12])
    assert "没有名为“无此单位”的单位" in unknown.output

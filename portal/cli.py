"""`flask --app wsgi …` commands: seed-demo, tick, create-user, calendar."""
import os
from datetime import date
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from .extensions import db
from .models import Unit
from .rules.workdays import add_workdays
from .rules.workflow import staff_label
from .services import SYSTEM, DomainError, accounts, outbox, reminders
from .services import calendar as calendar_service
from .services.common import load_calendar


def register_commands(app: Flask) -> None:
    for command in (seed_demo, tick, send_notifications, create_user, calendar, reindex, rotate_data_key, import_xlsx,
                    api_key, routing, unit_rows, repeats):
        app.cli.add_command(command)


def _fail(exc: Exception):
    raise click.ClickException(str(exc))


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是日期，请写成 2026-11-23 的格式。") from None


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has units.")
@click.option("--archive", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="附件4.xlsx：把整份真实答复档案经审核、隐去个人信息后公开")
def seed_demo(if_empty: bool, archive: Path | None):
    """Load the demo city, its staff and real messages in every state."""
    from .demo.seed import PLAN, counts_by_status, database_is_empty, seed

    if not database_is_empty():
        if if_empty:
            click.echo("数据库已有数据，跳过演示数据。")
            return
        raise click.ClickException("数据库已有数据。演示数据只能装入空数据库（先删除 instance/wenzheng.db）。")
    total = sum(count for _, count in PLAN)
    click.echo(f"正在生成演示数据：{total} 件留言，按真实办理流程逐件办理…")
    accounts = seed()
    if archive:
        _load_archive(archive)
    click.echo("各状态留言件数：" + "，".join(f"{staff_label(k)} {v}" for k, v in sorted(counts_by_status().items())))
    click.echo("\n演示账号（密码只显示这一次，请记下）：")
    for label, username, password in accounts:
        click.echo(f"  {username:<22} {password:<14} {label}")
    click.echo("其他承办单位人员的用户名为 u<单位编号>-handler / -deputy-head / -principal-head，密码同其角色。")


def _load_archive(path: Path) -> None:
    from .demo import archive as demo_archive
    from .routing import store
    from .services.importing import read_rows

    if store.model_or_train() is not None:  # the archive's topics come from the routing classifier
        click.echo(f"分类模型：{store.model_path()}")
    rows = read_rows(path)
    with click.progressbar(length=2 * len(rows), label=f"导入并公开 {path.name}") as bar:
        report = demo_archive.load(path.stem, rows, progress=bar.update)
    click.echo(f"档案：导入 {report.taken} 件，公开 {report.published} 件；"
               f"跳过 {sum(report.skipped.values())} 件"
               + ("（" + "，".join(f"{why} {n}" for why, n in report.skipped.most_common()) + "）" if report.skipped
                  else "") + "。")


@click.command()
@click.option("--today", "today", type=str, default=None, help="Run as of this date (YYYY-MM-DD).")
def tick(today: str | None):
    """Reminders, overdue warnings and deductions, overdue supervision. Safe to run repeatedly, and on
    several hosts at once: only one run works at a time, the others say so and deliver the outbox."""
    try:
        report = reminders.tick(_day(today) if today else None)
    except DomainError as exc:  # another host is running it
        click.echo(str(exc))
        _echo_delivery(outbox.deliver())
        return
    from .queries.common import policy

    levels = "，".join(f"{policy().warning_label(k)} {v}" for k, v in report.warnings.items()) or "无"
    click.echo(f"提醒 {report.reminders} 件；新增预警：{levels}；扣分合计 {report.points:g}；"
               f"督办超期 {report.supervision_overdue} 件；重新计算期限 {report.recomputed} 件；"
               f"待发送通知 {report.notifications} 条；分析报告文本挖掘：{'、'.join(report.mined) or '无变化'}。")
    _echo_delivery(outbox.deliver())


@click.command("send-notifications")
def send_notifications():
    """Deliver the outbox now (tick does it too); failures are retried later with growing pauses."""
    _echo_delivery(outbox.deliver())


def _echo_delivery(report) -> None:
    click.echo(f"发送通知：成功 {report.sent} 条，稍后重试 {report.retrying} 条，失败 {report.failed} 条。")


@click.command("unit-rows")
@click.option("--repair", is_flag=True, help="比对并只重写有差异的留言的各单位队列行")
def unit_rows(repair: bool):
    """Compare each unit's queue rows with the assignments and the messages (a row without an
    assignment would show a unit too much); with --repair, rewrite the rows of the messages that differ.
    Exits 1 while a difference remains."""
    from .queries.unit_rows import drift
    from .services import unit_rows as keeper

    found = drift()
    click.echo(f"单位队列行：缺少 {len(found.missing)} 行，多出 {len(found.extra)} 行，"
               f"内容不一致 {len(found.stale)} 件留言。")
    if found and repair:
        keeper.repair(found)
        found = drift()
        click.echo(f"已修正；修正后差异 {len(found.message_ids)} 件留言。")
    if found:
        raise SystemExit(1)


@click.command()
@click.option("--check", is_flag=True, help="只比对数据库与索引，报告差异")
@click.option("--repair", is_flag=True, help="比对并只修正有差异的留言")
def reindex(check: bool, repair: bool):
    """Rebuild the search index from the published public versions in the database; or, with --check,
    report where the index differs from the database (--repair: fix just those)."""
    from . import search
    from .queries.projection import count_published

    if check or repair:
        drift = search.check()
        click.echo(f"搜索索引（{search.backend_name()}）：缺少 {len(drift.missing)} 件，多出 {len(drift.extra)} 件，"
                   f"内容不一致 {len(drift.stale)} 件；待处理索引任务 {drift.pending} 条。")
        for label, ids in (("缺少", drift.missing), ("多出", drift.extra), ("不一致", drift.stale)):
            if ids:
                click.echo(f"  {label}：" + "、".join(map(str, ids[:20])) + ("……" if len(ids) > 20 else ""))
        if repair and (drift or drift.pending):
            applied = search.repair(drift)
            after = search.check()
            click.echo(f"已修正：应用索引任务 {applied.applied} 条；修正后差异 {len(after.ids)} 件。")
            if after:
                raise SystemExit(1)
        elif check and drift:
            raise SystemExit(1)
        return
    total = count_published()
    with click.progressbar(length=total, label="重建搜索索引", show_pos=True) as bar:
        done = [0]

        def advance(count):
            bar.update(count - done[0])
            done[0] = count

        indexed = search.reindex(progress=advance)
    click.echo(f"已索引 {indexed} 件公开留言。")


@click.command("import-xlsx")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--channel", default=None, help="来源渠道代码（默认网上留言渠道）")
@click.option("--column", "columns", multiple=True, metavar="原列名=字段",
              help="列对应：字段为 number user subject received body reply answered topic")
@click.option("--dry-run", is_flag=True, help="只检查，不写入")
@click.option("--limit", type=int, default=None, help="只导入前 N 行")
@click.option("--consent-to-publish", is_flag=True, help="来源已公开的数据：视为同意公开")
def import_xlsx(file: Path, channel, columns, dry_run, limit, consent_to_publish):
    """Import a channel's spreadsheet (.xlsx, .xls, .csv); re-importing the same file adds nothing."""
    from .services import importing

    mapping = {}
    for item in columns:
        name, _, field_name = item.partition("=")
        if not field_name:
            raise click.BadParameter(f"“{item}”应写成 原列名=字段，如 标题=subject。")
        mapping[name.strip()] = field_name.strip()
    from .services.common import policy

    try:
        rows = importing.read_rows(file, mapping)[:limit]
        with click.progressbar(length=len(rows), label=f"{'检查' if dry_run else '导入'} {file.name}") as bar:
            report = importing.import_rows(rows, source=file.stem, channel=channel or policy().web_channel,
                                           actor=SYSTEM, dry_run=dry_run, publish_consent=consent_to_publish,
                                           progress=bar.update)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"{'可导入' if dry_run else '已导入'} {report.taken} 行（其中已答复 {report.answered} 行）；"
               f"跳过 {sum(report.skipped.values())} 行" +
               ("：" + "，".join(f"{why} {n}" for why, n in report.skipped.most_common()) if report.skipped else "。"))
    if report.units:
        click.echo("答复单位：" + "，".join(f"{name} {n}" for name, n in report.units.most_common(10)))
    if report.unknown_units:
        click.echo("单位表中没有的答复单位（添加后重新导入即可，已导入的不会重复）："
                   + "，".join(f"{name} {n}" for name, n in report.unknown_units.most_common(10)))


@click.command("rotate-data-key")
def rotate_data_key():
    """Encrypt every petitioner's details and the outbox's recipients with a new key, then drop the old keys."""
    from flask import current_app

    from . import crypto
    from .models import Notification, Petitioner

    if os.environ.get("WENZHENG_DATA_KEYS"):
        raise click.ClickException(
            "密钥来自环境变量 WENZHENG_DATA_KEYS：请把新密钥放在最前面（逗号分隔，旧密钥保留），重启后再运行本命令，"
            f"完成后删除旧密钥。新密钥可用：{crypto.Fernet.generate_key().decode()}")
    path = Path(current_app.instance_path) / crypto.KEY_FILE
    old = crypto.load_keys(Path(current_app.instance_path))
    new = crypto.Fernet.generate_key().decode()
    crypto.write_key_file(path, [new, *old])  # old keys stay until every row is re-encrypted
    crypto.configure([new, *old])
    with click.progressbar(length=db.session.query(Petitioner).count(), label="重新加密诉求人信息") as bar:
        count = crypto.rotate_rows(Petitioner.__table__, progress=bar.update)
    with click.progressbar(length=db.session.query(Notification).count(), label="重新加密通知收件人") as bar:
        crypto.rotate_rows(Notification.__table__, progress=bar.update)  # encrypted too: it names the recipients
    db.session.commit()
    crypto.write_key_file(path, [new])
    crypto.configure([new])
    click.echo(f"已用新密钥重新加密 {count} 位诉求人的信息，旧密钥已删除。")


@click.command("create-user")
@click.argument("username")
@click.option("--name", required=True, help="姓名")
@click.option("--role", required=True, help="operator, dispatcher, handler, deputy_head, principal_head, reviewer, "
                                            "supervisor or admin")
@click.option("--unit", "unit_name", default=None, help="所属单位全称（承办单位人员必填）")
@click.option("--phone", default="")
@click.option("--email", default="")
@click.password_option(help="至少10位")
def create_user(username, name, role, unit_name, phone, email, password):
    """Create a staff account."""
    unit = None
    if unit_name:
        unit = db.session.scalar(select(Unit).where(Unit.name == unit_name))
        if unit is None:
            raise click.ClickException(f"没有名为“{unit_name}”的单位。")
    try:
        user = accounts.create_user(username=username, name=name, role=role, password=password, unit=unit,
                                    phone=phone, email=email, actor=SYSTEM)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"已创建用户 {user.username}（{user.role}）。")


@click.group()
def calendar():
    """The working-day calendar: show, set, import, confirm, add-workdays."""


@calendar.command("show")
@click.argument("year", type=int)
def calendar_show(year: int):
    """List the year's holidays on weekdays and its make-up workdays."""
    cal = load_calendar()
    day, odd = date(year, 1, 1), []
    while day.year == year:
        workday = cal.is_workday(day)
        if workday != (day.weekday() < 5):
            odd.append(f"  {day:%Y-%m-%d} 周{'一二三四五六日'[day.weekday()]}  {'调休上班' if workday else '放假'}"
                       f"{'（管理员设置）' if day in cal.overrides else ''}")
        day = date.fromordinal(day.toordinal() + 1)
    if not cal.is_official(year):
        click.echo(f"注意：{year}年的官方放假安排尚未录入，以下按周末和固定日期节假日推算，"
                   f"期限为暂定；请用 `calendar import` 录入后自动重算。")
    click.echo(f"{year}年与平常不同的日子（共{len(odd)}天）：")
    click.echo("\n".join(odd) or "  无")


@calendar.command("set")
@click.argument("day")
@click.argument("kind", type=click.Choice(["workday", "holiday"]))
@click.argument("note", required=False, default="")
def calendar_set(day: str, kind: str, note: str):
    """Mark DAY as a workday (e.g. 调休上班) or a holiday."""
    changed = calendar_service.set_day(_day(day), is_workday=kind == "workday", note=note, actor=SYSTEM)
    click.echo(f"{day} 已设为{'工作日' if kind == 'workday' else '休息日'}；重新计算期限 {changed} 件。")


@calendar.command("confirm")
@click.argument("year", type=int)
@click.option("--source", default="国务院办公厅放假安排通知", help="依据")
def calendar_confirm(year: int, source: str):
    """Declare YEAR's official days fully entered; its deadlines stop being provisional."""
    changed = calendar_service.confirm_year(year, source=source, actor=SYSTEM)
    click.echo(f"{year}年已确认为官方日历；重新计算期限 {changed} 件。")


@calendar.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def calendar_import(file: Path):
    """Import days from CSV (date,workday|holiday,note) or iCalendar; confirms the years in it."""
    try:
        per_year, changed = calendar_service.import_file(file, actor=SYSTEM)
    except DomainError as exc:
        _fail(exc)
    click.echo("已导入：" + "，".join(f"{y}年 {n} 天" for y, n in sorted(per_year.items()))
               + f"；重新计算期限 {changed} 件。")


@calendar.command("add-workdays")
@click.argument("start")
@click.argument("n", type=int)
def calendar_add_workdays(start: str, n: int):
    """Print the due date N working days after START (START is day zero)."""
    cal = load_calendar()
    begin = _day(start)
    due = add_workdays(begin, n, cal)
    click.echo(f"{due:%Y-%m-%d}（{due.year}年{due.month}月{due.day}日，周{'一二三四五六日'[due.weekday()]}）")
    if cal.is_provisional(begin, due):
        click.echo("注意：该期限为暂定——所跨年份的官方放假安排尚未录入。")




@click.group("api-key")
def api_key():
    """Keys of the Open311 API's clients."""


@api_key.command("create")
@click.argument("client")
def api_key_create(client: str):
    """Issue a key for CLIENT and print it (only its hash is kept)."""
    from .services import api_keys

    try:
        _, key = api_keys.issue_key(client, actor=SYSTEM)
    except DomainError as exc:
        _fail(exc)
    click.echo(key)


@api_key.command("revoke")
@click.argument("client")
def api_key_revoke(client: str):
    """Revoke every active key of CLIENT."""
    from .models import ApiKey
    from .services import api_keys

    keys = db.session.scalars(select(ApiKey).where(ApiKey.client == client, ApiKey.revoked_at.is_(None))).all()
    for item in keys:
        api_keys.revoke_key(item.id, actor=SYSTEM)
    click.echo(f"已撤销 {len(keys)} 个密钥。")


@click.group("routing")
def routing():
    """The topic classifier behind the routing suggestions."""


@routing.command("train")
@click.option("--file", "files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="附件2 格式的已标注文件（留言主题、留言详情、一级分类/一级标签）；默认用共享数据中的两份标注数据")
@click.option("--no-database", is_flag=True, help="不使用本平台已交办留言的领域")
@click.option("--if-missing", is_flag=True, help="已有模型时什么也不做")
def routing_train(files: tuple[Path, ...], no_database: bool, if_missing: bool):
    """Train on the labelled files and the office's own decisions; save the model under instance/."""
    from .routing import store
    from .services.importing import read_rows

    if if_missing and store.current_model() is not None:
        click.echo(f"模型已存在：{store.model_path()}")
        return
    examples = ([e for path in files for e in store.examples_from_rows(read_rows(path))] if files
                else store.labelled_examples())
    office = [] if no_database else store.office_examples()
    try:
        model = store.train_and_save(examples + office)
    except (ValueError, DomainError) as exc:
        _fail(exc)
    click.echo(f"已训练：{model.trained_on} 条（其中本平台交办 {len(office)} 条），用时 {model.seconds:.1f} 秒，"
               f"保存于 {store.model_path()}")


@routing.command("evaluate")
@click.option("--train", "train_files", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="训练文件（附件2 格式）")
@click.option("--test", "test_files", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="测试文件（附件2 格式）")
def routing_evaluate(train_files: tuple[Path, ...], test_files: tuple[Path, ...]):
    """Train on --train only, then print precision, recall and F1 per topic on --test and the macro-F1."""
    from .routing.classifier import TopicModel, evaluate, examples_from_rows
    from .services.importing import read_rows

    def examples(paths):
        return [e for path in paths for e in examples_from_rows(read_rows(path))]

    try:
        model = TopicModel.train(examples(train_files))
        test = examples(test_files)
        if not test:
            raise ValueError("测试文件中没有已标注的留言。")
        result = evaluate(model, test)
    except (ValueError, DomainError) as exc:
        _fail(exc)
    click.echo(f"训练 {model.trained_on} 条，用时 {model.seconds:.1f} 秒；测试 {len(test)} 条")
    click.echo(f"{'领域':<10}{'精确率':>8}{'召回率':>8}{'F1':>8}{'条数':>6}")
    for topic, precision, recall, f1, support in result.rows:
        click.echo(f"{topic:<10}{precision:>8.3f}{recall:>8.3f}{f1:>8.3f}{support:>6}")
    click.echo(f"macro-F1 {result.macro_f1:.3f}")


@click.group("repeats")
def repeats():
    """The index behind the repeat hints at intake (portal/similarity.py)."""


@repeats.command("reindex")
def repeats_reindex():
    """Rebuild the repeat hints' index from every message (after the migration or a new SECRET_KEY)."""
    from . import similarity

    click.echo(f"已重建重复件提示索引：{similarity.reindex_all()} 件留言。")

"""Bulk import of channel spreadsheets (R1.3): .xlsx, .xls and .csv, as channels deliver them.

Each row becomes a message on the given channel; a row with a reply becomes an answered, closed
message of the unit recognised in the reply. Rows are keyed by their source reference, so a
re-import creates no duplicates. One event per imported message records the file and row.
"""
import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from .. import clock, similarity
from ..extensions import db
from ..models import Assignment, Message, Reply, Unit
from ..rules.text import clean
from ..rules.workflow import Status
from .common import DomainError, add_workdays, policy, record
from .deadlines import keep_lead_on_message
from .intake import new_message
from .unit_rows import keep_unit_rows

# Source column → field. The layouts of ../shared/data/wenzheng-2020 need nothing more.
COLUMNS = {"留言编号": "number", "编号": "number", "留言用户": "user", "留言人": "user", "留言主题": "subject",
           "标题": "subject", "主题": "subject", "留言时间": "received", "来信时间": "received", "留言详情": "body",
           "内容": "body", "留言内容": "body", "答复意见": "reply", "答复内容": "reply", "答复时间": "answered",
           "一级分类": "topic", "一级标签": "topic"}
DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
                "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")


@dataclass
class Report:
    taken: int = 0
    answered: int = 0
    skipped: Counter = field(default_factory=Counter)
    units: Counter = field(default_factory=Counter)
    unknown_units: Counter = field(default_factory=Counter)  # unit-like names to add to the unit table


def read_rows(path: Path, mapping: dict[str, str] | None = None) -> list[dict]:
    """Rows as {field: value} with the header mapped; unknown columns are dropped."""
    table = _read_table(path)
    if not table:
        raise DomainError(f"{path.name} 是空文件。")
    columns = {**COLUMNS, **(mapping or {})}
    header = [str(cell or "").strip() for cell in table[0]]
    fields = [columns.get(name) for name in header]
    if "subject" not in fields or "body" not in fields:
        raise DomainError(f"{path.name} 中找不到标题和内容列（表头：{'、'.join(h for h in header if h)}）。"
                          "请用 --column 原列名=subject 指定。")
    return [{f: value for f, value in zip(fields, row, strict=False) if f} | {"_row": index}
            for index, row in enumerate(table[1:], start=2)]


def _read_table(path: Path) -> list[list]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        return [list(row) for row in openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)]
    if suffix == ".xls":
        import xlrd

        book = xlrd.open_workbook(path)
        sheet = book.sheet_by_index(0)
        return [[_xls_cell(sheet.cell(r, c), book.datemode) for c in range(sheet.ncols)] for r in range(sheet.nrows)]
    if suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))  # quoted newlines stay
            except UnicodeDecodeError:
                continue
    raise DomainError(f"不支持的文件类型：{path.suffix}（支持 .xlsx、.xls、.csv）。")


def _xls_cell(cell, datemode):
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate_as_datetime(cell.value, datemode)
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    return cell.value


def parse_time(value) -> datetime | None:
    """Text dates in the data's forms, Excel dates, and Excel serial numbers; None if unreadable."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # an Excel serial day number
        from datetime import timedelta

        return datetime(1899, 12, 30) + timedelta(days=float(value))
    text = clean(str(value or "")).replace("  ", " ")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def recognise_unit(reply: str, units: list[Unit]) -> Unit | None:
    """The replying unit: the unit named last in the reply (its signature), by full or short name."""
    best, best_at = None, -1
    for unit in units:
        for name in _aliases(unit):
            at = reply.rfind(name)
            if at > best_at or (at == best_at and at >= 0 and best and len(name) > len(best.name)):
                best, best_at = unit, at
    return best if best_at >= 0 else None


UNIT_LIKE = re.compile(r"(?:[A-Z]\d*[市区县])?[\u4e00-\u9fa5]{2,12}?(?:人民政府|管理委员会|管委会|街道办事处|委员会|"
                       r"局|委|办公室|中心|公司|街道|镇|乡)")


def unit_like_name(reply: str) -> str | None:
    """The unit a reply seems to be signed by (its last line), for the report of units to add."""
    tail = reply[-60:]
    names = [n for n in UNIT_LIKE.findall(tail) if not n.startswith(("我", "本", "请", "感谢", "您"))]
    return names[-1] if names else None


def _aliases(unit: Unit) -> set[str]:
    names = {unit.name, unit.short_name}
    for name in list(names):
        if name and name.startswith("市"):
            names.add("A" + name)  # the data writes A市住房和城乡建设局
        if name and name.endswith("人民政府"):
            names.add(name.removesuffix("人民政府"))
    return {n for n in names if n and len(n) >= 3}


def import_rows(rows: list[dict], *, source: str, channel: str, actor, dry_run: bool = False,
                publish_consent: bool = False, progress=lambda n: None, route=None) -> Report:
    """Import ``rows`` (from read_rows); ``publish_consent`` for data that was public at its source.
    ``route(row)`` names the unit of an answered row whose reply names none the table knows (the
    demo uses it; a real import leaves it out and reports the unknown units instead)."""
    policy().channel(channel)
    units = db.session.scalars(select(Unit).where(Unit.active, Unit.kind != "platform")).all()
    seen = set(db.session.scalars(select(Message.source_ref).where(Message.source_ref.like(f"{source}:%"))))
    report = Report()
    for row in rows:
        progress(1)
        reason = _import_one(row, source=source, channel=channel, actor=actor, units=units, seen=seen,
                             report=report, dry_run=dry_run, publish_consent=publish_consent, route=route)
        if reason:
            report.skipped[reason] += 1
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def _source_ref(source: str, row: dict) -> str:
    number = str(row.get("number") or "").strip()
    if number:
        return f"{source}:{number}"[:120]
    digest = hashlib.sha1(f"{row.get('subject')}|{row.get('body')}|{row.get('received')}".encode()).hexdigest()
    return f"{source}:#{digest[:16]}"


def _import_one(row, *, source, channel, actor, units, seen, report, dry_run, publish_consent,
                route=None) -> str | None:
    subject, body = clean(str(row.get("subject") or ""))[:200], clean(str(row.get("body") or ""))[:5000]
    if not subject or not body:
        return "缺少标题或内容"
    ref = _source_ref(source, row)
    if ref in seen:
        return "已导入过"
    received = parse_time(row.get("received"))
    if received is None:
        return "留言时间无法识别"
    reply_text = clean(str(row.get("reply") or ""))
    answered = parse_time(row.get("answered")) if reply_text else None
    if reply_text and answered is None:
        return "答复时间无法识别"
    unit = recognise_unit(reply_text, units) if reply_text else None
    if reply_text and unit is None and route is not None:
        unit = route(row)
    if reply_text and unit is None:
        if name := unit_like_name(reply_text):
            report.unknown_units[name] += 1
        return "答复单位无法识别"
    seen.add(ref)
    report.taken += 1
    if dry_run:
        report.answered += bool(reply_text)
        return None
    fields = {"category": "other", "subject": subject, "body": body, "name": clean(str(row.get("user") or "")),
              "phone": "", "email": "", "address": "", "topic": clean(str(row.get("topic") or ""))[:40],
              "region": (re.findall(r"A\d+[区县市]", subject + body) or [""])[0]}
    with clock.frozen(clock.china_to_utc(received)):
        message, _ = new_message(fields, channel=channel, publish_consent=publish_consent, with_query_code=False)
    message.source_ref, message.received_at = ref, clock.china_to_utc(received)
    message.status = Status.RECEIVED
    db.session.add(message)
    similarity.index_message(message)
    if reply_text:
        _answered(message, unit, reply_text, answered)
        report.answered += 1
        report.units[unit.name] += 1
    record(message, "import", actor=actor, source=source, row=row["_row"], answered=bool(reply_text))
    return None


def _answered(message, unit, text, answered) -> None:
    """A historical answer: assigned on receipt, answered and closed when the reply was given."""
    start = clock.local_date(message.received_at)
    due = add_workdays(start, policy().deadline(message.category).close)
    assignment = Assignment(unit=unit, is_lead=True, state="done", start_date=start, clock_start=start,
                            period_workdays=policy().deadline(message.category).close, due_date=due,
                            counted_workdays=0, assigned_at=message.received_at,
                            finished_at=clock.china_to_utc(answered))
    message.assignments.append(assignment)
    keep_lead_on_message(message)
    message.replies.append(Reply(assignment=assignment, unit=unit, kind="answer", state="approved",
                                 handled_on=answered.date(), result="见答复正文", basis="见答复正文",
                                 contact_note="在线答复", body=text[:5000], submitted_at=clock.china_to_utc(answered)))
    message.status = Status.CLOSED
    message.answered_at = message.closed_at = clock.china_to_utc(answered)
    keep_unit_rows(message)

"""R1.3 bulk import of channel spreadsheets, on the real files of ../shared/data/wenzheng-2020."""
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Event, Message, Unit
from portal.rules.workflow import Status
from portal.services import SYSTEM, DomainError, importing

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wenzheng-2020"
needs_data = pytest.mark.skipif(not DATA.exists(), reason="../shared/data/wenzheng-2020 is not beside the repository")


@pytest.fixture
def units(app):
    made = [Unit(name=n, short_name=s, kind="department") for n, s in (
        ("市交通运输局", "市交通运输局"), ("市公安局", "市公安局"), ("A3区人民政府", "A3区"), ("市教育局", "市教育局"))]
    db.session.add_all(made)
    db.session.commit()
    return made


def count(model=Message):
    return db.session.scalar(select(func.count()).select_from(model))


@needs_data
def test_the_real_answered_archive_imports_once_with_its_units(units):
    rows = importing.read_rows(DATA / "附件4.xlsx")[:400]
    report = importing.import_rows(rows, source="附件4", channel="website", actor=SYSTEM)
    assert report.taken == count() > 20 and report.answered == report.taken
    assert report.skipped["答复单位无法识别"] == 400 - report.taken
    message = db.session.scalar(select(Message).order_by(Message.id))
    assert message.status == Status.CLOSED and message.replies[0].state == "approved"
    assert message.replies[0].unit.name in {u.name for u in units}
    assert message.answered_at > message.received_at and "\t" not in message.body
    assert count(Event) == report.taken
    again = importing.import_rows(rows, source="附件4", channel="website", actor=SYSTEM)
    assert again.taken == 0 and again.skipped["已导入过"] == report.taken and count() == report.taken


@needs_data
def test_the_old_excel_format_and_its_topic_labels(app):
    rows = importing.read_rows(DATA / "附件2_标注子集1842.xls")[:30]
    report = importing.import_rows(rows, source="附件2", channel="hotline", actor=SYSTEM)
    assert report.taken == 30 and report.answered == 0
    messages = db.session.scalars(select(Message)).all()
    assert all(m.status == Status.RECEIVED and m.channel == "hotline" for m in messages)
    labels = set("城乡建设 劳动和社会保障 教育文体 商贸旅游 环境保护 卫生计生 交通运输".split())
    assert {m.topic for m in messages} <= labels


def test_the_quirks_of_real_channel_files(units, tmp_path):
    csv = tmp_path / "channel.csv"
    csv.write_text("\n".join([
        "留言编号,留言用户,留言主题,留言时间,留言详情,答复意见,答复时间",
        '1,U1,"\t\t路灯不亮","2019/4/25 9:32:09","\n\t\t\t\t\t\u3000夜里路灯不亮\xa0，请修复。",,',
        '2,U2,公交改线,2018/4/24,公交线路改了很不方便。,"网友您好！经研究……市交通运输局 2018年5月2日",2018/5/2',
        "3,U3,学位咨询,43466,学位如何申请？,,",
        '1,U1,"路灯不亮","2019/4/25 9:32:09",重复的一行,,',
        "4,U4,,2019/1/1,没有标题,,",
        "5,U5,时间不对,去年,内容,,",
    ]), encoding="utf-8")
    rows = importing.read_rows(csv)
    assert importing.import_rows(rows, source="ch", channel="website", actor=SYSTEM, dry_run=True).taken == 3
    assert count() == 0, "a dry run writes nothing"
    report = importing.import_rows(rows, source="ch", channel="website", actor=SYSTEM)
    assert report.taken == 3 and report.answered == 1
    assert dict(report.skipped) == {"已导入过": 1, "缺少标题或内容": 1, "留言时间无法识别": 1}
    lamp, bus, school = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert lamp.subject == "路灯不亮" and lamp.body == "夜里路灯不亮 ，请修复。"
    assert bus.status == Status.CLOSED and bus.replies[0].unit.name == "市交通运输局"
    assert bus.replies[0].handled_on.isoformat() == "2018-05-02"
    from portal.services.intake import find_by_tracking

    assert find_by_tracking(lamp.tracking_no, "") is None, "imported messages have no query code here"
    assert school.received_at.date().isoformat() == "2018-12-31"  # Excel day 43466 is 2019-01-01, China time


@pytest.mark.parametrize(("value", "expected"), [
    ("2019/4/25 9:32:09", datetime(2019, 4, 25, 9, 32, 9)), ("2018/4/24", datetime(2018, 4, 24)),
    (" 2019-02-28 11:25 ", datetime(2019, 2, 28, 11, 25)), (43466, datetime(2019, 1, 1)),
    ("43466", datetime(2019, 1, 1)),
    (datetime(2020, 1, 2, 3, 4), datetime(2020, 1, 2, 3, 4)), ("去年", None), (None, None),
])
def test_dates_in_every_form_the_channels_use(value, expected):
    assert importing.parse_time(value) == expected


def test_a_file_without_subject_or_body_columns_is_refused_clearly(app, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("编号,说明\n1,x\n", encoding="utf-8")
    with pytest.raises(DomainError, match="找不到标题和内容列.*编号、说明.*--column"):
        importing.read_rows(odd)
    with pytest.raises(DomainError, match="不支持的文件类型"):
        importing.read_rows(tmp_path / "x.pdf")
    mapped = tmp_path / "mapped.csv"
    mapped.write_text("事由,正文,日期\n占道经营,夜市占道经营。,2019/5/1\n", encoding="utf-8")
    rows = importing.read_rows(mapped, {"事由": "subject", "正文": "body", "日期": "received"})
    assert importing.import_rows(rows, source="m", channel="website", actor=SYSTEM).taken == 1


@needs_data
def test_the_command_reports_and_refuses_bad_input(app, units):
    cli = app.test_cli_runner()
    result = cli.invoke(args=["import-xlsx", str(DATA / "附件4.xlsx"), "--limit", "60", "--dry-run"])
    assert result.exit_code == 0 and "可导入" in result.output and "跳过" in result.output
    assert count() == 0
    bad = cli.invoke(args=["import-xlsx", str(DATA / "附件4.xlsx"), "--column", "标题"])
    assert bad.exit_code == 2 and "原列名=字段" in bad.output

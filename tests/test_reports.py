"""R10.1 the monthly/quarterly analysis report and R1.4 the channel reconciliation, with both exports."""
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from portal.extensions import db
from portal.queries.reports import analysis, reconciliation
from portal.rules.periods import Period
from portal.rules.workflow import Role
from portal.services import intake
from tests.conftest import on
from tests.factories import assigned
from tests.oversight_fixture import make_month
from tests.test_admin import sign_in

NOVEMBER = Period.parse("2026-11")


def breakdown(report, key):
    return {row.label: (row.count, row.previous, row.change) for row in
            next(b for b in report.breakdowns if b.key == key).rows}


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_volumes_rates_and_change_against_the_previous_month(city, policy_name):
    make_month(city)
    report = analysis(NOVEMBER)
    assert (report.received, report.previous_received, report.change) == (4, 1, 300.0)
    # CZ has no rating-triggered redo: the late reply stays answered (and late)
    assert (report.answered, report.on_time, report.on_time_rate) == {
        "longnan": (1, 1, 100.0), "chizhou": (2, 1, 50.0)}[policy_name]
    assert (report.ratings, report.satisfied, report.satisfaction_rate) == (2, 1, 50.0)
    web = {"longnan": "“问政赣州”网站", "chizhou": "市长信箱"}[policy_name]
    assert breakdown(report, "channel") == {web: (4, 1, 300.0)}
    assert breakdown(report, "category") == {"投诉": (4, 1, 300.0)}
    assert breakdown(report, "region") == {"A3区": (4, 1, 300.0)}
    # the returned message waits to be assigned again: it has no lead unit
    assert breakdown(report, "unit") == {"住建局": (3, 1, 200.0), "未交办": (1, 0, None)}


def test_the_four_identical_complaints_are_one_repeated_matter_and_a_hot_topic(city):
    month = make_month(city)
    report = analysis(NOVEMBER)
    assert [g.size for g in report.groups] == [4]
    numbers = {e.tracking_no for e in report.groups[0].examples}
    assert numbers == {m.tracking_no for m in (month.on_time, month.late, month.extended, month.returned)}
    assert {"噪音", "施工"} <= {t.word for t in report.hot_topics}


def test_the_channel_reconciliation_balances(city):
    make_month(city)
    rows = {b.channel: b for b in reconciliation(NOVEMBER)}
    web = rows["“问政赣州”网站"]
    # October's message was answered but is not closed (办结): it is carried over
    assert (web.open_at_start, web.received, web.closed, web.open_at_end) == (1, 4, 0, 5)
    assert all(b.balanced for b in rows.values())
    assert rows["热线电话"].received == 0


def test_closing_and_refusing_count_as_closed_in_their_month(city):
    from portal.services import review

    month = make_month(city)
    with on("2026-11-04"):
        review.close(month.on_time, actor=city.user(Role.REVIEWER))
    with on("2026-11-05"):
        refused, _ = intake.submit_message(category="consult", subject="法院判决执行", body="请问法院判决何时执行？",
                                           name="李四", phone="13700000001", publish_consent=False, consent=True)
        intake.reject(refused, actor=city.user(Role.OPERATOR), reason="other_organs")
    december = Period.parse("2026-12")
    web = {b.channel: b for b in reconciliation(NOVEMBER)}["“问政赣州”网站"]
    assert (web.open_at_start, web.received, web.closed, web.open_at_end) == (1, 5, 2, 4) and web.balanced
    later = {b.channel: b for b in reconciliation(december)}["“问政赣州”网站"]
    assert (later.open_at_start, later.received, later.closed, later.open_at_end) == (4, 0, 0, 4)


def test_the_page_and_both_files_hold_the_same_figures(client, city):
    make_month(city)
    sign_in(client, city.user(Role.SUPERVISOR))
    page = client.get("/admin/reports?period=2026-11").get_data(as_text=True)
    assert "2026年11月" in page and "<svg" in page and 'data-summary="受理留言（件）">4<' in page
    xlsx = client.get("/admin/reports/2026-11.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    book = load_workbook(BytesIO(xlsx.data))
    summary = book["概况"]
    assert [row for row in summary.iter_rows(values_only=True)][2] == ("受理留言（件）", 4, 1)
    assert summary["B5"].value == 1 and summary["B5"].number_format == "0.0%", "按时办结率 100% as a number"
    assert summary.freeze_panes == "B3", "the heading stays in view"
    assert ("住建局", 3, 1, 2) in list(book["按承办单位"].iter_rows(values_only=True)), "+200% as the number 2"
    assert book["按承办单位"]["D3"].number_format.startswith("+0.0%")
    document = Document(BytesIO(client.get("/admin/reports/2026-11.docx").data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2026年11月，平台共受理网友留言、热线诉求4件，环比增长300%" in text
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["按时办结率", "100%", "100%"] in cells and ["住建局", "3", "1", "+200%"] in cells
    assert ["答复（件）", "3", "1"] in cells or any(row[0] == "答复（件）" and row[2] != "" for row in cells), \
        "the previous period's answers are filled in"


def test_the_word_report_is_laid_out_as_an_official_document(client, city):
    from docx.shared import Pt

    from portal import charts
    from portal.queries.common import policy

    make_month(city)
    sign_in(client, city.user(Role.SUPERVISOR))
    document = Document(BytesIO(client.get("/admin/reports/2026-11.docx").data))
    section = document.sections[0]
    def mm(length):
        return round(length.mm)
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)  # A4
    assert (mm(section.top_margin), mm(section.left_margin)) == (37, 28)  # GB/T 9704: type area 156 × 225 mm
    title = document.paragraphs[0].runs[0]
    assert title.font.size == Pt(22) and title.font.name == "方正小标宋简体"
    assert document.styles["Normal"].font.size == Pt(16) and document.styles["Normal"].font.name == "仿宋_GB2312"
    headings = [p for p in document.paragraphs if p.text.startswith(("一、", "二、", "三、"))]
    assert headings and all(p.runs[0].font.name == "黑体" for p in headings)
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "— " in section.footer.paragraphs[0].text, "page numbers — 1 —"
    assert document.settings.odd_and_even_pages_header_footer
    assert [p.text for p in document.paragraphs[-2:]] == [policy().office, "2026年12月2日"], "issuer and date close it"
    pictures = document.inline_shapes
    assert len(pictures) == (5 if charts.chinese_font() else 0), "each breakdown's chart as a picture"

def test_a_quarter_report_and_a_bad_period(client, city):
    make_month(city)
    sign_in(client, city.user(Role.DISPATCHER))
    quarter = client.get("/admin/reports?period=2026-Q4").get_data(as_text=True)
    assert "2026年第四季度" in quarter and 'data-summary="受理留言（件）">5<' in quarter
    bad = client.get("/admin/reports?period=2026-14")
    assert bad.status_code == 400 and "报告期应写作" in bad.get_data(as_text=True)
    assert client.get("/admin/reports/2026-14.xlsx").status_code == 400
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    assert client.get("/admin/reports").status_code == 403


def test_no_personal_data_reaches_the_report_or_its_files(client, city):
    secret_phone, secret_id = "13912345678", "110101199003074514"
    for day in ("2026-11-02", "2026-11-03", "2026-11-04"):
        assigned(city, day, name="王小明", phone=secret_phone, subject=f"王小明反映噪音 {secret_phone}",
                 body=f"我叫王小明，身份证{secret_id}，电话{secret_phone}，家住幸福路12号3栋501室，夜间施工噪音扰民。")
    sign_in(client, city.user(Role.SUPERVISOR))
    page = client.get("/admin/reports?period=2026-11").get_data(as_text=True)
    assert "噪音" in page  # the matter is reported …
    xlsx = load_workbook(BytesIO(client.get("/admin/reports/2026-11.xlsx").data))
    sheet_text = " ".join(str(v) for s in xlsx for row in s.iter_rows(values_only=True) for v in row if v)
    docx = Document(BytesIO(client.get("/admin/reports/2026-11.docx").data))
    doc_text = " ".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    assert "139****5678" in page  # masked as on the public pages
    assert "<td>5678</td>" not in page and "<td>4514</td>" not in page  # a mask's tail is no hot topic
    for text in (page, sheet_text, doc_text):  # … but not who wrote it or how to reach them
        for secret in (secret_phone, secret_id, "王小明", "幸福路12号"):
            assert secret not in text


def _office_suite() -> str | None:
    import os
    import shutil

    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("WENZHENG_REQUIRE_OFFICE") == "1":
        pytest.fail("LibreOffice is missing: apt-get install libreoffice-writer-nogui poppler-utils")
    return found


def test_the_word_report_converts_to_an_a4_pdf_as_an_office_would_print_it(client, city, tmp_path):
    """Issue 17: opened by LibreOffice (as many offices do), the report is an A4 document of the national
    layout — title, numbered sections, its charts as pictures, page numbers — and not a dump of tables."""
    import subprocess

    soffice = _office_suite()
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui poppler-utils)")
    make_month(city)
    sign_in(client, city.user(Role.SUPERVISOR))
    source = tmp_path / "report.docx"
    source.write_bytes(client.get("/admin/reports/2026-11.docx").data)
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, timeout=180, capture_output=True, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    pdf = tmp_path / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info, info
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    compact = "".join(text.split())  # pdftotext breaks a long title and drops the spaces in — 1 —
    assert "月度分析报告（2026年11月）" in compact and "一、总体情况" in compact and "—1—" in compact
    assert pages >= 2 and f"—{pages}—" in compact, "every page is numbered"
    images = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    from portal import charts
    pictures = [line for line in images.splitlines()[2:] if line.split()[2] == "image"]
    assert len(pictures) == (5 if charts.chinese_font() else 0), "the charts are in the PDF"


def test_tick_stores_the_months_mining_when_it_closes_and_the_report_then_mines_nothing(city, monkeypatch):
    from portal import textmining
    from portal.models import MinedPeriod
    from portal.queries import reports
    from portal.services.reminders import tick

    month = make_month(city)
    with on("2026-12-01", 7):
        first = tick()
    assert "2026-11" in first.mined
    stored = db.session.scalar(select(MinedPeriod).where(MinedPeriod.period == "2026-11"))
    assert stored.closed and sorted(stored.groups[0]) == sorted(
        m.id for m in (month.on_time, month.late, month.extended, month.returned))
    with on("2026-12-01", 8):
        assert tick().mined == []  # idempotent: nothing changed, nothing mined again
    reports._mined.clear()  # a fresh process: no cached mining either

    def no_mining(*args, **kwargs):
        raise AssertionError("a closed month's report mines nothing")

    monkeypatch.setattr(textmining, "words", no_mining)
    monkeypatch.setattr(textmining, "near_duplicates", no_mining)
    report = analysis(NOVEMBER)
    assert [g.size for g in report.groups] == [4] and {"噪音", "施工"} <= {t.word for t in report.hot_topics}


def test_the_open_month_mines_only_what_came_in_since_the_last_tick_and_finds_what_a_full_mining_finds(
        city, monkeypatch):
    from portal import textmining
    from portal.queries import reports
    from portal.services.reminders import tick

    make_month(city)
    with on("2026-11-20", 7):
        assert "2026-11" in tick().mined
    later = assigned(city, "2026-11-21", subject="小区夜间施工噪音扰民",
                     body="A3区某小区夜间施工噪音扰民，影响居民休息，请相关部门处理。")
    reports._mined.clear()
    segmented = []
    words = textmining.words
    monkeypatch.setattr(textmining, "words", lambda text: segmented.append(text) or words(text))
    compared, pairs_with = [], textmining.Corpus.pairs_with
    monkeypatch.setattr(textmining.Corpus, "pairs_with",
                        lambda corpus, new: compared.append(new) or pairs_with(corpus, new))
    monkeypatch.setattr(textmining, "near_duplicates", None)  # no join of all
    monkeypatch.setattr(textmining, "keywords", None)  # nor keywords counted over every text
    with on("2026-11-21", 15):
        report = analysis(NOVEMBER)
    texts = reports.period_texts(*reports.utc_bounds(NOVEMBER))
    assert segmented == [later.subject, later.body]  # only the new message was read word by word …
    assert compared == [{[t.id for t in texts].index(later.id)}]  # … and compared with the others
    incremental = reports.mining(NOVEMBER, texts)
    monkeypatch.undo()
    full = reports.mine(texts)  # from nothing
    assert (incremental.keywords, incremental.groups, incremental.pairs) == (full.keywords, full.groups, full.pairs)
    assert [g.size for g in report.groups] == [5]


def _brute_force_pairs(texts) -> list[tuple[int, int]]:
    """Every near-duplicate pair by comparing each message with each other one."""
    from itertools import combinations

    from portal import textmining

    words = [(set(textmining.words(t.subject)), set(textmining.words(t.body))) for t in texts]
    pairs = []
    for (a, (subject_a, body_a)), (b, (subject_b, body_b)) in combinations(zip(texts, words, strict=True), 2):
        alike = min(len(subject_a), len(subject_b)) >= 2 and textmining.jaccard(subject_a, subject_b) >= 0.7
        whole_a, whole_b = subject_a | body_a, subject_b | body_b
        alike |= min(len(whole_a), len(whole_b)) >= 4 and textmining.jaccard(whole_a, whole_b) >= 0.5
        if alike:
            pairs.append(tuple(sorted((a.id, b.id))))
    return sorted(pairs)


def test_the_open_month_after_edits_moves_and_new_messages_is_what_a_full_mining_and_a_brute_force_find(city):
    """Issue 15 §5: the stored words are added to, changed in place, or reordered; never a different result."""
    from datetime import datetime

    from portal import clock
    from portal.models import Message, MinedPeriod
    from portal.queries import reports
    from portal.services.reminders import tick

    make_month(city)
    noise = "某小区夜间施工噪音扰民，影响居民休息，请相关部门处理"
    extra = [assigned(city, f"2026-11-{day:02d}", subject=subject, body=body) for day, subject, body in (
        (5, "小区夜间施工噪音", noise), (6, "夜间施工噪音扰民", noise + "。"),
        (7, "幼儿园收费过高", "幼儿园收费标准过高"),
        (8, "幼儿园收费标准过高", "幼儿园收费过高，家长负担重"), (9, "路面破损", "某路段路面破损严重"))]
    with on("2026-11-20", 7):
        assert "2026-11" in tick().mined
    assigned(city, "2026-11-21", subject="幼儿园收费过高", body="幼儿园收费标准过高，请核查")  # new
    extra[4].body = noise  # a text changed (now alike the noise complaints)
    extra[2].received_at = clock.china_to_utc(datetime(2026, 11, 1, 8))  # came in before the others (import)
    extra[0].received_at = clock.china_to_utc(datetime(2026, 10, 30, 8))  # left the month
    db.session.commit()
    texts = reports.period_texts(*reports.utc_bounds(NOVEMBER))
    stored = db.session.scalar(select(MinedPeriod).where(MinedPeriod.period == "2026-11"))
    incremental, full = reports.mine(texts, stored), reports.mine(texts)
    assert incremental.corpus is not None and full.corpus is not None
    assert (incremental.keywords, incremental.groups, incremental.pairs) == (full.keywords, full.groups, full.pairs)
    assert incremental.pairs == _brute_force_pairs(texts)
    assert {extra[4].id, extra[1].id} <= {i for pair in incremental.pairs for i in pair}
    assert extra[0].id not in incremental.corpus.keys and incremental.corpus.keys == [t.id for t in texts]
    assert db.session.get(Message, extra[0].id) is not None


def test_a_period_stored_before_its_words_were_packed_is_mined_again_once(city):
    from portal.models import MinedPeriod
    from portal.services.reminders import tick

    make_month(city)
    with on("2026-11-20", 7):
        assert "2026-11" in tick().mined
        stored = db.session.scalar(select(MinedPeriod).where(MinedPeriod.period == "2026-11"))
        stored.packed = None  # as the migration leaves it
        db.session.commit()
        assert "2026-11" in tick().mined and tick().mined == []
    assert db.session.scalar(select(MinedPeriod).where(MinedPeriod.period == "2026-11")).packed


def test_words_packed_in_a_form_this_code_cannot_read_are_mined_again_in_full(city):
    from portal.models import MinedPeriod
    from portal.queries import reports
    from portal.services.reminders import tick

    make_month(city)
    with on("2026-11-20", 7):
        tick()
    assigned(city, "2026-11-21", subject="小区夜间施工噪音扰民", body="夜间施工噪音扰民，影响居民休息")
    stored = db.session.scalar(select(MinedPeriod).where(MinedPeriod.period == "2026-11"))
    stored.packed = b"corpus0\n" + bytes(100)  # an older format
    texts = reports.period_texts(*reports.utc_bounds(NOVEMBER))
    mined, full = reports.mine(texts, stored), reports.mine(texts)
    assert (mined.keywords, mined.groups, mined.pairs) == (full.keywords, full.groups, full.pairs)


def test_the_open_quarter_is_stored_by_tick_too_and_its_view_mines_only_what_came_in_since(city, monkeypatch):
    from portal import textmining
    from portal.queries import reports
    from portal.services.reminders import tick

    make_month(city)
    with on("2026-11-20", 7):
        assert {"2026-11", "2026-Q4"} <= set(tick().mined)
    later = assigned(city, "2026-11-21", subject="小区夜间施工噪音扰民", body="夜间施工噪音扰民，影响居民休息")
    reports._mined.clear()
    segmented, words = [], textmining.words
    monkeypatch.setattr(textmining, "words", lambda text: segmented.append(text) or words(text))
    with on("2026-11-21", 15):
        report = analysis(Period.parse("2026-Q4"))
    assert segmented == [later.subject, later.body]
    assert report.received == 6 and [g.size for g in report.groups] == [5]


def test_the_open_months_words_are_read_with_its_pairs_in_one_statement(city):
    """A tick may store the month again between two statements of a view: its words and its pairs must
    come from the same run, or the pairs of the messages mined in between would be lost."""
    from sqlalchemy import event

    from portal.queries import reports
    from portal.services.reminders import tick

    make_month(city)
    with on("2026-11-20", 7):
        tick()
    assigned(city, "2026-11-21", subject="小区夜间施工噪音扰民", body="夜间施工噪音扰民，影响居民休息")
    reports._mined.clear()
    statements = []

    def seen(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with on("2026-11-21", 15):
            analysis(NOVEMBER)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    reading = [s for s in statements if "mined_period.packed" in s]
    assert reading and all("mined_period.pairs" in s for s in reading)


def test_each_breakdown_labels_each_distinct_value_once_not_each_message(city, monkeypatch):
    """10,000 messages have a few dozen channels and categories: labelling each message cost 0.1 s."""
    from portal.queries import reports

    make_month(city)
    labelled, name = [], reports._channel_name
    monkeypatch.setattr(reports, "_channel_name", lambda code: labelled.append(code) or name(code))
    report = analysis(NOVEMBER)
    assert len(labelled) <= 2 * len(set(labelled))  # once in the month, once in the month before
    assert sum(count for count, _, _ in breakdown(report, "channel").values()) == report.received


def test_the_reports_on_time_figures_count_no_working_days_and_agree_with_each_answers(city, monkeypatch):
    """The on-time rate needs only each answer's deadline: 4,000 answers' working days cost 0.2 s."""
    from portal.models import Message
    from portal.queries import projection
    from portal.queries.reports import utc_bounds

    make_month(city)
    start, end = utc_bounds(NOVEMBER)
    rows = projection.answered_rows(Message.answered_at >= start, Message.answered_at < end)
    monkeypatch.setattr(projection, "workdays_between", None)
    report = analysis(NOVEMBER)
    assert (report.on_time, report.answered) == (sum(r.on_time for r in rows), len(rows))
    assert report.answered >= 1

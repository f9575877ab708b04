"""The analysis report as files: XLSX (openpyxl) with one sheet per table, and a Word document
(python-docx) laid out like an office report — title, period, numbered sections, tables."""
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .queries.reports import AnalysisReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def change(value: float | None) -> str:
    return "—" if value is None else f"{value:+g}%"


def summary_rows(report: AnalysisReport) -> list[tuple[str, str, str]]:
    """(figure, this period, previous period): the same lines on the page and in both files."""
    return [
        ("受理留言（件）", str(report.received), str(report.previous_received)),
        ("答复（件）", str(report.answered), ""),
        ("按时办结率", percent(report.on_time_rate), percent(report.previous_on_time_rate)),
        ("参评（件）", str(report.ratings), ""),
        ("满意率", percent(report.satisfaction_rate), percent(report.previous_satisfaction_rate)),
    ]


def title(report: AnalysisReport, city: str) -> str:
    kind = "月度" if report.period.kind == "month" else "季度"
    return f"{city}网友留言、政务热线办理情况{kind}分析报告（{report.period.label}）"


def analysis_xlsx(report: AnalysisReport, city: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "概况"
    _sheet_rows(sheet, [title(report, city)], [("指标", report.period.label, report.previous.label),
                                               *summary_rows(report)])
    for breakdown in report.breakdowns:
        rows = [(r.label, r.count, r.previous, change(r.change)) for r in breakdown.rows]
        _sheet_rows(book.create_sheet(breakdown.title), [breakdown.title],
                    [("分类", report.period.label, report.previous.label, "环比"), *rows])
    _sheet_rows(book.create_sheet("热点问题"), ["热点问题（关键词）"],
                [("关键词", "留言件数", "例"), *[(t.word, t.messages, "；".join(
                    f"{e.tracking_no} {e.subject}" for e in t.examples)) for t in report.hot_topics]])
    _sheet_rows(book.create_sheet("集中反映事项"), ["重复、集中反映的事项"],
                [("组", "件数", "留言编号", "标题", "承办单位"),
                 *[(n, g.size, e.tracking_no, e.subject, e.unit)
                   for n, g in enumerate(report.groups, 1) for e in g.examples]])
    _sheet_rows(book.create_sheet("渠道对账"), ["受理渠道对账销号"],
                [("渠道", "上期结转", "本期受理", "本期办结", "期末在办", "对账"),
                 *[(b.channel, b.open_at_start, b.received, b.closed, b.open_at_end, "平" if b.balanced else "不平")
                   for b in report.reconciliation]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# A cell starting with one of these is a formula to a spreadsheet (or becomes one when edited).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _sheet_rows(sheet, heading: list[str], rows: list[tuple]) -> None:
    sheet.append(heading)
    sheet["A1"].font = Font(bold=True, size=13)
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows():
        for cell in cells:
            _as_text(cell)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column[1:]) if len(column) > 1 else 10
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, 2 * width))


def _as_text(cell) -> None:
    """Subjects, keywords and unit names come from citizens and staff: a text that looks like a formula
    (``=HYPERLINK(...)``) is stored as text and marked with Excel's quote prefix, so it never runs."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def analysis_docx(report: AnalysisReport, city: str, office: str) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "仿宋", Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title(report, city))
    run.bold, run.font.size = True, Pt(18)
    byline = document.add_paragraph(office)
    byline.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(_opening(report))
    _section(document, "一、总体情况", [("指标", report.period.label, report.previous.label), *summary_rows(report)])
    for number, breakdown in enumerate(report.breakdowns, 2):
        rows = [(r.label, str(r.count), str(r.previous), change(r.change)) for r in breakdown.rows]
        _section(document, f"{_cn(number)}、{breakdown.title}",
                 [("分类", report.period.label, report.previous.label, "环比"), *rows])
    next_number = len(report.breakdowns) + 2
    _section(document, f"{_cn(next_number)}、热点问题", [("关键词", "留言件数", "例"), *[
        (t.word, str(t.messages), "；".join(f"{e.tracking_no} {e.subject}" for e in t.examples))
        for t in report.hot_topics]])
    _section(document, f"{_cn(next_number + 1)}、重复、集中反映的事项", [("组", "件数", "留言", "承办单位"), *[
        (str(n), str(g.size), "；".join(f"{e.tracking_no} {e.subject}" for e in g.examples[:5]), g.examples[0].unit)
        for n, g in enumerate(report.groups, 1)]])
    _section(document, f"{_cn(next_number + 2)}、受理渠道对账销号", [
        ("渠道", "上期结转", "本期受理", "本期办结", "期末在办"),
        *[(b.channel, str(b.open_at_start), str(b.received), str(b.closed), str(b.open_at_end))
          for b in report.reconciliation]])
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _cn(number: int) -> str:
    return "一二三四五六七八九十"[number - 1] if number <= 10 else f"十{'一二三四五六七八九'[number - 11]}"


def _opening(report: AnalysisReport) -> str:
    text = f"{report.period.label}，平台共受理网友留言、热线诉求{report.received}件"
    if report.change is not None:
        text += f"，环比{'增长' if report.change >= 0 else '下降'}{abs(report.change):g}%"
    text += f"；答复{report.answered}件，按时办结率{percent(report.on_time_rate)}；"
    text += f"参评{report.ratings}件，满意率{percent(report.satisfaction_rate)}。"
    if report.hot_topics:
        text += "群众反映较为集中的问题涉及：" + "、".join(t.word for t in report.hot_topics[:5]) + "。"
    return text


def _section(document, heading: str, rows: list[tuple]) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(heading).bold = True
    if len(rows) == 1:
        document.add_paragraph("本期无。")
        return
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = str(value)
            if r == 0:
                table.cell(r, c).paragraphs[0].runs[0].bold = True

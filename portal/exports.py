"""The analysis report as files: XLSX (openpyxl), one sheet per table with numbers kept as numbers, and a
Word document (python-docx) in the layout of an official document (GB/T 9704-2012) with its charts."""
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import charts, clock
from .display import date_cn
from .queries.reports import AnalysisReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def change(value: float | None) -> str:
    return "—" if value is None else f"{value:+g}%"


def summary_figures(report: AnalysisReport) -> list[tuple[str, float | None, float | None, str]]:
    """(figure, this period, previous period, kind: count or percent): the one list behind the page and
    both files."""
    return [
        ("受理留言（件）", report.received, report.previous_received, "count"),
        ("答复（件）", report.answered, report.previous_answered, "count"),
        ("按时办结率", report.on_time_rate, report.previous_on_time_rate, "percent"),
        ("参评（件）", report.ratings, report.previous_ratings, "count"),
        ("满意率", report.satisfaction_rate, report.previous_satisfaction_rate, "percent"),
    ]


def summary_rows(report: AnalysisReport) -> list[tuple[str, str, str]]:
    """The summary as the page and the Word document print it."""
    def shown(value, kind):
        return percent(value) if kind == "percent" else ("—" if value is None else str(value))
    return [(label, shown(now, kind), shown(before, kind)) for label, now, before, kind in summary_figures(report)]


def title(report: AnalysisReport, city: str) -> str:
    kind = "月度" if report.period.kind == "month" else "季度"
    return f"{city}网友留言、政务热线办理情况{kind}分析报告（{report.period.label}）"


# --- XLSX: numbers as numbers, formats, frozen headings, widths ----------------------------------------------

COUNT, PERCENT, CHANGE = "#,##0", "0.0%", "+0.0%;-0.0%;0.0%"


def analysis_xlsx(report: AnalysisReport, city: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "概况"
    figures = summary_figures(report)
    _sheet(sheet, title(report, city), ("指标", report.period.label, report.previous.label), [
        (label, _number(now, kind), _number(before, kind)) for label, now, before, kind in figures],
        formats=lambda r, c: (PERCENT if figures[r][3] == "percent" else COUNT) if c else None)
    for breakdown in report.breakdowns:
        _sheet(book.create_sheet(breakdown.title), breakdown.title,
               ("分类", report.period.label, report.previous.label, "环比"),
               [(r.label, r.count, r.previous, _number(r.change, "percent")) for r in breakdown.rows],
               formats=lambda r, c: (None, COUNT, COUNT, CHANGE)[c])
    _sheet(book.create_sheet("热点问题"), "热点问题（关键词）", ("关键词", "留言件数", "例"),
           [(t.word, t.messages, "；".join(f"{e.tracking_no} {e.subject}" for e in t.examples))
            for t in report.hot_topics], formats=lambda r, c: COUNT if c == 1 else None)
    _sheet(book.create_sheet("集中反映事项"), "重复、集中反映的事项", ("组", "件数", "留言编号", "标题", "承办单位"),
           [(n, g.size, e.tracking_no, e.subject, e.unit)
            for n, g in enumerate(report.groups, 1) for e in g.examples],
           formats=lambda r, c: COUNT if c in (0, 1) else None)
    _sheet(book.create_sheet("渠道对账"), "受理渠道对账销号",
           ("渠道", "上期结转", "本期受理", "本期办结", "期末在办", "对账"),
           [(b.channel, b.open_at_start, b.received, b.closed, b.open_at_end, "平" if b.balanced else "不平")
            for b in report.reconciliation], formats=lambda r, c: COUNT if 1 <= c <= 4 else None)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value, kind):
    """A percentage as the fraction a spreadsheet formats (72.7 → 0.727); None stays an empty cell."""
    if value is None:
        return None
    return value / 100 if kind == "percent" else value


# A cell starting with one of these is a formula to a spreadsheet (or becomes one when edited).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _sheet(sheet, heading: str, columns: tuple, rows: list[tuple], formats) -> None:
    """A title row, a frozen header row, then the rows; ``formats(row, column)`` gives a number format."""
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(columns))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for r, row in enumerate(rows):
        sheet.append(list(row))
        for c, cell in enumerate(sheet[sheet.max_row]):
            _as_text(cell)
            if isinstance(cell.value, (int, float)) and (number_format := formats(r, c)):
                cell.number_format = number_format
    sheet.freeze_panes = "B3"  # the header row and the first column stay in view
    for index, column in enumerate(sheet.iter_cols(min_row=2), 1):
        width = max((_display_width(cell.value) for cell in column), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, width + 2))


def _display_width(value) -> int:
    """Columns of a spreadsheet cell: a Chinese character is two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _as_text(cell) -> None:
    """Subjects, keywords and unit names come from citizens and staff: a text that looks like a formula
    (``=HYPERLINK(...)``) is stored as text and marked with Excel's quote prefix, so it never runs."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


# --- Word: GB/T 9704-2012 -------------------------------------------------------------------------------------
# A4; margins 37 mm top, 28 mm left (the type area 156 × 225 mm); title 2号 方正小标宋简体; body 3号 仿宋_GB2312,
# 22 lines of 28 characters (fixed line pitch 28.95 pt); first-level headings 3号 黑体, second 3号 楷体_GB2312;
# page numbers 4号 半角宋体 "— 1 —", right on odd pages and left on even ones; the issuer and date at the end.
# Offices have these fonts; elsewhere the reader substitutes its own (LibreOffice: the CJK fonts it has).
TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT, NUMBER_FONT = (
    "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体")
SIZE_2, SIZE_3, SIZE_4, SIZE_SMALL_4 = Pt(22), Pt(16), Pt(14), Pt(12)
LINE_PITCH = Pt(28.95)


def analysis_docx(report: AnalysisReport, city: str, office: str, today: date | None = None) -> bytes:
    document = Document()
    _page_setup(document)
    _paragraph(document, title(report, city), TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, "", BODY_FONT, SIZE_3)  # one blank line under the title
    _paragraph(document, _opening(report), BODY_FONT, SIZE_3)
    number = 1
    _heading(document, f"{_cn(number)}、总体情况")
    _table(document, [("指标", report.period.label, report.previous.label), *summary_rows(report)])
    for breakdown in report.breakdowns:
        number += 1
        _heading(document, f"{_cn(number)}、{breakdown.title}")
        _chart(document, breakdown, report)
        _table(document, [("分类", report.period.label, report.previous.label, "环比"),
                          *[(r.label, str(r.count), str(r.previous), change(r.change)) for r in breakdown.rows]])
    _heading(document, f"{_cn(number + 1)}、热点问题")
    _table(document, [("关键词", "留言件数", "例"), *[
        (t.word, str(t.messages), "；".join(f"{e.tracking_no} {e.subject}" for e in t.examples))
        for t in report.hot_topics]])
    _heading(document, f"{_cn(number + 2)}、重复、集中反映的事项")
    _table(document, [("组", "件数", "留言", "承办单位"), *[
        (str(n), str(g.size), "；".join(f"{e.tracking_no} {e.subject}" for e in g.examples[:5]), g.examples[0].unit)
        for n, g in enumerate(report.groups, 1)]])
    _heading(document, f"{_cn(number + 3)}、受理渠道对账销号")
    _table(document, [("渠道", "上期结转", "本期受理", "本期办结", "期末在办"),
                      *[(b.channel, str(b.open_at_start), str(b.received), str(b.closed), str(b.open_at_end))
                        for b in report.reconciliation]])
    _signature(document, office, today or clock.today())
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _page_setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Pt(14)  # the number sits 7 mm under the last line of the type area
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    normal = document.styles["Normal"]
    _font(normal.font, normal.element, BODY_FONT, SIZE_3)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE_PITCH
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)


def _page_number(paragraph, align) -> None:
    """— PAGE —, 4号 宋体, one character in from the edge of the type area."""
    paragraph.alignment = align
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = SIZE_4
    _run(paragraph, "— ", NUMBER_FONT, SIZE_4)
    run = _run(paragraph, "", NUMBER_FONT, SIZE_4)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
    _run(paragraph, " —", NUMBER_FONT, SIZE_4)


def _font(font, element, name: str, size) -> None:
    font.name, font.size = name, size
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(script), name)


def _run(paragraph, text: str, font: str, size):
    run = paragraph.add_run(text)
    _font(run.font, run._r, font, size)
    return run


def _paragraph(document, text: str, font: str, size, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = size * 2  # two characters
    _run(paragraph, text, font, size)
    return paragraph


def _heading(document, text: str):
    return _paragraph(document, text, HEADING_FONT, SIZE_3)


def _chart(document, breakdown, report) -> None:
    """The breakdown's bar chart as a picture (none when the machine has no Chinese font to draw it)."""
    picture = charts.bars_png(breakdown.rows, breakdown.title, report.period.label, report.previous.label)
    if picture is None:
        return
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.add_run().add_picture(BytesIO(picture), width=Mm(150))
    caption = _paragraph(document, f"图：{breakdown.title}（{report.period.label}与{report.previous.label}）",
                         SUBHEADING_FONT, SIZE_SMALL_4, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    caption.paragraph_format.space_after = Pt(6)


def _table(document, rows: list[tuple]) -> None:
    if len(rows) == 1:
        _paragraph(document, "本期无。", BODY_FONT, SIZE_3)
        return
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            paragraph = table.cell(r, c).paragraphs[0]
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 or c else WD_ALIGN_PARAGRAPH.LEFT
            _run(paragraph, str(value), HEADING_FONT if r == 0 else BODY_FONT, SIZE_SMALL_4)
    _paragraph(document, "", BODY_FONT, SIZE_3)


def _signature(document, office: str, today: date) -> None:
    """The issuer and the date, right-aligned, the date four characters in from the right (GB/T 9704 7.3.5)."""
    _paragraph(document, "", BODY_FONT, SIZE_3)
    for text in (office, date_cn(today)):
        paragraph = _paragraph(document, text, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        paragraph.paragraph_format.right_indent = SIZE_3 * 4


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

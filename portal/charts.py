"""Charts as pictures for the Word report (matplotlib, drawn off-screen). The page draws the same charts
as SVG in its template (admin/_charts.html); a picture needs a Chinese font, found among the machine's."""
from functools import lru_cache
from io import BytesIO

CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
             "Microsoft YaHei", "PingFang SC")
NOW, BEFORE = "#0550ae", "#8c959f"  # the page's colours


@lru_cache
def chinese_font() -> str | None:
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def bars_png(rows, title: str, current_label: str, previous_label: str) -> bytes | None:
    """Horizontal bars, this period against the previous one, values printed; None without a Chinese font."""
    font = chinese_font()
    if font is None or not rows:
        return None
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6.0, 0.42 * len(rows) + 0.9), dpi=200)
    axes = figure.add_subplot()
    labels = [row.label if len(row.label) <= 12 else row.label[:11] + "…" for row in rows][::-1]
    positions = range(len(rows))
    now = [row.count for row in rows][::-1]
    before = [row.previous for row in rows][::-1]
    axes.barh([p + 0.2 for p in positions], now, height=0.4, color=NOW, label=current_label)
    axes.barh([p - 0.2 for p in positions], before, height=0.4, color=BEFORE, label=previous_label)
    for p, value in zip(positions, now, strict=True):
        axes.text(value, p + 0.2, f" {value}", va="center", fontsize=8, family=font)
    axes.set_yticks(list(positions), labels, family=font, fontsize=9)
    axes.set_title(title, family=font, fontsize=11, loc="left")
    axes.legend(prop={"family": font, "size": 8}, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2,
                frameon=False)  # above the plot: never over a bar
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts of messages: whole numbers
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="x", labelsize=8)
    figure.tight_layout()
    out = BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()

"""Build and read the bundled sample of real messages used by `seed-demo`.

`python -m portal.demo.sample DATA_DIR` rebuilds portal/demo/sample.json.gz from the
spreadsheets of ../shared/data/wenzheng-2020 (附件4: with replies, 附件3: open). The
sample ships with the code so that `make run` works on a laptop without ../shared.
"""
import gzip
import json
import re
import sys
from pathlib import Path

from ..rules.text import clean

SAMPLE = Path(__file__).with_name("sample.json.gz")
TOPICS = {  # the labels of 附件2, recognised by keywords of the subject
    "交通运输": ("公交", "地铁", "出租", "交通", "车站", "高速", "停车", "驾", "客运"),
    "教育文体": ("学校", "教育", "幼儿园", "学生", "老师", "教师", "学位", "小学", "中学", "体育"),
    "卫生计生": ("医院", "医保", "卫生", "计生", "疫苗", "医疗", "生育", "药"),
    "劳动和社会保障": ("社保", "工资", "养老", "就业", "公积金", "退休", "失业", "劳动"),
    "环境保护": ("污染", "噪音", "噪声", "环保", "排放", "臭", "扰民", "粉尘", "垃圾"),
    "商贸旅游": ("商家", "旅游", "消费", "市场", "超市", "商户", "景区", "价格"),
    "城乡建设": ("小区", "物业", "道路", "拆迁", "规划", "房", "路", "建设", "工程", "村"),
}
CATEGORIES = (  # first match wins
    ("report", ("举报", "违法", "违规", "非法", "偷税")),
    ("consult", ("咨询", "请问", "如何", "怎么办理", "是否", "能否", "何时", "吗", "？", "?")),
    ("complaint", ("投诉", "扰民", "乱", "不作为", "拖欠", "差")),
    ("suggestion", ("建议", "希望", "呼吁", "恳请")),
    ("help", ("求助", "帮忙", "救助", "困难")),
)
REGION = re.compile(r"A\d+[区县市]")




def classify(subject: str, body: str) -> tuple[str, str, str]:
    topic = next((t for t, words in TOPICS.items() if any(w in subject for w in words)), "城乡建设")
    category = next((c for c, words in CATEGORIES if any(w in subject for w in words)), "other")
    region = (REGION.findall(subject) or REGION.findall(body) or ["A市"])[0]
    return category, topic, region


CLUSTER = "搅拌站"  # a matter many citizens wrote about in 附件3: the demo's concentrated matter (R8.2, R10.1)


def build(data_dir: Path, answered: int = 320, open_: int = 200, cluster: int = 6) -> list[dict]:
    rows = _rows(data_dir, answered, open_)
    rows += _cluster(data_dir, {(r["subject"], r["body"]) for r in rows}, cluster)
    return rows


def _rows(data_dir: Path, answered: int, open_: int) -> list[dict]:
    import openpyxl

    rows = []
    for name, limit, has_reply in (("附件4.xlsx", answered, True), ("附件3.xlsx", open_, False)):
        sheet = openpyxl.load_workbook(data_dir / name, read_only=True).active
        seen = set()
        for row in sheet.iter_rows(min_row=2, values_only=True):
            subject, body = clean(row[2]), clean(row[4])
            if not subject or not body or (subject, body) in seen or len(body) < 30:
                continue  # the repeated texts of the README: keep one
            seen.add((subject, body))
            category, topic, region = classify(subject, body)
            rows.append({"source": name, "no": str(row[0]), "subject": subject[:200], "body": body[:5000],
                         "category": category, "topic": topic, "region": region,
                         "reply": clean(row[5])[:5000] if has_reply else ""})
            if len([r for r in rows if r["source"] == name]) >= limit:
                break
    return rows


def _cluster(data_dir: Path, taken: set, limit: int) -> list[dict]:
    """Messages of 附件3 about one matter, marked so that the demo assigns them in the last weeks."""
    import openpyxl

    rows = []
    for row in openpyxl.load_workbook(data_dir / "附件3.xlsx", read_only=True).active.iter_rows(min_row=2,
                                                                                              values_only=True):
        subject, body = clean(row[2]), clean(row[4])
        if CLUSTER in subject and (subject, body) not in taken and len(body) >= 30:
            taken.add((subject, body))
            category, topic, region = classify(subject, body)
            rows.append({"source": "附件3.xlsx", "no": str(row[0]), "subject": subject[:200], "body": body[:5000],
                         "category": category, "topic": topic, "region": region, "reply": "", "cluster": True})
        if len(rows) == limit:
            break
    return rows


def load() -> list[dict]:
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as handle:
        return json.load(handle)


if __name__ == "__main__":
    data = build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/wenzheng-2020"))
    with gzip.open(SAMPLE, "wt", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
    print(f"{len(data)} messages written to {SAMPLE}")

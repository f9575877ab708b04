"""A large corpus scaled from the real messages (the bundled sample of 附件4/附件3): subjects, bodies
and replies recombined sentence by sentence, dates spread over two years. Deterministic per seed."""
import random
import re
from datetime import datetime, timedelta

from portal.demo.sample import load
from portal.search import Document

UNITS = ["市住房和城乡建设局", "市交通运输局", "市公安局", "市教育局", "市生态环境局", "A3区人民政府", "A7县人民政府",
         "市城市管理局", "市人力资源和社会保障局", "市卫生健康委员会", "市市场监督管理局", "市住房公积金管理中心"]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？])", text.replace("\n", "")) if s]


def documents(n: int, seed: int = 7):
    rng = random.Random(seed)
    rows = load()
    subjects = [r["subject"] for r in rows]
    bodies = [s for r in rows for s in _sentences(r["body"])]
    replies = [s for r in rows if r["reply"] for s in _sentences(r["reply"])]
    start = datetime(2019, 1, 1)
    for i in range(n):
        yield Document(
            id=i + 1, subject=rng.choice(subjects),
            body="".join(rng.choice(bodies) for _ in range(rng.randint(3, 8))),
            reply="".join(rng.choice(replies) for _ in range(rng.randint(3, 8))),
            unit=rng.choice(UNITS), category=rng.choice(["consult", "complaint", "report", "help", "suggestion"]),
            topic=rng.choice(["城乡建设", "交通运输", "环境保护", "教育文体"]), channel="website",
            published=start + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)), answered=None)

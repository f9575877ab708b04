"""A held-out split of the labelled 2020 messages for `routing evaluate`.

    python bench/routing_split.py [DATA_DIR] [OUT_DIR] [SEED]

reads 附件2_示例数据.xlsx and 附件2_标注子集1842.xls, drops the texts the two files share (101), and
writes OUT_DIR/routing_train.csv (80%) and OUT_DIR/routing_test.csv (20%, stratified by topic) in the
附件2 layout (留言主题, 留言详情, 一级标签). Then:

    flask --app wsgi routing evaluate --train OUT_DIR/routing_train.csv --test OUT_DIR/routing_test.csv
"""
import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.routing.classifier import LABELLED_FILES, examples_from_rows  # noqa: E402
from portal.services.importing import read_rows  # noqa: E402


def split(data_dir: Path, out_dir: Path, seed: int = 0, test_share: float = 0.2) -> tuple[int, int]:
    seen, by_topic = set(), defaultdict(list)
    for name in LABELLED_FILES:
        for example in examples_from_rows(read_rows(data_dir / name)):
            if (example.subject, example.body) not in seen:
                seen.add((example.subject, example.body))
                by_topic[example.topic].append(example)
    rng, train, test = random.Random(seed), [], []
    for topic in sorted(by_topic):
        examples = by_topic[topic]
        rng.shuffle(examples)
        cut = round(len(examples) * test_share)
        test += examples[:cut]
        train += examples[cut:]
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, rows in (("routing_train.csv", train), ("routing_test.csv", test)):
        with open(out_dir / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["留言主题", "留言详情", "一级标签"])
            writer.writerows([e.subject, e.body, e.topic] for e in rows)
    return len(train), len(test)


if __name__ == "__main__":
    args = sys.argv[1:]
    data = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "shared" / "data" / "wenzheng-2020"
    out = Path(args[1]) if len(args) > 1 else Path("instance")
    taken, held_out = split(data, out, int(args[2]) if len(args) > 2 else 0)
    print(f"train {taken}, test {held_out}")

"""Build portal/keyword_idf.txt: how many of the 2020 messages use each word (the background that
keeps everyday petition words out of the hot topics). Run from the repository root:

    .venv/bin/python scripts/build_keyword_idf.py ../shared/data/wenzheng-2020
"""
import sys
from collections import Counter
from pathlib import Path

from portal.services.importing import read_rows
from portal.textmining import words

FILES = ("附件2_测试数据.xlsx", "附件3.xlsx", "附件4.xlsx", "附件2_示例数据.xlsx")


def main(folder: str) -> None:
    seen, frequency = set(), Counter()
    for name in FILES:
        for row in read_rows(Path(folder) / name):
            text = f"{row.get('subject', '')} {row.get('body', '')}"
            if text in seen:  # repeated rows would make their words look common
                continue
            seen.add(text)
            frequency.update(set(words(text)))
        print(f"{name}: {len(seen)} distinct messages so far", file=sys.stderr)
    out = Path(__file__).resolve().parent.parent / "portal" / "keyword_idf.txt"
    kept = sorted((w, n) for w, n in frequency.items() if n >= 3)
    out.write_text(f"#documents {len(seen)}\n" + "".join(f"{w} {n}\n" for w, n in kept), "utf-8")
    print(f"{out}: {len(kept)} words over {len(seen)} messages", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/wenzheng-2020")

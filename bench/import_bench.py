"""Import rate: N rows recombined from the real messages, written as a channel's CSV (the layout of
附件3: number, user, subject, time, body), imported with import-xlsx's service; a second import of
the same file shows the no-duplicates path.

    .venv/bin/python bench/import_bench.py [N=100000]
"""
import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import documents  # noqa: E402
from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.services import SYSTEM, importing  # noqa: E402


def main(n: int) -> None:
    folder = Path(tempfile.mkdtemp())
    path = folder / "channel.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"])
        for doc in documents(n):
            writer.writerow([doc.id, f"U{doc.id:07d}", doc.subject, f"{doc.published:%Y/%m/%d %H:%M:%S}",
                             "\n\t\t\t" + doc.body])
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'import.db'}",
                      "SEARCH_INDEX_DIR": str(folder / "ix"), "QUERY_CODE_HASH": "pbkdf2:sha256:20000"})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        rows = importing.read_rows(path)
        read = time.perf_counter() - started
        started = time.perf_counter()
        report = importing.import_rows(rows, source="bench", channel="website", actor=SYSTEM)
        seconds = time.perf_counter() - started
        print(f"{n} rows: read in {read:.1f} s; imported {report.taken} in {seconds:.0f} s "
              f"({report.taken / seconds:.0f} messages/s, SQLite)")
        started = time.perf_counter()
        again = importing.import_rows(rows, source="bench", channel="website", actor=SYSTEM)
        print(f"second import of the same file: {again.taken} new, {again.skipped['已导入过']} skipped "
              f"in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

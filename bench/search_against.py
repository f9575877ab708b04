"""PostgreSQL search now against the same backend at an earlier commit, query by query, in one run.

    .venv/bin/python bench/search_against.py REV [--database postgresql+psycopg://…/wenzheng_bench_scaled]
                                             [--n 100000] [--rounds 2]

The entries are those `bench/search_bench.py --keep` left in the database (100,000, or the 1,000,000
grown from them); the 240 queries are the same. For each query both versions run one after the other
(alternating which goes first), so load and cache warmth fall on both alike. Prints p50/p95 per query
kind for each round, and any query whose page or count differs between the two.
"""
import argparse
import collections
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import documents  # noqa: E402
from bench.search_bench import p, postgres_app, queries  # noqa: E402
from portal.search import postgres_backend  # noqa: E402
from portal.search.documents import Filters  # noqa: E402

MODULE = "portal/search/postgres_backend.py"


def backend_at(rev: str):
    """The PostgreSQL backend module as it was at ``rev``, loaded beside today's."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{MODULE}"], check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "postgres_backend_then.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("portal.search.postgres_backend_then", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(rev: str, url: str, n: int, rounds: int) -> None:
    versions = {rev: backend_at(rev), "now": postgres_backend}
    chosen = queries(list(documents(n)))
    with postgres_app(url, keep=True).app_context():
        for round_ in range(1, rounds + 1):
            times = {name: collections.defaultdict(list) for name in versions}
            for number, (kind, query) in enumerate(chosen):
                text = f'"{query}"' if kind == "phrase" else query
                answers = {}
                for name in (list(versions) if number % 2 else list(reversed(versions))):
                    started = time.perf_counter()
                    results = versions[name].search(text, Filters(), 1, 10)
                    elapsed = (time.perf_counter() - started) * 1000
                    times[name][kind].append(elapsed)
                    times[name]["all"].append(elapsed)
                    answers[name] = (results.total, [hit.id for hit in results.hits])
                if len(set(map(str, answers.values()))) > 1:
                    print(f"differs: {kind} {query} {answers}")
            print(f"round {round_}, {len(chosen)} queries, ms p50/p95")
            for name, by_kind in times.items():
                print(f"  {name:<10}" + "".join(f"  {kind} {p(t, 50):.1f}/{p(t, 95):.1f}"
                                                for kind, t in sorted(by_kind.items())))


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("rev", help="the earlier commit, e.g. ab01c79")
    arguments.add_argument("--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/wenzheng_bench_scaled")
    arguments.add_argument("--n", type=int, default=100_000, help="the documents the queries are drawn from")
    arguments.add_argument("--rounds", type=int, default=2)
    options = arguments.parse_args()
    main(options.rev, options.database, options.n, options.rounds)

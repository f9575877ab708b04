"""PostgreSQL search now against the same backend at an earlier commit, query by query, in one run.

    .venv/bin/python bench/search_against.py REV [--database postgresql+psycopg://…/wenzheng_bench_scaled]
                                             [--then-database URL] [--n 100000] [--rounds 2]

The entries are those `bench/search_bench.py --keep` left in the database (100,000, or the 1,000,000
grown from them); the 240 queries are the same, and 40 more of single 汉字 (alone, and beside a
word). For each query both versions run one after the other (alternating which goes first), so load
and cache warmth fall on both alike. Prints p50/p95 per query kind for each round, and any query
whose page or count differs between the two. With
`--then-database`, the earlier version searches entries written there by its own code (a
`search_bench.py` run from a checkout of REV), for a change to what the entries hold.
"""
import argparse
import collections
import importlib.util
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rjieba

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import documents  # noqa: E402
from bench.search_bench import p, postgres_app, queries  # noqa: E402
from portal.search import postgres_backend  # noqa: E402
from portal.search.analyzer import HAN  # noqa: E402
from portal.search.documents import Filters  # noqa: E402

MODULE = "portal/search/postgres_backend.py"


def module_at(rev: str, path: str = MODULE):
    """A module of the repository (the PostgreSQL backend by default) as it was at ``rev``, loaded
    beside today's as a sibling of it, so that its relative imports reach today's package."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"], check=True,
                            capture_output=True, text=True).stdout
    name = Path(path).stem + "_then"
    file = Path(tempfile.mkdtemp()) / f"{name}.py"
    file.write_text(source)
    package = path.removesuffix(".py").replace("/", ".").rsplit(".", 1)[0]
    spec = importlib.util.spec_from_file_location(f"{package}.{name}", file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def alternate(versions: dict, apps: dict, chosen) -> dict:
    """Each query through each version's ``search`` one after the other (which goes first alternates),
    each in its app; prints any query whose count or first page differs. Times in ms by version, kind."""
    times = {name: collections.defaultdict(list) for name in versions}
    for name, module in versions.items():  # warm each version up
        with apps[name].app_context():
            module.search("预热", Filters(), 1, 10)
    for number, (kind, query) in enumerate(chosen):
        text = f'"{query}"' if kind == "phrase" else query
        answers = {}
        for name in (list(versions) if number % 2 else list(reversed(versions))):
            with apps[name].app_context():
                started = time.perf_counter()
                results = versions[name].search(text, Filters(), 1, 10)
                elapsed = (time.perf_counter() - started) * 1000
            times[name][kind].append(elapsed)
            times[name]["all"].append(elapsed)
            answers[name] = (results.total, [hit.id for hit in results.hits])
        if len(set(map(str, answers.values()))) > 1:
            print(f"differs: {kind} {query} {answers}")
    return times


def print_times(times: dict) -> None:
    for name, by_kind in times.items():
        print(f"  {name:<10}" + "".join(f"  {kind} {p(t, 50):.1f}/{p(t, 95):.1f}"
                                        for kind, t in sorted(by_kind.items())))


def single_queries(docs, count=40, seed=5):
    """One 汉字 alone (from the most common to the rarest), and one beside a two-character word: what
    the search_bench mix leaves out, and what an entry without the 汉字 inside runs makes dearer."""
    rng = random.Random(seed)
    frequency = collections.Counter(char for doc in docs[:2000] for char in doc.body if HAN.match(char))
    ranked = [char for char, _ in frequency.most_common()]
    alone = [("single", ranked[int(len(ranked) * (i / (count // 2)) ** 2)]) for i in range(count // 2)]
    two = sorted({w for d in docs[:2000] for w in rjieba.cut(d.body) if len(w) == 2 and w.isalpha()})
    beside = [("single+word", f"{rng.choice(ranked[:300])} {rng.choice(two)}") for _ in range(count // 2)]
    return alone + beside


def main(rev: str, url: str, n: int, rounds: int, then_url: str | None = None) -> None:
    versions = {rev: module_at(rev), "now": postgres_backend}
    now_app = postgres_app(url, keep=True)
    apps = {rev: postgres_app(then_url, keep=True) if then_url else now_app, "now": now_app}
    docs = list(documents(n))
    chosen = queries(docs) + single_queries(docs)
    for round_ in range(1, rounds + 1):
        times = alternate(versions, apps, chosen)
        print(f"round {round_}, {len(chosen)} queries, ms p50/p95")
        print_times(times)


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("rev", help="the earlier commit, e.g. ab01c79")
    arguments.add_argument("--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/wenzheng_bench_scaled")
    arguments.add_argument("--then-database", help="entries written by REV's code (default: the same database)")
    arguments.add_argument("--n", type=int, default=100_000, help="the documents the queries are drawn from")
    arguments.add_argument("--rounds", type=int, default=2)
    options = arguments.parse_args()
    main(options.rev, options.database, options.n, options.rounds, options.then_database)

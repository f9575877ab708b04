"""Pages under load: gunicorn (2 workers) serving the demo city, wrk on loopback, requests per
second and p95 latency for home, list, message page and search, beside a trivial endpoint of the same
app in the same run (the framework's ceiling).

    .venv/bin/python bench/pages_bench.py [SECONDS=10]

Needs wrk (apt-get install wrk) and gunicorn (pip install -e '.[serve]'). Seeds a fresh demo city in a
temporary instance folder; sends traffic only to 127.0.0.1.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LUA = ('done = function(summary, latency, requests) '
       'io.write(string.format("P95 %.2f\\n", latency:percentile(95) / 1000)) end')


def main(seconds: int = 10) -> None:
    folder = Path(tempfile.mkdtemp())
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "SECRET_KEY": "bench",
           "WENZHENG_SEARCH_INDEX_DIR": str(folder / "ix"), "WENZHENG_UPLOAD_DIR": str(folder / "up")}
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    script = folder / "p95.lua"
    script.write_text(LUA)
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", "127.0.0.1:8765",
                               "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait("http://127.0.0.1:8765/ping")
        message = re.search(r'/messages/(\d+)', _get("http://127.0.0.1:8765/messages")).group(1)
        pages = [("trivial /ping", "/ping"), ("home", "/"), ("list", "/messages"),
                 ("list, filtered", "/messages?category=other"), ("message", f"/messages/{message}"),
                 ("search word", "/search?q=%E7%89%A9%E4%B8%9A"),
                 ("search phrase", "/search?q=%22%E7%89%A9%E4%B8%9A%E5%85%AC%E5%8F%B8%22")]
        print(f"gunicorn 2 workers, wrk 2 threads 16 connections {seconds} s each, the demo city of seed-demo")
        print(f"{'page':<26} {'req/s':>8} {'p95 ms':>8}")
        for name, path in pages:
            out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(script),
                                  f"http://127.0.0.1:8765{path}"], capture_output=True, text=True).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            p95 = float(re.search(r"P95 ([\d.]+)", out).group(1))
            print(f"{name:<26} {rps:>8.0f} {p95:>8.1f}")
    finally:
        server.terminate()
        server.wait()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)

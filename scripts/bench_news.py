"""Load every kind of public page over HTTP beside two floors: gunicorn, N posts, wrk.

    .venv/bin/python scripts/bench_news.py [--posts 10000] [--seconds 8] [--connections 4,16]
        [--only TEXT] [--seed-only] [--drop]
    make bench N=1000000            (the same after the KIM pages of scripts/bench.py)

The database is ``bench_news_<N>`` on the embedded PostgreSQL (var/pgdata), never the
developer's: the first run creates, migrates and seeds it (``scripts/bench_seed.py``: N posts and
the members, trainings and aspirations that grow with them; 10,000 posts take seconds, a
million about 7 minutes on 2 cores), a later run at the same N reuses it. The pages are those of
``scripts/bench_pages.py``: home, news list and detail, a category, search (rare, uncommon and
common word), feeds, the KIM directory and a profile, coverage, a district and a village,
trainings, aspirations, sitemaps, and the uncached rows: a logged-in member's home, news list and
dashboard (a session saved in the database), and search for a common word and the feed with a
new query string on every request, so that no page cache answers them.

Three gunicorns (2 sync workers each, ``DJANGO_DEBUG=0``, a random secret key) serve on loopback
ports: the portal, the portal's floor (``scripts/bench_floor.py``: the same settings and
middleware, one view) and the bare floor (``scripts/bench_bare.py``: Django without apps or
middleware, one view). Both floors answer with the bytes of the page just loaded, so each
comparison is like with like. Every request carries ``Accept-Encoding: gzip``, as browsers send
it. Each page is loaded with wrk for ``--seconds`` at each connection count (4 readers; 16, a
village hall on one Wi-Fi), and both floors right after it: the machine's speed drifts, and a
ratio means most between neighbouring runs.

Output: a table of each page (status, SQL queries cached / fresh, HTML and gzip size, one request
alone) and one of the loads (req/s, p50, p95, each floor's req/s and the page's fraction of it,
the issue's target: 1/4 of the bare floor for cached pages, 1/30 for uncached ones), printed and
written to var/bench/bench-<N>.md (with var/bench/bench-<N>.json). When runs of two sizes exist
(e.g. 10,000 and 1,000,000), the report ends with each row's p95 at the larger against the
smaller. wrk comes from Debian (``make system-bench``, or ``apt-get install -y wrk``).
"""

import argparse
import gzip
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench_pages import (
    count_queries,
    markdown_report,
    member_session,
    p95_by_row,
    p95_comparison,
    page_list,
)
from bench_seed import BASE_DIR, MEDIA_DIR, VAR_DIR, embedded_server, ensure_database, seed

SCRIPTS_DIR = BASE_DIR / "scripts"
REPORT_DIR = VAR_DIR / "bench"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), errors))
end
"""
# For a page no cache may answer: the path gets a new query string on each request.
WRK_VARY = """
local counter = 0
request = function()
  counter = counter + 1
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. separator .. "bench=" .. counter)
end
"""


def production_env(database_url: str, static_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kim_portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": database_url,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_MEDIA_ROOT": str(MEDIA_DIR),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(BASE_DIR), str(SCRIPTS_DIR)]),
        # Production settings, except for two refusals opted out of (kim_portal/startup.py):
        # the benchmark serves on loopback and its 2 workers keep each their own local-memory
        # cache, as it has always measured them (no cache server to install).
        "PORTAL_ALLOW_UNFIT_FOR_PRODUCTION": "loopback-base-url,per-process-cache",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


# --- serving and loading ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, headers: dict[str, str]) -> tuple[int, bytes, dict]:
    """Status, body as sent (not decompressed) and headers of one GET."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def start_gunicorn(
    env: dict, port: int, log: Path, *, config: str = "gunicorn.conf.py"
) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            GUNICORN,
            "kim_portal.wsgi:application",
            *("--config", config, "--workers", "2", "--bind", f"127.0.0.1:{port}"),
            *("--log-level", "warning"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {log}:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not start on port {port}; see {log}")


def load(url: str, *, seconds: int, connections: int, script: Path, headers: dict) -> dict:
    """Warm up for a second, then load ``url`` with wrk; requests/s, p50 and p95 in ms."""
    options = ["-t1", f"-c{connections}", "--timeout", "60s", "-s", str(script)]
    for name, value in headers.items():
        options += ["-H", f"{name}: {value}"]
    subprocess.run(["wrk", "-d1s", *options, url], capture_output=True, check=True)
    output = subprocess.run(
        ["wrk", f"-d{seconds}s", *options, url], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE)
    if not match:
        raise SystemExit(f"Unexpected wrk output:\n{output}")
    requests, duration_us, p50_us, p95_us, errors = map(int, match.groups())
    return {
        "rps": requests / (duration_us / 1e6),
        "p50": p50_us / 1000,
        "p95": p95_us / 1000,
        "errors": errors,
    }


def capture_pages(base_url: str, pages, session, floor_dir: Path) -> list[dict]:
    """Fetch each page plain and in gzip, keep both for the floors, and time one request."""
    floor_dir.mkdir()
    rows, content_types = [], {}
    for number, page in enumerate(pages):
        headers = {"Cookie": f"{session[0]}={session[1]}"} if page.member else {}
        fetch(base_url + page.path, headers)  # warms this page's caches
        started = time.perf_counter()
        status, html, response_headers = fetch(base_url + page.path, headers)
        alone = (time.perf_counter() - started) * 1000
        _status, sent, sent_headers = fetch(
            base_url + page.path, {**headers, "Accept-Encoding": "gzip"}
        )
        if sent_headers.get("Content-Encoding") != "gzip":
            sent = gzip.compress(html)  # not compressed by the portal: the bare floor gzips
        name = f"page{number}"
        (floor_dir / f"{name}.html").write_bytes(html)
        (floor_dir / f"{name}.gz").write_bytes(sent)
        content_types[name] = response_headers.get("Content-Type", "text/html")
        rows.append(
            {
                "page": page,
                "name": name,
                "status": status,
                "bytes": len(html),
                "gzip_bytes": len(sent),
                "alone": alone,
                "headers": {**headers, "Accept-Encoding": "gzip"},
                "loads": {},
            }
        )
    (floor_dir / "pages.json").write_text(json.dumps(content_types))
    return rows


def load_rows(rows, urls: dict[str, str], work_dir: Path, args) -> None:
    """Each page at each connection count, the portal's floor and the bare floor after it."""
    report, vary = work_dir / "report.lua", work_dir / "report-vary.lua"
    report.write_text(WRK_REPORT)
    vary.write_text(WRK_VARY + WRK_REPORT)
    for row in rows:
        page = row["page"]
        if row["status"] != 200:
            print(f"Skipping {page.label} ({page.path}): HTTP {row['status']}", flush=True)
            continue
        for connections in args.connections:
            print(f"Loading {page.label} ({page.path}) at {connections}, then the floors …")
            options = {"seconds": args.seconds, "connections": connections}
            result = load(
                urls["portal"] + page.path,
                script=vary if page.vary else report,
                headers=row["headers"],
                **options,
            )
            for floor in ("portal_floor", "bare_floor"):
                floor_url = f"{urls[floor]}/floor/{row['name']}/"
                floor_load = load(floor_url, script=report, headers=row["headers"], **options)
                result[floor.replace("_floor", "_rps")] = floor_load["rps"]
            row["loads"][connections] = result


def serve_and_load(env: dict, pages, args, work_dir: Path) -> list[dict]:
    session = member_session()
    queries = count_queries(pages, session)
    processes = []
    try:
        ports = {name: free_port() for name in ("portal", "portal_floor", "bare_floor")}
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        processes.append(start_gunicorn(env, ports["portal"], work_dir / "portal.log"))
        rows = capture_pages(urls["portal"], pages, session, work_dir / "floor")
        floor_env = {**env, "BENCH_FLOOR_DIR": str(work_dir / "floor")}
        processes.append(
            start_gunicorn(
                {**floor_env, "DJANGO_SETTINGS_MODULE": "bench_floor"},
                ports["portal_floor"],
                work_dir / "portal-floor.log",
            )
        )
        # The bare floor without the portal's gunicorn.conf.py (an empty config instead),
        # which would load the portal's settings and check its services.
        processes.append(
            start_gunicorn(
                {**floor_env, "DJANGO_SETTINGS_MODULE": "bench_bare"},
                ports["bare_floor"],
                work_dir / "bare-floor.log",
                config="/dev/null",
            )
        )
        for row in rows:
            row["queries"] = queries[row["page"]]
        load_rows(rows, urls, work_dir, args)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
    return rows


def write_report(rows: list[dict], args) -> None:
    """Print the tables, write them to var/bench/bench-<N>.md, and compare with the run of
    another size when there is one (the smallest against the largest)."""
    title = (
        f"{args.posts:,} posts · gunicorn 2 sync workers · wrk 1 thread, {args.seconds} s per "
        "load, Accept-Encoding: gzip · both floors loaded right after each page"
    )
    text = markdown_report(rows, title=title)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    run = {"posts": args.posts, "p95": p95_by_row(rows)}
    (REPORT_DIR / f"bench-{args.posts}.json").write_text(json.dumps(run, indent=1))
    runs = sorted(
        (json.loads(path.read_text()) for path in REPORT_DIR.glob("bench-*.json")),
        key=lambda saved: saved["posts"],
    )
    if len(runs) > 1:
        text += "\n" + p95_comparison(runs[0], runs[-1])
    (REPORT_DIR / f"bench-{args.posts}.md").write_text(text)
    print("\n" + text)
    print(f"Written to {REPORT_DIR / f'bench-{args.posts}.md'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000, help="posts to seed (default 10,000)")
    parser.add_argument("--seconds", type=int, default=8, help="load time per page and floor")
    parser.add_argument(
        "--connections",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[4, 16],
        help="wrk connection counts, comma-separated (default 4,16)",
    )
    parser.add_argument("--only", help="load only the pages whose label contains this text")
    parser.add_argument("--seed-only", action="store_true", help="seed, then stop")
    parser.add_argument("--drop", action="store_true", help="delete the database at the end")
    args = parser.parse_args()
    if not shutil.which("wrk") and not args.seed_only:
        raise SystemExit("wrk is needed: make system-bench (or apt-get install -y wrk)")

    server = embedded_server()
    database_url = ensure_database(server, f"bench_news_{args.posts}")
    work_dir = Path(tempfile.mkdtemp(prefix="bench-news-"))
    env = production_env(database_url, work_dir / "static")
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        import django

        django.setup()
        seed(args.posts)
        if args.seed_only:
            return
        pages = [page for page in page_list() if not args.only or args.only in page.label]
        manage(env, "collectstatic", "--noinput", "-v", "0")
        write_report(serve_and_load(env, pages, args, work_dir), args)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
        if args.drop:
            from django.db import connections

            connections.close_all()
            server.psql(f"DROP DATABASE IF EXISTS bench_news_{args.posts};")
            print(f"Dropped bench_news_{args.posts}.")


if __name__ == "__main__":
    main()

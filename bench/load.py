"""Load benchmark of the production stack: gunicorn (2 sync workers), PostgreSQL, Redis, on loopback, with wrk.

Prints, in one run, req/s and p50/p99 for ``/health/``, a static file and every public page type and API list,
uncached (page cache off) and cached; the ratio of each to ``/health/``'s req/s in the same run; the latency of
one request at a time; and a soak of the cached pages (64 connections, 60 s) with its errors and p99.

    .venv/bin/python bench/load.py [--duration 8] [--soak 60] [--connections 16]

Needs PostgreSQL (``BENCH_DATABASE_URL``, default postgres://postgres@127.0.0.1:5432/mot_bench: created, migrated
and loaded with the real data when empty), Redis (``BENCH_CACHE_URL``, default redis://127.0.0.1:6379/9, flushed
first) and wrk (Debian package ``wrk``). Targets on a 2-core machine (issue 11): a cached page or API read at
≥ 50 % of ``/health/``'s req/s; uncached home, towns list, factsheets list and mission page p50 ≤ 25 ms one
request at a time; the soak with 0 errors and p99 < 500 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mot_bench")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9")
ONE_AT_A_TIME = ("home", "towns list", "factsheets list", "mission page")


def environment(*, cache: bool, static_root: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": CACHE_URL,
        "CELERY_BROKER_URL": "",
        "PAGE_CACHE_SECONDS": "600" if cache else "0",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        "THROTTLE_RATE_ANON": "1000000/minute",  # the benchmark measures throughput, not the throttle
        "THROTTLE_RATE_USER": "1000000/minute",
        "THROTTLE_RATE_HEAVY": "1000000/minute",
    }


def manage(*args: str, env: dict) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def prepare(env: dict) -> None:
    """Create, migrate and load the database when it is empty; collect the static files."""
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--no-input", env=env)
    with psycopg.connect(DATABASE_URL) as connection:
        loaded = connection.execute("SELECT count(*) FROM towns_town").fetchone()[0]
    if not loaded:
        for command in (
            ["import_towns"],
            ["load_content"],
            ["import_workplan", "--status", "published"],
            ["load_projects"],
            ["load_missions"],
            ["load_offer"],
        ):
            manage(*command, env=env)
    manage("collectstatic", "--no-input", env=env)


def paths(env: dict) -> dict[str, str]:
    """One real URL per page type, read from the loaded database."""
    script = """
import django, json
django.setup()
from django.urls import reverse
from django.utils import translation
from missions.models import Mission
from projects.models import Booklet, Factsheet
from towns.models import Town
from workplan.models import Programme
mission = Mission.objects.published().filter(slug__icontains="flash").first() or Mission.objects.published().first()
factsheet = Factsheet.objects.published().order_by("slug").first()
booklet = Booklet.objects.published().first()
town = Town.objects.filter(pvd_id__isnull=False).order_by("insee_code").first()
programme = Programme.objects.published().order_by("-year").first()
urls = {}
with translation.override("fr"):
    urls["home"] = reverse("home")
    urls["towns list"] = reverse("towns:town_list")
    urls["town page"] = reverse("towns:town_detail", kwargs={"insee_code": town.insee_code})
with translation.override("en"):
    urls["factsheets list"] = reverse("projects:factsheet_list")
    urls["factsheet page"] = reverse("projects:factsheet_detail", kwargs={"slug": factsheet.slug})
    urls["booklet page"] = reverse("projects:booklet_detail", kwargs={"slug": booklet.slug})
    urls["missions list"] = reverse("missions:mission_list")
    urls["mission page"] = reverse("missions:mission_detail", kwargs={"slug": mission.slug})
    urls["programme"] = reverse("workplan:programme", kwargs={"year": programme.year})
    urls["partners list"] = reverse("towns:partner_list")
urls["API towns"] = "/api/v1/towns/?is_pvd=true"
urls["API factsheets"] = "/api/v1/factsheets/"
urls["API missions"] = "/api/v1/missions/"
urls["API programme"] = f"/api/v1/programmes/{programme.year}/"
print(json.dumps(urls))
"""
    import json

    output = subprocess.run(
        [PYTHON, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "mot_portal.settings"},
        capture_output=True,
        text=True,
    )
    if output.returncode:
        raise RuntimeError(output.stderr)
    output = output.stdout
    return json.loads(output.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(env: dict):
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "mot_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--worker-class", "sync", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                if get(port, "/health/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start: {process.stderr.read() if process.stderr else ''}")
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def one_at_a_time(port: int, path: str, runs: int = 40) -> float:
    """p50 (ms) of ``runs`` sequential requests on one kept-alive connection, after a warm-up."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings = []
    for number in range(runs + 5):
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
        if number >= 5:
            timings.append((time.perf_counter() - started) * 1000)
        if response.getheader("Connection", "").lower() == "close" or response.will_close:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()
    return statistics.median(timings)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(port: int, path: str, *, connections: int, duration: int, script: Path | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H", "Host: 127.0.0.1"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
    if "Requests/sec" not in output or "50%" not in output:
        raise RuntimeError(f"wrk {path}: {output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def measure(port: int, urls: dict[str, str], *, connections: int, duration: int) -> dict[str, dict]:
    results = {}
    for name, path in urls.items():
        status, _body = get(port, path)  # warm: the first request fills the page cache
        if status != 200:
            raise RuntimeError(f"{name} {path}: HTTP {status}")
        results[name] = wrk(port, path, connections=connections, duration=duration)
    return results


def soak_script(urls: list[str]) -> Path:
    """A wrk script that goes round the cached pages."""
    lua = "local paths = {" + ", ".join(f'"{url}"' for url in urls) + "}\nlocal i = 0\n"
    lua += "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    path = Path(tempfile.mkstemp(suffix=".lua")[1])
    path.write_text(lua)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=8, help="seconds of wrk per path (default 8)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections per path (default 16)")
    parser.add_argument("--soak", type=int, default=60, help="seconds of the 64-connection soak (0: skip)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    static_root = Path(tempfile.mkdtemp(prefix="mot-static-"))
    subprocess.run(["redis-cli", "-u", CACHE_URL, "flushdb"], check=True, capture_output=True)
    base = {"health": "/health/", "static file": "/static/css/portal.css"}
    prepare(environment(cache=False, static_root=static_root))
    urls = paths(environment(cache=False, static_root=static_root))
    rows: dict[str, dict[str, dict]] = {}
    single: dict[str, dict[str, float]] = {"uncached": {}, "cached": {}}
    for label, cache in (("uncached", False), ("cached", True)):
        with server(environment(cache=cache, static_root=static_root)) as port:
            rows[label] = measure(port, {**base, **urls}, connections=args.connections, duration=args.duration)
            for name in ONE_AT_A_TIME:
                single[label][name] = one_at_a_time(port, urls[name])
            if cache and args.soak:
                script = soak_script([urls[name] for name in urls])
                rows["soak"] = {"cached pages, 64 connections": wrk(
                    port, "/", connections=64, duration=args.soak, script=script)}  # fmt: skip
    report(rows, single, {**base, **urls}, args)
    return 0


def report(rows, single, urls, args) -> None:
    print(f"\n## Load: gunicorn 2 sync workers, PostgreSQL, Redis cache; wrk {args.connections} connections "
          f"for {args.duration} s per path (same run, {os.cpu_count()} cores)\n")  # fmt: skip
    print("| path | uncached req/s | p50 ms | p99 ms | cached req/s | p50 ms | p99 ms | cached ÷ /health/ |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    health = rows["cached"]["health"]["rps"]
    for name in rows["uncached"]:
        u, c = rows["uncached"][name], rows["cached"][name]
        label = f"{name} `{urls[name]}`"
        print(f"| {label} | {u['rps']:,.0f} | {u['p50']:.1f} | {u['p99']:.1f} | {c['rps']:,.0f} | {c['p50']:.1f} "
              f"| {c['p99']:.1f} | {c['rps'] / health:.0%} |")  # fmt: skip
    errors = sum(r["errors"] for group in rows.values() for r in group.values())
    print(f"\nErrors (socket errors + non-2xx) across every wrk run: {errors}")
    print("\n## One request at a time (p50 ms, 40 requests on one connection)\n")
    print("| page | uncached | cached |")
    print("|---|---:|---:|")
    for name in ONE_AT_A_TIME:
        print(f"| {name} | {single['uncached'][name]:.1f} | {single['cached'][name]:.1f} |")
    if "soak" in rows:
        soak = rows["soak"]["cached pages, 64 connections"]
        print(f"\n## Soak: {len(urls)} cached pages in turn, 64 connections for {args.soak} s\n")
        print("| requests | req/s | p50 ms | p99 ms | errors |")
        print("|---:|---:|---:|---:|---:|")
        print(f"| {soak['requests']:,} | {soak['rps']:,.0f} | {soak['p50']:.1f} | {soak['p99']:.1f} "
              f"| {soak['errors']} |")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())

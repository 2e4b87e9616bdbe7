"""Benchmark: the open-data exports of the towns (``/api/v1/towns/?format=csv|geojson``), all 34,969 communes and
the PVD laureates, against the target of issue 12 (all communes in at most 5 s and 200 MB peak memory).

Prints one table: rows, bytes, seconds (median of ``--runs`` downloads, read to the last byte through the whole
middleware stack with the Django test client), the peak RSS of the process that served the download (Django
loaded, nothing else: each export runs in a fresh process) and the peak of Python allocations during the download
(tracemalloc, measured on a separate download because tracing slows Python down). The CPU time of the serving
process is given beside the wall-clock time: on a shared machine it is the steadier figure.

Each backend has its own fresh database, filled by the real import: SQLite always (a temporary file), PostgreSQL
when BENCH_POSTGRES_URL is set (a throw-away database whose name ends in ``_bench``, created or emptied first).

    .venv/bin/python bench/export.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

CASES = {
    "CSV, all towns": "/api/v1/towns/?format=csv",
    "GeoJSON, all towns": "/api/v1/towns/?format=geojson",
    "CSV, PVD": "/api/v1/towns/?format=csv&is_pvd=true",
    "GeoJSON, PVD": "/api/v1/towns/?format=geojson&is_pvd=true",
}
TARGET_SECONDS, TARGET_MB = 5.0, 200


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mot_portal.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(database_url: str) -> None:
    """Migrate and import the real towns data."""
    _django(database_url)
    from django.conf import settings
    from django.core.management import call_command

    from towns.services import towns_import

    call_command("migrate", verbosity=0)
    towns_import(data_dir=settings.TOWNS_DATA_DIR, force=True)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(database_url: str, url: str, runs: int) -> dict:
    """Download ``url`` ``runs`` times (timed), then once under tracemalloc."""
    _django(database_url)
    import tracemalloc

    from django.test import Client
    from django.test.utils import override_settings

    def download() -> tuple[int, int]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response.streaming, url
        size = features = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
            features += chunk.count(b'{"type":"Feature"')
        rows = features if "geojson" in url else lines - 1  # the CSV's header row
        return rows, size

    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"], PAGE_CACHE_SECONDS=0):
        client = Client()
        client.get("/api/v1/towns/?page_size=1")  # URLs, serializers and connection ready
        rss_before = _peak_rss_mb()
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            rows, size = download()
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        rss_peak = _peak_rss_mb()
        tracemalloc.start()
        download()
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "rows": rows,
        "bytes": size,
        "seconds": statistics.median(timings),
        "cpu_seconds": statistics.median(cpu),
        "rss_before_mb": rss_before,
        "rss_peak_mb": rss_peak,
        "traced_peak_mb": traced_peak / 1024 / 1024,
    }


def _child(*args: str) -> str:
    return subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def run_backend(backend: str, database_url: str, runs: int) -> list[dict]:
    _child("--prepare", "--database-url", database_url)
    results = []
    for label, url in CASES.items():
        output = _child("--measure", url, "--database-url", database_url, "--runs", str(runs))
        results.append({"backend": backend, "case": label, **json.loads(output.strip().splitlines()[-1])})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="downloads per export (median reported)")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.database_url)
        return
    if args.measure:
        print(json.dumps(measure(args.database_url, args.measure, args.runs)))
        return

    from bench import _table, prepare_postgres

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results += run_backend("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args.runs)
    postgres_url = os.environ.get("BENCH_POSTGRES_URL")
    if postgres_url:
        prepare_postgres(postgres_url)
        results += run_backend("PostgreSQL", postgres_url, args.runs)

    print(
        f"Town exports: median of {args.runs} downloads read to the last byte (Django test client, in process); "
        f"target for all towns: ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MB} MB peak."
    )
    header = ["backend", "export", "rows", "size", "time", "CPU time", "peak RSS (process)", "RSS before",
              "tracemalloc peak"]  # fmt: skip
    rows = [
        [
            r["backend"],
            r["case"],
            f"{r['rows']:,}",
            f"{r['bytes'] / 1e6:.1f} MB",
            f"{r['seconds']:.2f} s",
            f"{r['cpu_seconds']:.2f} s",
            f"{r['rss_peak_mb']:.0f} MB",
            f"{r['rss_before_mb']:.0f} MB",
            f"{r['traced_peak_mb']:.1f} MB",
        ]
        for r in results
    ]
    _table(header, rows)
    slow = [
        r for r in results if "all" in r["case"] and (r["seconds"] > TARGET_SECONDS or r["rss_peak_mb"] > TARGET_MB)
    ]
    if slow:
        raise SystemExit(f"Over the target: {', '.join(r['backend'] + ' ' + r['case'] for r in slow)}")


if __name__ == "__main__":
    main()

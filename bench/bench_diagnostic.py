"""Benchmark: a town's diagnostic page (towns.diagnostic), cached by the page cache and uncached, against the floor
``/health/`` in the same run, through Django's test client on the configured database (run the local data setup of
the README first). Prints the median (p50) and p95 in ms, and the queries of one uncached request.

    .venv/bin/python bench/bench_diagnostic.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mot_portal.settings")

TOWNS = [("57106", "Bouzonville"), ("08190", "Givet"), ("23096", "Guéret (Creuse)")]


def timed(function, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse
    from django.utils import translation

    client = Client()

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    rows = []
    with override_settings(RATELIMIT_ENABLE=False):
        floor = timed(lambda: get("/health/"), runs)
        rows.append(("/health/ (floor)", "", floor, floor, None))
        for code, label in TOWNS:
            with translation.override("en"):
                url = reverse("towns:town_diagnostic", kwargs={"insee_code": code})

            def uncached(url=url):
                cache.clear()
                get(url)

            with CaptureQueriesContext(connection) as ctx:
                uncached()
            queries = len(ctx.captured_queries)
            get(url)  # warm the page cache
            rows.append((label, url, timed(lambda url=url: get(url), runs), timed(uncached, runs), queries))
    print(f"{'page':<22} {'cached p50':>10} {'p95':>7} {'uncached p50':>13} {'p95':>7} {'queries':>8}")
    for label, _url, cached, uncached, queries in rows:
        print(
            f"{label:<22} {cached[0]:>10.1f} {cached[1]:>7.1f} {uncached[0]:>13.1f} {uncached[1]:>7.1f} "
            f"{'' if queries is None else queries:>8}"
        )


if __name__ == "__main__":
    main()

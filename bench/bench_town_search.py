"""Benchmark: "Find my town" over the imported communes (34,969) on the configured database (SQLite by default:
run ``manage.py import_towns`` first). Prints the median (p50) and p95 time of each query kind, in ms:
the selector alone (the page's first 25 rows and their count; the 8 suggestions), then the whole request through
Django's test client (page cache off, throttling off).

    PAGE_CACHE_SECONDS=0 .venv/bin/python bench/bench_town_search.py [--runs 20]
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
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")

QUERIES = ["sierck les bains", "SIERCK", "57480", "saint-die", "l'hopital", "metz", "sa", "bourg", "a", "zzzz"]


def timed(function, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        for query in QUERIES:
            start = time.perf_counter()
            function(query)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from towns.models import Town
    from towns.search import search_order, towns_matching
    from towns.selectors import town_suggestions

    def page_rows(query: str) -> None:
        towns = towns_matching(Town.objects.with_relations(), query)
        list(search_order(towns)[:25])
        towns.count()

    client = Client()
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    rows = [
        ("selector: page rows + count", page_rows),
        ("selector: 8 suggestions", lambda q: town_suggestions(query=q)),
        ("GET /api/v1/towns/suggest/?q=", lambda q: client.get("/api/v1/towns/suggest/", {"q": q})),
        ("GET /api/v1/towns/?search=", lambda q: client.get("/api/v1/towns/", {"search": q})),
        ("GET /en/towns/?scope=all&search=", lambda q: client.get("/en/towns/", {"scope": "all", "search": q})),
    ]
    print(f"{Town.objects.count():,} communes on {connection.vendor}; {len(QUERIES)} queries × {runs} runs")
    print(f"{'what':40} {'p50 ms':>8} {'p95 ms':>8}")
    with override_settings(REST_FRAMEWORK=rest):
        for label, function in rows:
            function("warm up")
            p50, p95 = timed(function, runs)
            print(f"{label:40} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()

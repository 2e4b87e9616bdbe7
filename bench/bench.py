"""Benchmark: full import time, the towns API list and towns page, the factsheets list page, search and
API (300 factsheets: the eight real ones repeated), and the missions pages and API (200 missions: the eight
real ones repeated), each against a plain baseline.

Prints one table. Each backend runs in its own process on its own fresh database:
SQLite always (a temporary file), PostgreSQL when BENCH_POSTGRES_URL is set (the database is created
if missing and emptied first). The baseline answers the same rows with ``.values()`` + ``JsonResponse``
through the same middleware stack, so the ratio is the cost of our serializers, filters and templates.

    .venv/bin/python bench/bench.py [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

API_PATH = "/api/v1/towns/?is_pvd=true&page_size=100"
PAGE_PATH = "/en/towns/"
FIELDS = ["insee_code", "name", "department__code", "department__region__code", "population",
          "intercommunality__siren", "intercommunality__name", "latitude", "longitude", "border_country__code",
          "border_distance_km", "pvd_id", "pvd_signed_on"]  # fmt: skip


FACTSHEET_COUNT = 300
FACTSHEET_PATHS = {
    "list page": "/en/factsheets/",
    "page, search": "/fr/fiches-projet/?search=frontaliers",
    "page, 2 facets": "/en/factsheets/?country=BE&theme=health",
    "API, 100": "/api/v1/factsheets/?page_size=100",
    "API, search": "/api/v1/factsheets/?search=sant%C3%A9&page_size=100",
}


def repeat_seed_factsheets(count: int) -> int:
    """Copies of the eight seed factsheets (same texts, towns, countries, themes) until there are ``count``."""
    from django.conf import settings

    from projects.models import Factsheet, FactsheetTown
    from projects.search import search_documents_refresh
    from projects.services import projects_content_load
    from towns.services import content_load

    content_load(path=settings.BASE_DIR / "fixtures" / "content" / "towns.json")
    projects_content_load(path=settings.BASE_DIR / "fixtures" / "content" / "projects.json")
    seeds = list(Factsheet.objects.prefetch_related("countries", "themes", "town_roles"))
    copies = []
    for number in range(count - len(seeds)):
        seed = seeds[number % len(seeds)]
        copy = Factsheet.objects.get(pk=seed.pk)
        copy.pk, copy.slug = None, f"{seed.slug}-{number}"
        copies.append(copy)
    Factsheet.objects.bulk_create(copies)
    for number, copy in enumerate(copies):
        seed = seeds[number % len(seeds)]
        copy.countries.set(seed.countries.all())
        copy.themes.set(seed.themes.all())
        FactsheetTown.objects.bulk_create(
            FactsheetTown(factsheet=copy, town_id=role.town_id, role=role.role) for role in seed.town_roles.all()
        )
    search_documents_refresh(Factsheet.objects.all())
    return Factsheet.objects.published().count()


MISSION_COUNT = 200
MISSION_PATHS = {
    "list page": "/en/missions/",
    "page, 2 facets": "/fr/missions/?country=LU&theme=mobility",
    "mission page": "/en/missions/mission-flash-bouzonville-sierck-les-bains/",
    "API, 100": "/api/v1/missions/?page_size=100",
}


def repeat_seed_missions(count: int) -> int:
    """Copies of the eight seed missions (texts, scope, events with participants, groups, partners, roadmaps)
    until there are ``count``."""
    from django.conf import settings
    from django.db import transaction

    from missions.models import EventParticipation, Mission, MissionPartner, Roadmap
    from missions.services import missions_content_load
    from workplan.services import programme_import

    programme_import(path=settings.BASE_DIR / "fixtures" / "workplan" / "programme_2025.txt", status="published")
    missions_content_load(path=settings.BASE_DIR / "fixtures" / "content" / "missions.json")
    seeds = list(Mission.objects.order_by("pk"))
    relations = ("towns", "intercommunalities", "cross_border_areas", "countries", "themes", "workplan_actions")
    with transaction.atomic():
        for number in range(count - len(seeds)):
            seed = seeds[number % len(seeds)]
            copy = Mission.objects.get(pk=seed.pk)
            copy.pk, copy.slug = None, f"{seed.slug}-{number}"
            copy.save()
            for name in relations:
                getattr(copy, name).set(getattr(seed, name).all())
            for event in seed.events.all():
                participations = list(event.participations.all())
                event.pk, event.mission = None, copy
                event.save()
                EventParticipation.objects.bulk_create(
                    EventParticipation(event=event, country_id=p.country_id, count=p.count) for p in participations
                )
            MissionPartner.objects.bulk_create(
                MissionPartner(mission=copy, partner_id=r.partner_id, role=r.role) for r in seed.partner_roles.all()
            )
            Roadmap.objects.bulk_create(
                Roadmap(mission=copy, version=r.version, status=r.status, summary_fr=r.summary_fr)
                for r in seed.roadmaps.all()
            )
    return Mission.objects.published().count()


def measure(backend: str, database_url: str, runs: int) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mot_portal.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.http import JsonResponse
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path

    import mot_portal.urls
    from towns.models import Town
    from towns.services import towns_import

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    towns_import(data_dir=settings.TOWNS_DATA_DIR, force=True)
    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    towns_import(data_dir=settings.TOWNS_DATA_DIR)
    noop_seconds = time.perf_counter() - started

    def baseline(request, size: int):
        rows = Town.objects.filter(pvd_id__isnull=False).order_by("insee_code" if size == 100 else "name")
        return JsonResponse({"results": list(rows.values(*FIELDS)[:size])})

    def factsheet_baseline(request):
        from projects.models import Factsheet

        rows = Factsheet.objects.published().order_by("slug")
        return JsonResponse({"results": list(rows.values("slug", "title_fr", "title_en", "summary_fr")[:100])})

    factsheets = repeat_seed_factsheets(FACTSHEET_COUNT)
    missions = repeat_seed_missions(MISSION_COUNT)

    def mission_baseline(request):
        from missions.models import Mission

        rows = Mission.objects.published().order_by("slug")
        return JsonResponse({"results": list(rows.values("slug", "title_fr", "title_en", "kind", "progress")[:100])})

    urlconf = type(
        "BenchUrls",
        (),
        {
            "urlpatterns": [
                path("baseline/api/", baseline, {"size": 100}),
                path("baseline/page/", baseline, {"size": 25}),
                path("baseline/factsheets/", factsheet_baseline),
                path("baseline/missions/", mission_baseline),
                *mot_portal.urls.urlpatterns,
            ]
        },
    )
    client = Client()

    def median_ms(url: str) -> float:
        client.get(url)  # warm up
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return statistics.median(timings)

    with override_settings(ROOT_URLCONF=urlconf, DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        result = {
            "backend": backend,
            "towns": Town.objects.count(),
            "import_s": import_seconds,
            "noop_import_s": noop_seconds,
            "api_ms": median_ms(API_PATH),
            "api_baseline_ms": median_ms("/baseline/api/"),
            "page_ms": median_ms(PAGE_PATH),
            "page_baseline_ms": median_ms("/baseline/page/"),
            "factsheets": factsheets,
            "factsheet_ms": {label: median_ms(url) for label, url in FACTSHEET_PATHS.items()},
            "factsheet_baseline_ms": median_ms("/baseline/factsheets/"),
            "missions": missions,
            "mission_ms": {label: median_ms(url) for label, url in MISSION_PATHS.items()},
            "mission_baseline_ms": median_ms("/baseline/missions/"),
        }
    return result


def run_child(backend: str, database_url: str, runs: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", backend, "--database-url", database_url, "--runs", str(runs)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def prepare_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    if not name.endswith("_bench"):
        raise SystemExit(f"BENCH_POSTGRES_URL must name a throw-away database ending in _bench (got {name!r}).")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30, help="requests per measurement (median reported)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.database_url, args.runs)))
        return

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run_child("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args.runs))
    postgres_url = os.environ.get("BENCH_POSTGRES_URL")
    if postgres_url:
        prepare_postgres(postgres_url)
        results.append(run_child("PostgreSQL", postgres_url, args.runs))

    header = ["backend", "towns", "full import", "re-import (no-op)",
              f"API {API_PATH}", "baseline", "ratio", f"page {PAGE_PATH}", "baseline", "ratio"]  # fmt: skip
    rows = [
        [
            r["backend"],
            f"{r['towns']:,}",
            f"{r['import_s']:.1f} s",
            f"{r['noop_import_s'] * 1000:.0f} ms",
            f"{r['api_ms']:.1f} ms",
            f"{r['api_baseline_ms']:.1f} ms",
            f"×{r['api_ms'] / r['api_baseline_ms']:.1f}",
            f"{r['page_ms']:.1f} ms",
            f"{r['page_baseline_ms']:.1f} ms",
            f"×{r['page_ms'] / r['page_baseline_ms']:.1f}",
        ]
        for r in results
    ]
    print(f"Medians of {args.runs} requests (Django test client, in process); API: 100 PVD towns; page: 25 towns.")
    _table(header, rows)

    header = ["backend", "factsheets", *FACTSHEET_PATHS, "baseline (.values(), 100)", "API ratio"]
    rows = [
        [
            r["backend"],
            str(r["factsheets"]),
            *(f"{r['factsheet_ms'][label]:.1f} ms" for label in FACTSHEET_PATHS),
            f"{r['factsheet_baseline_ms']:.1f} ms",
            f"×{r['factsheet_ms']['API, 100'] / r['factsheet_baseline_ms']:.1f}",
        ]
        for r in results
    ]
    print()
    print(f"Factsheets (the 8 real ones repeated to {FACTSHEET_COUNT}): " + "; ".join(
        f"{label} = {url}" for label, url in FACTSHEET_PATHS.items()))  # fmt: skip
    _table(header, rows)

    header = ["backend", "missions", *MISSION_PATHS, "baseline (.values(), 100)", "API ratio"]
    rows = [
        [
            r["backend"],
            str(r["missions"]),
            *(f"{r['mission_ms'][label]:.1f} ms" for label in MISSION_PATHS),
            f"{r['mission_baseline_ms']:.1f} ms",
            f"×{r['mission_ms']['API, 100'] / r['mission_baseline_ms']:.1f}",
        ]
        for r in results
    ]
    print()
    print(f"Missions (the 8 real ones repeated to {MISSION_COUNT}): " + "; ".join(
        f"{label} = {url}" for label, url in MISSION_PATHS.items()))  # fmt: skip
    _table(header, rows)


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    for line in [header, ["-" * w for w in widths], *rows]:
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))


if __name__ == "__main__":
    main()

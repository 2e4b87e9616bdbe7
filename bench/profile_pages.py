"""Where an uncached page's time goes: the largest costs of each page, under cProfile, page cache off.

    .venv/bin/python bench/profile_pages.py [--runs 30] [PATH ...]

Production settings on PostgreSQL (``BENCH_DATABASE_URL``, default the load benchmark's database, loaded by
``bench/load.py``) and Redis (``BENCH_CACHE_URL``, default redis://127.0.0.1:6379/9): the page cache off, the
parts of pages cached per content version as in production. For each page: p50 without the profiler, then the
cumulative time per request of the five largest of a fixed set of costs (template rendering, form widgets,
included templates, SQL compilation, SQL execution, prefetching, URL reversing), as ms and as a share of the
request. Run it on two checkouts to compare them: the set of costs is the same.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.update(
    DJANGO_SETTINGS_MODULE="mot_portal.settings",
    DJANGO_ENV="production",
    SECRET_KEY=secrets.token_urlsafe(40),
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="false",
    DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mot_bench"),
    PAGE_CACHE_SECONDS="0",  # pages computed; their shared parts cached per content version, as in production
    CACHE_URL=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9"),
    STATIC_ROOT=os.environ.get("BENCH_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "mot-profile-static")),
    LOG_LEVEL="WARNING",
    THROTTLE_RATE_ANON="1000000/minute",
)

# (label, dotted path of the function): matched on the code object's file and first line.
COSTS = [
    ("template rendering", "django.template.base.Template.render"),
    ("form widgets", "django.forms.boundfield.BoundField.as_widget"),
    ("included templates", "django.template.loader_tags.IncludeNode.render"),
    ("SQL compilation", "django.db.models.sql.compiler.SQLCompiler.as_sql"),
    ("SQL execution (driver)", "django.db.backends.utils.CursorWrapper._execute"),
    ("prefetching", "django.db.models.query.prefetch_related_objects"),
    ("URL reversing", "django.urls.base.reverse"),
    ("cache round trips", "django.core.cache.backends.base.BaseCache.get_many"),
]


def _code_key(dotted: str) -> tuple[str, int, str]:
    import importlib
    import inspect

    module_name, _sep, rest = dotted.rpartition(".")
    attribute = None
    while module_name:
        try:
            module = importlib.import_module(module_name)
            break
        except ImportError:
            module_name, _sep, head = module_name.rpartition(".")
            rest = f"{head}.{rest}"
    target = module
    for part in rest.split("."):
        target = getattr(target, part)
    code = inspect.unwrap(target).__code__
    attribute = code.co_name
    return code.co_filename, code.co_firstlineno, attribute


DEFAULT_PATHS = ["/fr/", "/fr/communes/", "/en/factsheets/", "/en/missions/mission-flash-bouzonville-sierck-les-bains/",
                 "/en/work-programme/2025/"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    if not Path(os.environ["STATIC_ROOT"], "staticfiles.json").exists():
        call_command("collectstatic", "--no-input", verbosity=0)
    client = Client()
    print("\n| page | p50 ms | top 5 costs, ms per request (share) |\n|---|---:|---|")
    for path in args.paths:
        assert client.get(path).status_code == 200, path
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        profile = cProfile.Profile()
        profile.enable()
        started = time.perf_counter()
        for _ in range(args.runs):
            client.get(path)
        total = (time.perf_counter() - started) * 1000 / args.runs
        profile.disable()
        stats = pstats.Stats(profile).stats
        costs = []
        for label, dotted in COSTS:
            entry = stats.get(_code_key(dotted))
            # cProfile's cumulative time counts a recursive function's outermost calls only.
            costs.append(((entry[3] if entry else 0.0) * 1000 / args.runs, label))
        top = sorted(costs, reverse=True)[:5]
        text = "; ".join(f"{label} {ms:.1f} ({ms / total:.0%})" for ms, label in top)
        print(f"| `{path}` | {statistics.median(timings):.1f} | {text} |")


if __name__ == "__main__":
    main()

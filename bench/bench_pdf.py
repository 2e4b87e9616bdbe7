"""Benchmark of the PDF engine: booklets of 10, 50 and 100 factsheets (the eight real ones repeated, each with
a real-size photo), rendered by the same service the Celery task runs; then a ready PDF downloaded through the
portal next to the same file served as a static file.

Prints one table. Each size renders in its own process on a fresh SQLite database, so its peak memory (maximum
resident set size) is its own. Targets on this machine: ≤ 0.12 s per page, ≤ 250 MB peak for 100 factsheets,
ready download ≤ 1.2 × the static file.

    .venv/bin/python bench/bench_pdf.py [--runs 30]
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
SIZES = (10, 50, 100)


def setup(database_url: str, media_root: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mot_portal.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["PDF_RENDER_ON_PUBLISH"] = "0"
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def photo(path: Path) -> Path:
    """A camera-size JPEG (4000 × 3000, noisy so that it compresses like a photograph)."""
    from PIL import Image

    noise = Image.effect_noise((4000, 3000), 24).convert("RGB")
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    image = Image.blend(gradient, noise, 0.5)
    image.save(path, format="JPEG", quality=90)
    return path


def build_booklet(count: int) -> int:
    from django.conf import settings
    from django.core.files import File

    from bench import repeat_seed_factsheets
    from projects.models import Booklet, BookletEntry, Factsheet
    from towns.services import towns_import

    towns_import(data_dir=settings.TOWNS_DATA_DIR)
    repeat_seed_factsheets(count)
    media = Path(settings.MEDIA_ROOT)
    (media / "factsheets" / "resized").mkdir(parents=True, exist_ok=True)
    source = photo(media / "bench-photo.jpg")
    first, *others = Factsheet.objects.published().order_by("pk")[:count]
    with source.open("rb") as handle:
        first.photo.save(f"{first.slug}.jpg", File(handle), save=False)
    first.photo_credit = "Benchmark photo"
    first.save()  # the portal's own resizing makes the copy pages and PDFs use (1600 px wide)
    first.refresh_from_db()
    resized = (media / first.photo_resized.name).read_bytes()
    for factsheet in others:  # one file each, as real photos would be (no image cache hit across factsheets)
        name = f"factsheets/resized/{factsheet.slug}.jpg"
        (media / name).write_bytes(resized)
        Factsheet.objects.filter(pk=factsheet.pk).update(photo=name, photo_resized=name, photo_credit="Benchmark")
    booklet = Booklet.objects.get()
    BookletEntry.objects.filter(booklet=booklet).delete()
    BookletEntry.objects.bulk_create(
        BookletEntry(booklet=booklet, factsheet=f, position=n)
        for n, f in enumerate(Factsheet.objects.published().order_by("pk")[:count], start=1)
    )
    return booklet.pk


def build_child(count: int, folder: str) -> dict:
    setup(f"sqlite:///{folder}/bench.sqlite3", f"{folder}/media")
    return {"booklet": build_booklet(count)}


def render_child(count: int, folder: str, booklet_id: int) -> dict:
    """Render in a fresh process, so that the peak resident set is the rendering's (plus Django's)."""
    setup(f"sqlite:///{folder}/bench.sqlite3", f"{folder}/media")
    from mot_portal.documents.models import StoredDocument
    from mot_portal.documents.services import document_render

    # The stored record as a request leaves it; the rendering itself is measured below.
    document = StoredDocument.objects.create(kind="booklet", object_id=booklet_id, language="en")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    document = document_render(document_id=document.pk, force=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "factsheets": count,
        "pages": document.page_count,
        "seconds": seconds,
        "per_page": seconds / document.page_count,
        "rss_before_mb": before,
        "peak_mb": peak,
        "size_mb": document.size_bytes / 1024 / 1024,
    }


def download_child(runs: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        setup(f"sqlite:///{folder}/bench.sqlite3", f"{folder}/media")
        from django.conf import settings
        from django.test import Client
        from django.test.utils import override_settings
        from django.urls import path
        from django.views.static import serve

        import mot_portal.urls
        from mot_portal.documents.services import document_render, document_request

        booklet_id = build_booklet(10)
        document = document_render(document_id=document_request(kind="booklet", object_id=booklet_id, language="fr").pk)

        def serve_large_blocks(request, path, document_root):
            response = serve(request, path, document_root)
            response.block_size = 64 * 1024  # the block size the portal's download uses
            return response

        urlconf = type(
            "BenchUrls",
            (),
            {
                "urlpatterns": [
                    path("static-copy/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
                    path("static-64k/<path:path>", serve_large_blocks, {"document_root": settings.MEDIA_ROOT}),
                    *mot_portal.urls.urlpatterns,
                ]
            },
        )
        client = Client()

        def median_ms(url: str) -> float:
            timings = []
            for _ in range(runs + 1):
                started = time.perf_counter()
                response = client.get(url)
                body = b"".join(response.streaming_content)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200 and body.startswith(b"%PDF"), url  # noqa: PT018
            return statistics.median(timings[1:])

        with override_settings(ROOT_URLCONF=urlconf, DEBUG=False, ALLOWED_HOSTS=["testserver"]):
            portal = median_ms("/fr/documents/booklet/petites-villes-aux-frontieres/fr/")
            static = median_ms(f"/static-copy/{document.file.name}")
            static_64k = median_ms(f"/static-64k/{document.file.name}")
        return {
            "portal_ms": portal,
            "static_ms": static,
            "static_64k_ms": static_64k,
            "size_mb": document.size_bytes / 1024 / 1024,
        }


def run_child(*args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "build":
            print(json.dumps(build_child(int(args.child[1]), args.child[2])))
        elif args.child[0] == "render":
            print(json.dumps(render_child(int(args.child[1]), args.child[2], int(args.child[3]))))
        else:
            print(json.dumps(download_child(int(args.child[1]))))
        return

    rows = []
    for count in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            booklet = run_child("build", str(count), folder)["booklet"]
            r = run_child("render", str(count), folder, str(booklet))
        rows.append(
            [
                str(r["factsheets"]),
                str(r["pages"]),
                f"{r['seconds']:.1f} s",
                f"{r['per_page']:.3f} s",
                f"{r['rss_before_mb']:.0f} MB",
                f"{r['peak_mb']:.0f} MB",
                f"{r['size_mb']:.1f} MB",
            ]
        )
    header = ["factsheets", "pages", "render", "s / page", "RSS before", "peak RSS", "PDF size"]
    print("Booklet rendering (EN), real factsheets repeated, each with a 4000 × 3000 photo (resized copy 1600 px):")
    _table(header, rows)
    d = run_child("download", str(args.runs))
    print()
    print(f"Download of a ready PDF ({d['size_mb']:.1f} MB), medians of {args.runs} requests (Django test client):")
    _table(
        ["portal download", "static serve", "ratio", "static serve, same 64 KiB blocks", "ratio"],
        [
            [
                f"{d['portal_ms']:.2f} ms",
                f"{d['static_ms']:.2f} ms",
                f"×{d['portal_ms'] / d['static_ms']:.2f}",
                f"{d['static_64k_ms']:.2f} ms",
                f"×{d['portal_ms'] / d['static_64k_ms']:.2f}",
            ]
        ],
    )


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    for line in [header, ["-" * w for w in widths], *rows]:
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))


if __name__ == "__main__":
    main()

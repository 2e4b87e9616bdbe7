"""What an edit costs in PDF work: tasks queued, document HTML built and PDFs rendered, for three edits made the
way staff make them, with every public document (booklets, factsheets, roadmaps, programmes; FR and EN) stored.

(a) a factsheet edited in the admin (French summary, one more country, one more theme);
(b) a theme renamed in the admin;
(c) the 2025 work programme imported again with one activity line inserted.

Tasks run in process (no broker), as the embedded default runs them; every task queued is counted by name, every
top-level PDF template rendered and every WeasyPrint layout is counted, and the SQL queries of the whole edit (the
request and the tasks it queued). The output also checks that the renamed
theme's new name reached the stored PDFs that show it. Runs on a fresh SQLite database with the real data
(about a minute to load the communes).

    .venv/bin/python bench/bench_invalidation.py
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDF_TEMPLATES = {
    "projects/pdf/booklet.html",
    "projects/pdf/factsheet.html",
    "missions/pdf/roadmap.html",
    "workplan/pdf/programme.html",
}


def setup(folder: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{folder}/media"
    os.environ["VAR_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mot_portal.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["PDF_RENDER_ON_PUBLISH"] = "0"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client then records the admin form's context

    quiet = io.StringIO()
    call_command("migrate", verbosity=0)
    call_command("import_towns", stdout=quiet)
    call_command("load_content", stdout=quiet)
    call_command("import_workplan", "--status", "published", stdout=quiet)
    call_command("load_projects", stdout=quiet)
    call_command("load_missions", stdout=quiet)
    call_command("load_offer", stdout=quiet)


class Counters:
    """Counts queued tasks (by name), PDF HTML builds and WeasyPrint layouts, whatever module runs them."""

    def __init__(self) -> None:
        self.tasks: collections.Counter[str] = collections.Counter()
        self.html = 0
        self.pdfs = 0
        self.queries = 0

    @contextlib.contextmanager
    def counting(self):
        import weasyprint
        from celery.app.task import Task
        from django.db import connection
        from django.template.backends.django import Template
        from django.test.utils import CaptureQueriesContext

        original_apply_async, original_render, original_layout = (
            Task.apply_async,
            Template.render,
            weasyprint.HTML.render,
        )
        counters = self

        def apply_async(task, *args, **kwargs):
            counters.tasks[task.name.rsplit(".", 1)[-1]] += 1
            return original_apply_async(task, *args, **kwargs)

        def render(template, *args, **kwargs):
            if template.template.name in PDF_TEMPLATES:
                counters.html += 1
            return original_render(template, *args, **kwargs)

        def layout(html, *args, **kwargs):
            counters.pdfs += 1
            return original_layout(html, *args, **kwargs)

        Task.apply_async, Template.render, weasyprint.HTML.render = apply_async, render, layout
        try:
            with CaptureQueriesContext(connection) as queries:
                yield self
            self.queries = len(queries)
        finally:
            Task.apply_async, Template.render, weasyprint.HTML.render = (
                original_apply_async,
                original_render,
                original_layout,
            )


def store_every_document() -> int:
    """Request (and so render, tasks running in process) every public document in both languages."""
    try:
        from mot_portal.documents.registry import kinds
        from mot_portal.documents.services import DocumentUnavailable, document_request

        specs = {kind.name: kind.model for kind in kinds()}
    except ImportError:  # the code before the documents registry
        from django.apps import apps

        from mot_portal.documents import SPECS, DocumentUnavailable, document_request

        specs = {name: apps.get_model(spec.model) for name, spec in SPECS.items()}
    stored = 0
    for kind, model in specs.items():
        for pk in model.objects.values_list("pk", flat=True):
            for language in ("fr", "en"):
                try:
                    document_request(kind=kind, object_id=pk, language=language)
                    stored += 1
                except DocumentUnavailable:
                    pass
    return stored


def stored_documents():
    try:
        from mot_portal.documents.models import StoredDocument
    except ImportError:
        from mot_portal.models import StoredDocument
    return StoredDocument.objects.all()


def stored_text(kind: str, object_id: int, language: str) -> str:
    from pypdf import PdfReader

    document = stored_documents().get(kind=kind, object_id=object_id, language=language)
    with document.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        setup(folder)
        from django.contrib.auth import get_user_model
        from django.test import Client

        from projects.models import Factsheet, Theme
        from tests.admin_forms import admin_form_data
        from towns.models import Country
        from workplan.services import programme_import

        stored = store_every_document()
        user = get_user_model().objects.create_superuser("bench", "bench@example.org", "a-long-bench-password")
        client = Client()
        client.force_login(user)
        rows = []

        # (a) One factsheet edited in the admin: French summary, one more country, one more theme.
        factsheet = Factsheet.objects.published().filter(booklets__isnull=False).order_by("pk").first()
        url = f"/en/admin/projects/factsheet/{factsheet.pk}/change/"
        data = admin_form_data(client.get(url))
        data["summary_fr"] = (data.get("summary_fr") or "") + "<p>Modifié pour la mesure.</p>"
        data["countries"] = sorted({*data.get("countries", []), str(Country.objects.get(code="LU").pk)})
        extra_theme = Theme.objects.exclude(factsheets=factsheet).order_by("pk").first()
        data["themes"] = sorted({*data.get("themes", []), str(extra_theme.pk)})
        with Counters().counting() as counters:
            response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        rows.append(("(a) one factsheet edited in the admin", counters))

        # (b) One theme renamed in the admin.
        theme = Theme.objects.filter(factsheets__status="published").order_by("pk").first()
        url = f"/en/admin/projects/theme/{theme.pk}/change/"
        data = admin_form_data(client.get(url))
        data["name_en"] = "Renamed theme for the benchmark"
        with Counters().counting() as counters:
            response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        shown = Factsheet.objects.published().filter(themes=theme).order_by("pk").first()
        renamed = "Renamed theme for the benchmark" in stored_text("factsheet", shown.pk, "en")
        label = f"(b) one theme renamed in the admin (new name in the PDF: {'yes' if renamed else 'no'})"
        rows.append((label, counters))

        # (c) The 2025 programme imported again with one activity line inserted.
        source = (ROOT / "fixtures" / "workplan" / "programme_2025.txt").read_text(encoding="utf-8").split("\n")
        at = next(i for i, row in enumerate(source) if row.startswith("1.1.1\t")) + 1
        source.insert(at, "1.1.1\tLigne insérée pour la mesure")
        changed = Path(folder) / "programme_2025.txt"
        changed.write_text("\n".join(source), encoding="utf-8")
        with Counters().counting() as counters:
            programme_import(path=changed)
        rows.append(("(c) the 2025 programme imported again, one line inserted", counters))

        print(f"\nDocuments stored before the edits: {stored} (every public document, FR and EN)\n")
        print(f"| {'edit':<72} | tasks queued | HTML built | PDFs rendered | SQL queries |")
        print(f"|{'-' * 74}|-------------:|-----------:|--------------:|------------:|")
        for label, counter in rows:
            tasks = sum(counter.tasks.values())
            detail = ", ".join(f"{n} {name}" for name, n in sorted(counter.tasks.items()))
            print(f"| {label:<72} | {tasks:>12} | {counter.html:>10} | {counter.pdfs:>13} | {counter.queries:>11} |")
            if detail:
                print(f"|   {detail:<70} |              |            |               |             |")


if __name__ == "__main__":
    main()

"""Helpers of the tests that follow PDF documents through edits: the ``tasks`` fixture (see tests/conftest.py)
runs a block as a committed transaction and logs (and runs, here) every task it queues."""

from __future__ import annotations

import collections
import io
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from pypdf import PdfReader

from mot_portal.documents import services
from mot_portal.documents.models import StoredDocument

State = StoredDocument.State


@dataclass
class TaskLog:
    """The tasks queued (run here at once), the document HTML built and the PDFs laid out."""

    queued: list[tuple[str, tuple]]
    html: int = 0
    pdfs: int = 0

    def names(self) -> collections.Counter:
        return collections.Counter(name.rsplit(".", 1)[-1] for name, _args in self.queued)

    def refreshed(self) -> set[tuple[str, int]]:
        """The (kind, object id) pairs of the refresh tasks queued."""
        return {(k, i) for name, args in self.queued if name.endswith("documents.refresh") for k, i in args[0]}

    def clear(self) -> None:
        self.queued.clear()
        self.html = self.pdfs = 0


def task_runner(monkeypatch, django_capture_on_commit_callbacks):
    """``with tasks() as log:`` runs the block as a committed transaction: its on-commit callbacks run, and every
    task queued is logged and run in this process (the broker, if any, is not used)."""
    from celery.app.task import Task

    log = TaskLog(queued=[])

    def apply_async(task, args=None, kwargs=None, **options):
        log.queued.append((task.name, tuple(args or ())))
        return task.apply(args=args, kwargs=kwargs)

    document_html, pdf_render = services.document_html, services.pdf_render

    def counted_html(**kwargs):
        log.html += 1
        return document_html(**kwargs)

    def counted_pdf(html):
        log.pdfs += 1
        return pdf_render(html)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    monkeypatch.setattr(services, "document_html", counted_html)
    monkeypatch.setattr(services, "pdf_render", counted_pdf)

    @contextmanager
    def run():
        log.clear()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            yield log

    return run


def store(*pairs: tuple[str, int]) -> None:
    """Both languages of each document, rendered and ready."""
    for kind, object_id in pairs:
        for language in ("fr", "en"):
            document = services.document_request(kind=kind, object_id=object_id, language=language)
            services.document_render(document_id=document.pk)
            assert StoredDocument.objects.get(pk=document.pk).status == State.READY


def pdf_text(kind: str, object_id: int, language: str) -> str:
    document = StoredDocument.objects.get(kind=kind, object_id=object_id, language=language)
    with document.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)

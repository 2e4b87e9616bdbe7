"""Full-text search of factsheets: PostgreSQL full-text search in French and English, a plain fallback elsewhere.

On PostgreSQL each factsheet keeps two search documents (``search_fr`` with the ``french`` configuration,
``search_en`` with ``english``), GIN-indexed and refreshed by the factsheet services (a save of the record leaves
them alone). Words are stemmed and matched as prefixes: "transfrontaliers" finds "transfrontalière", "hospital"
finds "hospitals", "covoit" finds "covoiturage". On SQLite (the embedded default) every word must appear in some
text field, in either language.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet, Value

CONFIGS = {"fr": "french", "en": "english"}
WEIGHTED_FIELDS = (("title", "A"), ("summary", "B"))
OTHER_FIELDS = ("territorial_issue", "objectives", "actions", "results", "photo_caption")


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def search_document(lang: str) -> SearchVector:
    """The weighted search document of one language (HTML tags are skipped by the text parser)."""
    config = CONFIGS[lang]
    vector = None
    for field, weight in WEIGHTED_FIELDS:
        part = SearchVector(f"{field}_{lang}", config=config, weight=weight)
        vector = part if vector is None else vector + part
    return vector + SearchVector(*(f"{field}_{lang}" for field in OTHER_FIELDS), config=config, weight="C")


def search_documents_refresh(queryset: QuerySet) -> None:
    """Recompute the search documents of the factsheets of ``queryset`` in one UPDATE (nothing off PostgreSQL);
    for writes that go around ``save()`` (bulk loads, migrations)."""
    if full_text_available():
        queryset.update(search_fr=search_document("fr"), search_en=search_document("en"))


def factsheet_search_refresh(*, factsheet) -> None:
    """Recompute the search documents of one factsheet."""
    search_documents_refresh(type(factsheet).objects.filter(pk=factsheet.pk))


MAX_WORDS = 10


def prefix_query(text: str, lang: str) -> SearchQuery:
    """Every word, stemmed, as a prefix: "covoit" finds "covoiturage", "frontaliers" finds "frontalière".

    Words are reduced to letters and digits, so nothing the user types is read as query syntax.
    """
    words = re.findall(r"\w+", text)[:MAX_WORDS]
    raw = " & ".join(f"{word}:*" for word in words)
    return SearchQuery(raw, config=CONFIGS[lang], search_type="raw")


def factsheets_search(queryset: QuerySet, text: str) -> QuerySet:
    """The factsheets of ``queryset`` matching ``text``, annotated with a ``rank`` (higher is better)."""
    text = " ".join(text.split())
    if not re.search(r"\w", text):
        return queryset.annotate(rank=Value(0.0))
    if full_text_available():
        query_fr, query_en = prefix_query(text, "fr"), prefix_query(text, "en")
        # Both conditions are served by the GIN indexes (a bitmap OR of two index scans).
        condition = Q(search_fr=query_fr) | Q(search_en=query_en)
        rank = SearchRank(F("search_fr"), query_fr) + SearchRank(F("search_en"), query_en)
        return queryset.filter(condition).annotate(rank=rank)
    condition = Q()
    for word in re.findall(r"\w+", text)[:MAX_WORDS]:
        any_field = Q()
        for field in (*(f for f, _w in WEIGHTED_FIELDS), *OTHER_FIELDS):
            for lang in CONFIGS:
                any_field |= Q(**{f"{field}_{lang}__icontains": word})
        condition &= any_field
    return queryset.filter(condition).annotate(rank=Value(0.0))

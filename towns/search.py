"""Finding a town by name or postal code ("Find my town", issue 12 §3).

One function, ``fold``, turns both the stored key (``Town.search_key``) and the typed query into the same plain form,
so that "sierck les bains", "SIERCK-LES-BAINS" and "Sierck-lès-Bains" are one text:

- Unicode NFKD, combining marks dropped (é → e), lower case (``casefold``: ß → ss), ligatures spelled out
  (œ → oe, æ → ae);
- every character that is not a letter or a digit (hyphens, apostrophes ' ’, dots, slashes…) becomes a space,
  and runs of spaces collapse;
- "st", "ste", "sts", "stes" followed by another word are read as "saint", "sainte", "saints", "saintes": the
  official names (COG) always spell "Saint" out, people often abbreviate it ("st die"). A last word is left as
  typed, so that "st" still finds Strasbourg while the suggestions follow the typing.

The key is the folded name, " | ", then the postal codes: "sierck les bains | 57480". A folded query never holds
"|", so the key tells the name from the codes (an exact name is ``key`` starting with ``query + " |"``).
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "Œ": "oe", "Æ": "ae"})
NOT_WORD = re.compile(r"[\W_]+")
SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
KEY_SEPARATOR = " |"
MAX_QUERY_WORDS = 8  # beyond this a query is not a town name; the rest is ignored (keeps the SQL small)


def fold(text: str) -> str:
    """``text`` lower-cased, without accents, ligatures spelled out, punctuation as single spaces (see above)."""
    text = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().translate(LIGATURES)
    words = NOT_WORD.sub(" ", text).split()
    return " ".join(SAINTS.get(w, w) if i < len(words) - 1 else w for i, w in enumerate(words))


def search_key(name: str, postal_codes: str) -> str:
    """The stored key of a town: its folded name, " | ", its postal codes."""
    return f"{fold(name)}{KEY_SEPARATOR} {' '.join(postal_codes.split())}".rstrip()


# Relevance of a match, best first (``search_rank``).
EXACT, PREFIX, WORDS, INSIDE = 0, 1, 2, 3


def towns_matching(queryset: QuerySet, query: str) -> QuerySet:
    """The towns of ``queryset`` whose name or postal codes hold every word of ``query`` (folded), or whose INSEE
    code is ``query``; annotated with ``search_rank``: 0 exact name or INSEE code, 1 name starting with the query,
    2 every word starting a word of the name or a postal code, 3 the words found only inside words. An empty
    query (nothing left once folded) leaves ``queryset`` as it is, unannotated."""
    folded = fold(query)
    if not folded:
        return queryset
    words = folded.split()[:MAX_QUERY_WORDS]
    folded = " ".join(words)
    code = query.strip().upper()
    contains = Q()
    starts = Q()
    for word in words:
        contains &= Q(search_key__contains=word)
        starts &= Q(search_key__startswith=word) | Q(search_key__contains=f" {word}")
    rank = Case(
        When(Q(search_key__startswith=folded + KEY_SEPARATOR) | Q(insee_code=code), then=Value(EXACT)),
        When(search_key__startswith=folded, then=Value(PREFIX)),
        When(starts, then=Value(WORDS)),
        default=Value(INSIDE),
        output_field=IntegerField(),
    )
    return queryset.filter(contains | Q(insee_code=code)).annotate(search_rank=rank)


def named_exactly(queryset: QuerySet, query: str) -> QuerySet:
    """The towns of ``queryset`` whose name is ``query`` once folded ("sierck les bains" → Sierck-les-Bains)."""
    folded = " ".join(fold(query).split()[:MAX_QUERY_WORDS])
    return queryset.filter(search_key__startswith=folded + KEY_SEPARATOR) if folded else queryset.none()


def search_order(queryset: QuerySet) -> QuerySet:
    """Best matches first: matches at word starts before matches inside words, then PVD laureates, then exact
    name, name prefix, word starts; then the larger towns, then the name (``queryset`` from ``towns_matching``)."""
    return queryset.order_by(
        Case(When(search_rank=INSIDE, then=Value(1)), default=Value(0), output_field=IntegerField()),
        Case(When(pvd_id__isnull=False, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "search_rank",
        F("population").desc(nulls_last=True),
        "name",
        "insee_code",
    )

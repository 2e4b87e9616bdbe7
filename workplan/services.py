"""Writes of the work-programme app: importing a programme file."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from workplan.models import DealTheme, Programme, TransversalTheme, WorkItem

HEADER = re.compile(
    r"PROGRAMME DE TRAVAIL DE LA MOT (?P<year>\d{4})(?: \(au (?P<day>\d{2})/(?P<month>\d{2})/(?P<y>\d{4})\))?"
)
CODE = re.compile(r"[0-9]+(?:\.[0-9]+)*")
AXIS_PREFIX = re.compile(r"^AXE\s+\d+\s*-\s*", re.IGNORECASE)
DEAL_REF = re.compile(r"\(cf\.?\s+cross-border deal th[eè]me\s+(\d+)\)", re.IGNORECASE)
TRANSVERSAL_REF = re.compile(r"\(cf\.?\s+th[eè]me transversal\s+([^)]+)\)", re.IGNORECASE)
DEAL_ITEM = re.compile(r"^Th[eè]me\s+(\d+)\s*-\s*(.+)$", re.IGNORECASE)
TRANSVERSAL_ITEM = re.compile(r"^Th[eè]me transversal\s*-\s*(.+)$", re.IGNORECASE)
# The file marks the modular offer's tokens in blue; in text, the rows that say so name them explicitly.
TOKEN = re.compile(r"(?:lien avec les|dans le cadre des) jetons", re.IGNORECASE)

KIND_BY_DEPTH = {1: WorkItem.Kind.AXIS, 2: WorkItem.Kind.SUB_AXIS, 3: WorkItem.Kind.ACTION}
DEFAULT_TRANSLATIONS = Path(__file__).resolve().parent.parent / "fixtures" / "workplan" / "translations_en.json"


class ProgrammeFileError(Exception):
    """The programme file cannot be imported; names the file, the line and the reason."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file, self.line, self.reason = file, line, reason
        super().__init__(f"{file}:{line}: {reason}" if line else f"{file}: {reason}")


@dataclass
class ParsedItem:
    kind: str
    code: str
    text: str
    line: int
    parent_code: str | None = None
    deal_numbers: list[int] = field(default_factory=list)
    transversal_keys: list[str] = field(default_factory=list)
    is_token: bool = False


@dataclass
class ParsedProgramme:
    year: int
    title: str
    as_of: dt.date | None
    items: list[ParsedItem]
    deal_themes: dict[int, str]
    transversal_themes: dict[str, str]  # slug → name
    skipped_rows: int = 0


@dataclass
class ImportResult:
    programme: Programme
    counts: dict[str, int]
    created: int
    updated: int
    deleted: int


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces: how theme names are matched."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().split())


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.paragraphs: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._current = []

    def handle_endtag(self, tag):
        if tag == "p" and self._current is not None:
            self.paragraphs.append(" ".join("".join(self._current).split()))
            self._current = None

    def handle_data(self, data):
        if self._current is not None:
            self._current.append(data)


def _paragraphs(html: str) -> list[str]:
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    return [p for p in parser.paragraphs if p]


def programme_parse(*, path: Path) -> ParsedProgramme:
    """Parse a tab-separated programme file; raise ProgrammeFileError on the first problem."""
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProgrammeFileError(name, None, "file not found") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProgrammeFileError(name, line, f"not valid UTF-8 (byte {raw[exc.start]:#04x})") from None
    lines = text.splitlines()
    if not text.strip():
        raise ProgrammeFileError(name, 1, "the file is empty")

    header: tuple[int, str, dt.date | None] | None = None
    items: list[ParsedItem] = []
    nodes: dict[str, ParsedItem] = {}
    deal_themes: dict[int, str] = {}
    transversal_themes: dict[str, str] = {}
    skipped = 0

    for number, row in enumerate(lines, start=1):
        if not row.strip():
            continue
        if "\x00" in row:
            raise ProgrammeFileError(name, number, "NUL character")
        code, _tab, content = row.partition("\t")
        code, content = code.strip(), " ".join(content.split())

        if code == "Axe":
            match = HEADER.search(content)
            if not match:
                raise ProgrammeFileError(name, number, f"page header without a programme year: {content!r}")
            as_of = None
            if match["day"]:
                try:
                    as_of = dt.date(int(match["y"]), int(match["month"]), int(match["day"]))
                except ValueError:
                    raise ProgrammeFileError(name, number, "bad date in the page header") from None
            found = (int(match["year"]), content, as_of)
            if header is None:
                header = found
            elif found[0] != header[0]:
                raise ProgrammeFileError(name, number, f"page header for {found[0]} in a {header[0]} programme")
            else:
                skipped += 1
            continue

        if code == "NEW":
            paragraphs = _paragraphs(content)
            if not paragraphs:
                raise ProgrammeFileError(name, number, "NEW row without an HTML list of themes")
            heading = normalise(paragraphs[0])
            if heading.startswith("cross-border deal"):
                for paragraph in paragraphs[1:]:
                    match = DEAL_ITEM.match(paragraph)
                    if not match:
                        raise ProgrammeFileError(name, number, f"not a Deal theme: {paragraph!r}")
                    deal_themes[int(match[1])] = match[2].strip()
            elif heading.startswith("themes transversaux"):
                for paragraph in paragraphs[1:]:
                    match = TRANSVERSAL_ITEM.match(paragraph)
                    if not match:
                        raise ProgrammeFileError(name, number, f"not a transversal theme: {paragraph!r}")
                    theme = match[1].strip()
                    transversal_themes[slugify(normalise(theme))] = theme
            else:
                raise ProgrammeFileError(name, number, f"unknown NEW list: {paragraphs[0]!r}")
            continue

        if not CODE.fullmatch(code):
            if not content:
                # A legend or footnote row: its text stands in the code column and it carries no work.
                skipped += 1
                continue
            raise ProgrammeFileError(name, number, f"bad code {code!r}")
        if header is None:
            raise ProgrammeFileError(name, number, "a code before the programme header (Axe …)")
        parts = code.split(".")
        if len(parts) > 3:
            raise ProgrammeFileError(name, number, f"bad code {code!r}: at most three levels (1.1.1)")
        if not content:
            raise ProgrammeFileError(name, number, f"code {code} without text")

        item = ParsedItem(kind="", code=code, text=content, line=number, is_token=bool(TOKEN.search(content)))
        item.deal_numbers = [int(n) for n in DEAL_REF.findall(content)]
        item.transversal_keys = [slugify(normalise(t)) for t in TRANSVERSAL_REF.findall(content)]
        if code in nodes:
            item.kind, item.parent_code = WorkItem.Kind.LINE, code
        else:
            item.kind = KIND_BY_DEPTH[len(parts)]
            if item.kind == WorkItem.Kind.AXIS:
                item.text = AXIS_PREFIX.sub("", content) or content
            else:
                # x.0.z is an action directly under axis x (the programme has no sub-axis x.0).
                parent = parts[0] if parts[1:2] == ["0"] and len(parts) == 3 else ".".join(parts[:-1])
                if parent not in nodes:
                    raise ProgrammeFileError(name, number, f"orphan code {code}: no node {parent} above it")
                item.parent_code = parent
            nodes[code] = item
        items.append(item)

    if header is None:
        raise ProgrammeFileError(name, None, "no programme header (a row starting with Axe)")
    for item in items:
        for theme in item.deal_numbers:
            if theme not in deal_themes:
                raise ProgrammeFileError(name, item.line, f"unknown Cross-border Deal theme {theme}")
        for key in item.transversal_keys:
            if key not in transversal_themes:
                raise ProgrammeFileError(name, item.line, f"unknown transversal theme {key!r}")
    year, _header, as_of = header
    title = f"Programme de travail de la MOT {year}"
    return ParsedProgramme(year, title, as_of, items, deal_themes, transversal_themes, skipped)


def _load_translations(path: Path | None) -> dict:
    if path is None or not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _set_english(obj, field: str, value: str | None) -> bool:
    """Fill the English field only while it is empty, so that translations edited by staff are kept."""
    if value and not getattr(obj, f"{field}_en"):
        setattr(obj, f"{field}_en", value)
        return True
    return False


@transaction.atomic
def programme_import(
    *,
    path: Path,
    status: str = Programme.Status.PUBLISHED,
    translations: Path | None = DEFAULT_TRANSLATIONS,
) -> ImportResult:
    """Create or update the programme of the file's year, its themes and its whole tree.

    Idempotent: an unchanged file changes nothing, and English texts already set are kept. Atomic:
    the file is parsed and checked before the first write, and a failure leaves the database as it was.
    Other years' programmes are never touched.
    """
    parsed = programme_parse(path=path)
    english = _load_translations(translations)

    deal_ids: dict[int, DealTheme] = {}
    for number, name_fr in parsed.deal_themes.items():
        theme, _created = DealTheme.objects.get_or_create(number=number, defaults={"name_fr": name_fr})
        changed = theme.name_fr != name_fr
        theme.name_fr = name_fr
        changed |= _set_english(theme, "name", english.get("deal_themes", {}).get(str(number)))
        if changed:
            theme.full_clean()
            theme.save()
        deal_ids[number] = theme
    transversal_ids: dict[str, TransversalTheme] = {}
    for slug, name_fr in parsed.transversal_themes.items():
        theme, _created = TransversalTheme.objects.get_or_create(slug=slug, defaults={"name_fr": name_fr})
        changed = theme.name_fr != name_fr
        theme.name_fr = name_fr
        changed |= _set_english(theme, "name", english.get("transversal_themes", {}).get(slug))
        if changed:
            theme.full_clean()
            theme.save()
        transversal_ids[slug] = theme

    year_english = english.get("programmes", {}).get(str(parsed.year), {})
    programme, created = Programme.objects.get_or_create(
        year=parsed.year,
        defaults={"title_fr": parsed.title, "as_of": parsed.as_of, "status": status, "source": path.name},
    )
    changed = False
    for attr, value in (("title_fr", parsed.title), ("as_of", parsed.as_of), ("source", path.name)):
        if getattr(programme, attr) != value:
            setattr(programme, attr, value)
            changed = True
    changed |= _set_english(programme, "title", year_english.get("title"))
    if changed or created:
        programme.full_clean()
        programme.save()

    # Existing items are matched by their place in the tree: nodes by code, lines by node, text and rank
    # among identical texts. A matched item keeps its primary key and its English text.
    existing: dict[tuple, WorkItem] = {}
    occurrences: Counter[tuple] = Counter()
    for item in programme.items.order_by("position"):
        key = _key(item.kind, item.code, item.text_fr, occurrences)
        existing[key] = item
    occurrences = Counter()

    node_english = year_english.get("nodes", {})
    saved: dict[str, WorkItem] = {}
    seen_pks: set[int] = set()
    created_count = updated = 0
    for position, parsed_item in enumerate(parsed.items, start=1):
        key = _key(parsed_item.kind, parsed_item.code, parsed_item.text, occurrences)
        item = existing.get(key) or WorkItem(programme=programme, kind=parsed_item.kind, code=parsed_item.code)
        is_new = item.pk is None
        parent = saved[parsed_item.parent_code] if parsed_item.parent_code else None
        fields = {
            "text_fr": parsed_item.text,
            "parent_id": parent.pk if parent else None,
            "position": position,
            "is_token": parsed_item.is_token,
        }
        dirty = is_new or any(getattr(item, attr) != value for attr, value in fields.items())
        for attr, value in fields.items():
            setattr(item, attr, value)
        if parsed_item.kind != WorkItem.Kind.LINE:
            dirty |= _set_english(item, "text", node_english.get(parsed_item.code))
        if dirty:
            item.full_clean(validate_unique=False, validate_constraints=False)
            item.save()
            created_count += is_new
            updated += not is_new
        _set_themes(item, [deal_ids[n] for n in parsed_item.deal_numbers], "deal_themes", is_new)
        _set_themes(item, [transversal_ids[k] for k in parsed_item.transversal_keys], "transversal_themes", is_new)
        seen_pks.add(item.pk)
        if parsed_item.kind != WorkItem.Kind.LINE:
            saved[parsed_item.code] = item
    stale = programme.items.exclude(pk__in=seen_pks)
    deleted = stale.count()
    # Children first, so that a removed node never takes a kept line with it through CASCADE.
    stale.filter(kind=WorkItem.Kind.LINE).delete()
    stale.delete()

    counts = Counter(item.kind for item in parsed.items)
    return ImportResult(
        programme=programme,
        counts={
            "axes": counts[WorkItem.Kind.AXIS],
            "sub_axes": counts[WorkItem.Kind.SUB_AXIS],
            "actions": counts[WorkItem.Kind.ACTION],
            "lines": counts[WorkItem.Kind.LINE],
            "deal_themes": len(parsed.deal_themes),
            "transversal_themes": len(parsed.transversal_themes),
        },
        created=created_count,
        updated=updated,
        deleted=deleted,
    )


def _key(kind: str, code: str, text: str, occurrences: Counter) -> tuple:
    if kind != WorkItem.Kind.LINE:
        return ("node", code)
    base = ("line", code, text)
    occurrences[base] += 1
    return (*base, occurrences[base])


def _set_themes(item: WorkItem, themes: list, relation: str, is_new: bool) -> None:
    manager = getattr(item, relation)
    wanted = {theme.pk for theme in themes}
    if is_new:
        if wanted:
            manager.set(themes)
        return
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(themes)

"""Writes of the work-programme app: importing a programme file, publishing a programme."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from editorial.sources import catalogue_entries, catalogue_load, first_publication, provenance_keys
from mot_portal.publishing import status_change_many
from workplan.models import DealTheme, Programme, TransversalTheme, WorkItem, normalise

HEADER = re.compile(
    r"PROGRAMME DE TRAVAIL DE LA MOT (?P<year>\d{4})(?: \(au (?P<day>\d{2})/(?P<month>\d{2})/(?P<y>\d{4})\))?"
)
CODE = re.compile(r"[0-9]+(?:\.[0-9]+)*")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")
# Any "(cf. … thème …)" reference: one that DEAL_REF or TRANSVERSAL_REF cannot read is an error, not ignored.
ANY_THEME_REF = re.compile(r"\(cf\.?[^)]*th[eè]mes?\b[^)]*\)", re.IGNORECASE)
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


@dataclass
class _Parsing:
    """What the rows of a programme file have given so far."""

    file: str
    header: tuple[int, str, dt.date | None] | None = None
    current_code: str | None = None
    items: list[ParsedItem] = field(default_factory=list)
    nodes: dict[str, ParsedItem] = field(default_factory=dict)
    deal_themes: dict[int, str] = field(default_factory=dict)
    transversal_themes: dict[str, str] = field(default_factory=dict)
    skipped: int = 0

    def error(self, line: int | None, reason: str) -> ProgrammeFileError:
        return ProgrammeFileError(self.file, line, reason)


def programme_parse(*, path: Path) -> ParsedProgramme:
    """Parse a tab-separated programme file; raise ProgrammeFileError on the first problem.

    Each row is classified by its first column (``_row_kind``) and read by the handler of its kind: the page
    header (``Axe``), a list of themes (``NEW``), a legend, or an item of the tree (a code)."""
    state = _Parsing(path.name)
    for number, row in enumerate(_rows(path), start=1):
        if not row.strip():
            continue
        if CONTROL.search(row):
            raise state.error(number, "control character in the row")
        code, _tab, content = row.partition("\t")
        code, content = code.strip(), " ".join(content.split())
        ROW_HANDLERS[_row_kind(code, content)](state, number, code, content)
    return _parsed(state)


def _rows(path: Path) -> list[str]:
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProgrammeFileError(name, None, "file not found") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProgrammeFileError(name, line, f"not valid UTF-8 (byte {raw[exc.start]:#04x})") from None
    if not text.strip():
        raise ProgrammeFileError(name, 1, "the file is empty")
    # Only "\n" ends a row: str.splitlines() would also split on vertical tabs or U+2028 inside a cell.
    return [row.removesuffix("\r") for row in text.split("\n")]


def _row_kind(code: str, content: str) -> str:
    if code == "Axe":
        return "header"
    if code == "NEW":
        return "themes"
    if CODE.fullmatch(code):
        return "item"
    if not content and not code[:1].isdigit() and " " in code:
        return "legend"  # prose in the code column, and no work in the text column
    return "bad"


def _header_row(state: _Parsing, number: int, code: str, content: str) -> None:
    match = HEADER.search(content)
    if not match:
        raise state.error(number, f"page header without a programme year: {content!r}")
    as_of = None
    if match["day"]:
        try:
            as_of = dt.date(int(match["y"]), int(match["month"]), int(match["day"]))
        except ValueError:
            raise state.error(number, "bad date in the page header") from None
    found = (int(match["year"]), content, as_of)
    if state.header is None:
        state.header = found
    elif found[0] != state.header[0]:
        raise state.error(number, f"page header for {found[0]} in a {state.header[0]} programme")
    else:
        state.skipped += 1  # the header repeated on each page


def _themes_row(state: _Parsing, number: int, code: str, content: str) -> None:
    paragraphs = _paragraphs(content)
    if not paragraphs:
        raise state.error(number, "NEW row without an HTML list of themes")
    heading = normalise(paragraphs[0])
    if heading.startswith("cross-border deal"):
        _deal_themes(state, number, paragraphs[1:])
    elif heading.startswith("themes transversaux"):
        _transversal_themes(state, number, paragraphs[1:])
    else:
        raise state.error(number, f"unknown NEW list: {paragraphs[0]!r}")


def _deal_themes(state: _Parsing, number: int, paragraphs: list[str]) -> None:
    for paragraph in paragraphs:
        match = DEAL_ITEM.match(paragraph)
        if not match:
            raise state.error(number, f"not a Deal theme: {paragraph!r}")
        if int(match[1]) in state.deal_themes:
            raise state.error(number, f"Deal theme {match[1]} is listed twice")
        state.deal_themes[int(match[1])] = match[2].strip()


def _transversal_themes(state: _Parsing, number: int, paragraphs: list[str]) -> None:
    for paragraph in paragraphs:
        match = TRANSVERSAL_ITEM.match(paragraph)
        if not match:
            raise state.error(number, f"not a transversal theme: {paragraph!r}")
        theme = match[1].strip()
        key = slugify(normalise(theme))
        if key in state.transversal_themes:
            raise state.error(number, f"transversal theme {theme!r} is listed twice")
        state.transversal_themes[key] = theme


def _legend_row(state: _Parsing, number: int, code: str, content: str) -> None:
    state.skipped += 1


def _bad_row(state: _Parsing, number: int, code: str, content: str) -> None:
    raise state.error(number, f"bad code {code!r}")


def _item_row(state: _Parsing, number: int, code: str, content: str) -> None:
    if state.header is None:
        raise state.error(number, "a code before the programme header (Axe …)")
    parts = code.split(".")
    if len(parts) > 3:
        raise state.error(number, f"bad code {code!r}: at most three levels (1.1.1)")
    if not content:
        raise state.error(number, f"code {code} without text")
    item = ParsedItem(kind="", code=code, text=content, line=number, is_token=bool(TOKEN.search(content)))
    item.deal_numbers = [int(n) for n in DEAL_REF.findall(content)]
    item.transversal_keys = [slugify(normalise(t)) for t in TRANSVERSAL_REF.findall(content)]
    for reference in ANY_THEME_REF.findall(content):
        if not (DEAL_REF.fullmatch(reference) or TRANSVERSAL_REF.fullmatch(reference)):
            raise state.error(number, f"unreadable theme reference {reference!r}")
    if code in state.nodes:
        _line(state, item)
    else:
        _node(state, item, parts)
    state.items.append(item)


def _line(state: _Parsing, item: ParsedItem) -> None:
    """An activity line: the code of a node already read, right under its title and lines."""
    if item.code != state.current_code:
        raise state.error(
            item.line, f"code {item.code} comes back after {state.current_code}: its lines must follow its title"
        )
    item.kind, item.parent_code = WorkItem.Kind.LINE, item.code


def _node(state: _Parsing, item: ParsedItem, parts: list[str]) -> None:
    """An axis, sub-axis or action: a new code, under the node its code names."""
    item.kind = KIND_BY_DEPTH[len(parts)]
    if item.kind == WorkItem.Kind.AXIS:
        item.text = AXIS_PREFIX.sub("", item.text) or item.text
    else:
        # x.0.z is an action directly under axis x (the programme has no sub-axis x.0).
        parent = parts[0] if parts[1:2] == ["0"] and len(parts) == 3 else ".".join(parts[:-1])
        if parent not in state.nodes:
            raise state.error(item.line, f"orphan code {item.code}: no node {parent} above it")
        item.parent_code = parent
    state.nodes[item.code] = item
    state.current_code = item.code


ROW_HANDLERS = {
    "header": _header_row,
    "themes": _themes_row,
    "legend": _legend_row,
    "bad": _bad_row,
    "item": _item_row,
}


def _parsed(state: _Parsing) -> ParsedProgramme:
    """The programme, once every row is read: it has a header and items, and every theme it refers to."""
    if state.header is None:
        raise state.error(None, "no programme header (a row starting with Axe)")
    if not state.items:
        raise state.error(None, "no axis, action or line: the programme would be empty")
    for item in state.items:
        for theme in item.deal_numbers:
            if theme not in state.deal_themes:
                raise state.error(item.line, f"unknown Cross-border Deal theme {theme}")
        for key in item.transversal_keys:
            if key not in state.transversal_themes:
                raise state.error(item.line, f"unknown transversal theme {key!r}")
    year, _header, as_of = state.header
    title = f"Programme de travail de la MOT {year}"
    return ParsedProgramme(year, title, as_of, state.items, state.deal_themes, state.transversal_themes, state.skipped)


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
    status: str = Programme.Status.DRAFT,
    translations: Path | None = DEFAULT_TRANSLATIONS,
) -> ImportResult:
    """Create or update the programme of the file's year, its themes and its whole tree.

    Idempotent: an unchanged file changes nothing, and English texts already set are kept. Atomic:
    the file is parsed and checked before the first write, and a failure leaves the database as it was.
    Other years' programmes are never touched: a theme that exists already keeps its names (themes are
    shared by every year; staff rename them in the admin). ``status`` applies to a new programme only.
    """
    parsed = programme_parse(path=path)
    english = _load_translations(translations)
    try:
        return _write(parsed, path=path, status=status, english=english)
    except ValidationError as exc:
        line = getattr(exc, "source_line", None)
        raise ProgrammeFileError(path.name, line, f"invalid value: {_messages(exc)}") from None


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def _clean(obj, line: int | None = None, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        exc.source_line = line
        raise


def _theme_upsert(model, lookup: dict, name_fr: str, name_en: str | None):
    theme = model.objects.filter(**lookup).first()
    if theme is None:
        theme = model(**lookup, name_fr=name_fr)
    changed = theme.pk is None
    changed |= _set_english(theme, "name", name_en)
    if changed:
        _clean(theme)
        theme.save()
    return theme


def _write(parsed: ParsedProgramme, *, path: Path, status: str, english: dict) -> ImportResult:
    deal_ids = {
        number: _theme_upsert(DealTheme, {"number": number}, name, english.get("deal_themes", {}).get(str(number)))
        for number, name in parsed.deal_themes.items()
    }
    transversal_ids = {
        slug: _theme_upsert(TransversalTheme, {"slug": slug}, name, english.get("transversal_themes", {}).get(slug))
        for slug, name in parsed.transversal_themes.items()
    }

    year_english = english.get("programmes", {}).get(str(parsed.year), {})
    programme = Programme.objects.filter(year=parsed.year).first()
    created = programme is None
    if created:
        programme = Programme(year=parsed.year, status=status)
    changed = created
    for attr, value in (("title_fr", parsed.title), ("as_of", parsed.as_of), ("source", path.name)):
        if getattr(programme, attr) != value:
            setattr(programme, attr, value)
            changed = True
    changed |= _set_english(programme, "title", year_english.get("title"))
    if changed:
        _clean(programme)
        programme.save()
    _programme_sources(programme, path)

    matched = _match_existing(programme, parsed.items)
    node_english = year_english.get("nodes", {})
    saved: dict[str, WorkItem] = {}
    seen_pks: set[int] = set()
    created_count = updated = 0
    for position, parsed_item in enumerate(parsed.items, start=1):
        item = matched.get(id(parsed_item)) or WorkItem(
            programme=programme, kind=parsed_item.kind, code=parsed_item.code
        )
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
            _clean(item, parsed_item.line, validate_unique=False, validate_constraints=False)
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
    # Lines first, so that a removed node never takes a kept line with it through CASCADE.
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


def _programme_sources(programme: Programme, path: Path) -> None:
    """A programme without sources gets the catalogue's document of its file (fixtures/content/sources.json names
    the work programme's copy), and its first publication date from it when it has none."""
    if programme.sources.exists():
        return
    catalogue = catalogue_load()
    sources = [catalogue[key] for key in provenance_keys(path.name, catalogue_entries())]
    if not sources:
        return
    programme.sources.set(sources)
    if programme.first_published_on is None:
        dates = first_publication(sources)
        if dates:
            for name, value in dates.items():
                setattr(programme, name, value)
            programme.save(update_fields=list(dates))


def _match_existing(programme: Programme, items: list[ParsedItem]) -> dict[int, WorkItem]:
    """Pair the parsed items with the stored ones, so that a kept item keeps its key and English text.

    Nodes pair by code. Lines pair by node code and French text (and rank among identical texts); a line
    whose text changed then pairs by its rank under its node, so a corrected typo keeps its translation.
    """
    stored = list(programme.items.order_by("position"))
    nodes = {item.code: item for item in stored if not item.is_line}
    by_text: dict[tuple, WorkItem] = {}
    occurrences: Counter[tuple] = Counter()
    for item in stored:
        if item.is_line:
            by_text[_key(item.code, item.text_fr, occurrences)] = item
    matched: dict[int, WorkItem] = {}
    used: set[int] = set()
    occurrences = Counter()
    unmatched: list[tuple[int, ParsedItem]] = []
    for index, parsed in enumerate(items):
        if parsed.kind != WorkItem.Kind.LINE:
            if parsed.code in nodes and nodes[parsed.code].kind == parsed.kind:
                matched[id(parsed)] = nodes[parsed.code]
            continue
        found = by_text.get(_key(parsed.code, parsed.text, occurrences))
        if found is not None:
            matched[id(parsed)] = found
            used.add(found.pk)
        else:
            unmatched.append((index, parsed))
    rank = Counter()
    ranks: dict[tuple[str, int], WorkItem] = {}
    for item in stored:
        if item.is_line:
            rank[item.code] += 1
            ranks[(item.code, rank[item.code])] = item
    rank = Counter()
    parsed_rank: dict[int, int] = {}
    for parsed in items:
        if parsed.kind == WorkItem.Kind.LINE:
            rank[parsed.code] += 1
            parsed_rank[id(parsed)] = rank[parsed.code]
    for _index, parsed in unmatched:
        candidate = ranks.get((parsed.code, parsed_rank[id(parsed)]))
        if candidate is not None and candidate.pk not in used:
            matched[id(parsed)] = candidate
            used.add(candidate.pk)
    return matched


def _key(code: str, text: str, occurrences: Counter) -> tuple:
    base = (code, text)
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


@transaction.atomic
def programme_publication_change(*, programmes: list[Programme], status: str) -> int:
    """Publish or unpublish programmes in one transaction (the shared status service): after commit, publishing
    prepares their PDFs (with ``PDF_RENDER_ON_PUBLISH``) and unpublishing withdraws them, as it takes them off the
    pages and the API. Idempotent. Returns how many programmes changed."""
    return status_change_many(objs=programmes, status=status)

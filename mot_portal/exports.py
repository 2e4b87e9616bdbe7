"""Open-data exports of the API lists, and what the data catalogue says about each dataset.

A list endpoint whose viewset mixes in ``ExportMixin`` also answers ``?format=csv`` and ``?format=geojson`` (or
``Accept: text/csv`` / ``Accept: application/geo+json``): every row the JSON list would give across all its pages
(same FilterSet, same ordering, same published-only queryset), streamed as it is read from the database
(``QuerySet.iterator(chunk_size=…)``), never held whole in memory. The JSON list itself is unchanged.

What a file says about itself:

* **CSV**: the data only, so that any CSV reader takes it as it is: a header row with the API's field names, then
  one row per record. It starts with a UTF-8 byte order mark, which spreadsheets need to read accents right
  (Python reads it with ``encoding="utf-8-sig"``; pandas and R skip it). The licence and credits travel beside it:
  ``Link`` headers (``rel="license"``: the licence; ``rel="describedby"``: the DCAT catalogue, which lists the
  dataset's fields, licence and credits), the catalogue page, and the "Download" block of each list page.
* **GeoJSON** (RFC 7946): a ``FeatureCollection`` with a top-level ``metadata`` member (title, licence, credits,
  source, catalogue, date): foreign members are allowed by the RFC and ignored by GIS tools. A record without
  coordinates has ``"geometry": null``, which is valid GeoJSON. The properties are the JSON record as the API gives
  it.

CSV columns are the list serializer's readable fields, under the same names, flattened this way: a nested object
gives one column per sub-field (``epci.siren``, ``epci.name``); a list of codes is joined with ``"; "``; a list of
flat nested records (a factsheet's towns: code, name, role) gives their identifiers (first field) joined with
``"; "``; any other list or object (a mission's events, with their participants) is written as JSON text.
Booleans are ``true``/``false``, empty values empty cells.

Exports are heavy: anonymous requests count against the "heavy" throttle scope too (``HeavyListThrottle``).
Streamed responses are never stored by the page cache (``PageCacheMiddleware`` skips streaming responses).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, renderers, serializers
from rest_framework.response import Response

# --- Licences and dataset descriptions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Licence:
    code: str
    name: str | Promise
    url: str


# The portal's own content (factsheets, missions, work programme, curated records) and the data derived from
# Licence Ouverte sources (INSEE, DGCL, IGN, ANCT) are published under the Licence Ouverte 2.0, which those
# sources use; it is compatible with CC BY 4.0 and ODC-BY. Natural Earth is in the public domain.
OPEN_LICENCE = Licence(
    "etalab-2.0", _("Licence Ouverte / Etalab 2.0"), "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
)
CC_BY_4 = Licence("cc-by-4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
PUBLISHER = _("Mission Opérationnelle Transfrontalière (MOT)")


@dataclass(frozen=True)
class ExportInfo:
    """What an exported dataset says about itself (file name, title, licence, credits), and what the catalogue
    shows of it (``modified``: the date of its last change, or None)."""

    slug: str
    title: str | Promise
    description: str | Promise
    licence: Licence = OPEN_LICENCE
    credits: str | Promise = PUBLISHER
    keywords: tuple = ()
    modified: Callable[[], datetime.datetime | datetime.date | None] | None = None
    page: str = ""  # URL name of the public list page, if any
    geometry: str | Promise = ""  # how features are placed (GeoJSON), for the catalogue
    optional: bool = False  # left out of the catalogue while it has no row (loaded by an import that may not have run)


# --- Geometry helpers (GeoJSON, longitude first) -----------------------------------------------------------------


def point(latitude, longitude) -> dict | None:
    if latitude is None or longitude is None:
        return None
    return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}


def points(pairs: Iterable[tuple]) -> dict | None:
    """A Point for one position, a MultiPoint for several (duplicates dropped), None for none."""
    coordinates = []
    for latitude, longitude in pairs:
        if latitude is None or longitude is None:
            continue
        position = [float(longitude), float(latitude)]
        if position not in coordinates:
            coordinates.append(position)
    if not coordinates:
        return None
    if len(coordinates) == 1:
        return {"type": "Point", "coordinates": coordinates[0]}
    return {"type": "MultiPoint", "coordinates": coordinates}


# --- Columns: the serializer's readable fields, flattened ----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the CSV header
    path: tuple  # where the value is in the JSON record
    join_key: str | None = None  # for a list of nested records: the sub-field joined
    type: str = "text"
    description: str = ""

    @property
    def type_label(self) -> str:
        return FIELD_TYPES[self.type]


FIELD_TYPES = {
    "boolean": _("boolean (true/false)"),
    "integer": _("integer"),
    "number": _("decimal number"),
    "datetime": _("date and time (ISO 8601)"),
    "date": _("date (ISO 8601)"),
    "URL": _("URL"),
    "code": _("code"),
    "list": _("list"),
    "object": _("object"),
    "JSON": _("JSON"),
    "text": _("text"),
}


def _field_type(field: serializers.Field) -> str:
    kinds = (
        (serializers.BooleanField, "boolean"),
        (serializers.IntegerField, "integer"),
        (serializers.DecimalField, "number"),
        (serializers.FloatField, "number"),
        (serializers.DateTimeField, "datetime"),
        (serializers.DateField, "date"),
        (serializers.URLField, "URL"),
        (serializers.ChoiceField, "code"),
        (serializers.ListField, "list"),
        (serializers.ListSerializer, "list"),
        (serializers.ManyRelatedField, "list"),
        (serializers.RelatedField, "code"),
        (serializers.Serializer, "object"),
        (serializers.JSONField, "JSON"),
    )
    for kind, name in kinds:
        if isinstance(field, kind):
            return name
    # Method and read-only fields documented through drf-spectacular's annotation, when there is one.
    annotated = getattr(field, "_spectacular_annotation", None) or getattr(
        getattr(field.parent, f"get_{field.field_name}", None), "_spectacular_annotation", None
    )
    if annotated is not None and not isinstance(annotated, dict):
        return _field_type(annotated if isinstance(annotated, serializers.Field) else annotated())
    if isinstance(field, serializers.SerializerMethodField | serializers.ReadOnlyField):
        return "JSON"
    return "text"


def _readable(serializer: serializers.Serializer) -> list[tuple[str, serializers.Field]]:
    return [(name, f) for name, f in serializer.fields.items() if not f.write_only]


COMPOUND = (
    serializers.Serializer,
    serializers.ListSerializer,
    serializers.ListField,
    serializers.ManyRelatedField,
    serializers.SerializerMethodField,
    serializers.JSONField,
)


def _flat(child) -> bool:
    """A nested record whose fields are all plain values (a town: code, name, role), listed by its identifier."""
    return isinstance(child, serializers.Serializer) and not any(
        isinstance(f, COMPOUND) for _name, f in _readable(child)
    )


def columns(serializer: serializers.Serializer) -> list[Column]:
    """The CSV columns of a list serializer (see the module's docstring for the flattening)."""
    result = []
    for name, field_ in _readable(serializer):
        help_text = str(field_.help_text or "")
        if isinstance(field_, serializers.ListSerializer) and _flat(field_.child):
            key = _readable(field_.child)[0][0]
            description = gettext("%(text)s (%(key)s, separated by “; ”)") % {"text": help_text, "key": key}
            result.append(Column(name, (name,), join_key=key, type="list", description=description))
        elif isinstance(field_, serializers.Serializer):
            for sub, sub_field in _readable(field_):
                description = f"{help_text} {sub_field.help_text or ''}".strip()
                result.append(
                    Column(f"{name}.{sub}", (name, sub), type=_field_type(sub_field), description=description)
                )
        else:
            result.append(Column(name, (name,), type=_field_type(field_), description=help_text))
    return result


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _scalar(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal | float):
        return repr(float(value))
    return str(value)


def cell(value, join_key: str | None = None) -> str:
    if isinstance(value, list | tuple):
        if join_key is not None:
            return "; ".join(_scalar(item.get(join_key)) for item in value)
        if all(not isinstance(item, dict | list) for item in value):
            return "; ".join(_scalar(item) for item in value)
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return _scalar(value)


def csv_row(record: dict, cols: list[Column]) -> list[str]:
    """One CSV row (the loop every exported record goes through: plain values take the shortest way)."""
    row = []
    append = row.append
    for col in cols:
        path = col.path
        value = record.get(path[0])
        if len(path) > 1:
            value = value.get(path[1]) if isinstance(value, dict) else None
        kind = type(value)
        if kind is str:
            append(value)
        elif value is None:
            append("")
        elif kind is int:
            append(str(value))
        elif kind is float:
            append(repr(value))
        else:
            append(cell(value, col.join_key))
    return row


# --- Streams -----------------------------------------------------------------------------------------------------

BATCH = 500  # records per chunk written to the response


def csv_stream(records: Iterator[tuple[dict, dict | None]], cols: list[Column]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([col.name for col in cols])
    for number, (record, _geometry) in enumerate(records, 1):
        writer.writerow(csv_row(record, cols))
        if number % BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def geojson_stream(records: Iterator[tuple[dict, dict | None]], metadata: dict, id_field: str) -> Iterator[bytes]:
    dumps = json.JSONEncoder(ensure_ascii=False, default=_json_default, separators=(",", ":")).encode
    head = dumps({"type": "FeatureCollection", "metadata": metadata})[:-1]
    parts = [head, ',"features":[\n']
    for number, (record, geometry) in enumerate(records):
        feature = {"type": "Feature", "geometry": geometry, "properties": record}
        if record.get(id_field) is not None:  # RFC 7946: a string or a number, else no member
            feature["id"] = record[id_field]
        parts.append(("," if number else "") + dumps(feature) + "\n")
        if len(parts) >= BATCH:
            yield "".join(parts).encode()
            parts = []
    parts.append("]}\n")
    yield "".join(parts).encode()


def _in_language(language: str, stream: Iterator[bytes]) -> Iterator[bytes]:
    """The stream read in the request's language (it is consumed after the view has returned)."""
    with translation.override(language):
        yield from stream


# --- DRF glue ----------------------------------------------------------------------------------------------------


class ExportRenderer(renderers.BaseRenderer):
    """Chosen by content negotiation; the list action answers with a stream of its own. Anything else rendered
    with it (an error) is rendered as JSON by ``ExportMixin.finalize_response``."""

    export = True
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - never reached
        return renderers.JSONRenderer().render(data, accepted_media_type, renderer_context)


class CSVRenderer(ExportRenderer):
    media_type = "text/csv"
    format = "csv"
    extension = "csv"
    content_type = "text/csv; charset=utf-8; header=present"


class GeoJSONRenderer(ExportRenderer):
    media_type = "application/geo+json"
    format = "geojson"
    extension = "geojson"
    content_type = "application/geo+json"


EXPORT_RENDERERS = (CSVRenderer, GeoJSONRenderer)
FORMATS = ("json", "csv", "geojson")


class ExportMixin:
    """``?format=csv|geojson`` on the list action of a viewset (see the module's docstring).

    ``export``: the dataset's ``ExportInfo``. ``export_chunk_size``: records read per query (prefetches run per
    chunk, so a few queries per chunk). Override ``export_records`` for a faster path than the serializer
    (``.values()`` for 35,000 towns) and ``export_geometry`` to place the features.
    """

    export: ExportInfo
    export_chunk_size = 2000

    def get_renderers(self):
        renderers_ = super().get_renderers()
        if getattr(self, "action", None) == "list":
            renderers_ += [renderer() for renderer in EXPORT_RENDERERS]
        return renderers_

    def perform_content_negotiation(self, request, force=False):
        """An unknown (or empty) ``?format=`` on a list is a 400 naming the formats (DRF's own answer is a bare
        404, or the JSON list for an empty one)."""
        choices = ", ".join(FORMATS)
        error = {"format": [gettext("Choose one of: %(choices)s.") % {"choices": choices}]}
        listing = getattr(self, "action", None) == "list"
        if listing and not force and request.query_params.get("format") == "":
            raise exceptions.ValidationError(error)
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            if not listing:
                raise
            raise exceptions.ValidationError(error) from None

    def list(self, request, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(renderer, ExportRenderer):
            return self.export_response(renderer)
        return super().list(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and isinstance(getattr(request, "accepted_renderer", None), ExportRenderer):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    # What is exported

    def export_serializer(self) -> serializers.Serializer:
        return self.get_serializer_class()(context=self.get_serializer_context())

    def export_geometry(self, instance) -> dict | None:
        return None

    def export_records(self, queryset, serializer) -> Iterator[tuple[dict, dict | None]]:
        """(JSON record, geometry) for each row: the list serializer on chunks of the queryset."""
        for instance in queryset.iterator(chunk_size=self.export_chunk_size):
            yield serializer.to_representation(instance), self.export_geometry(instance)

    def export_metadata(self) -> dict:
        info = self.export
        request = self.request
        return {
            "title": str(info.title),
            "description": str(info.description),
            "publisher": str(PUBLISHER),
            "licence": {"name": str(info.licence.name), "url": info.licence.url},
            "attribution": str(info.credits),
            "source": request.build_absolute_uri(),
            "catalogue": request.build_absolute_uri(reverse("data-catalogue")),
            "generated": timezone.now().replace(microsecond=0).isoformat(),
            "language": translation.get_language(),
        }

    def export_response(self, renderer: ExportRenderer) -> StreamingHttpResponse:
        check = getattr(self.paginator, "check_parameters", None)
        if check is not None:
            check(self.request)  # the same answer to a bad page number as the JSON list
        queryset = self.filter_queryset(self.get_queryset())
        serializer = self.export_serializer()
        records = self.export_records(queryset, serializer)
        if renderer.format == "csv":
            stream = csv_stream(records, columns(serializer))
        else:
            id_field = "id" if self.lookup_field == "pk" else self.lookup_field
            stream = geojson_stream(records, self.export_metadata(), id_field)
        response = StreamingHttpResponse(
            _in_language(translation.get_language(), stream), content_type=renderer.content_type
        )
        filename = f"{self.export.slug}-{timezone.localdate():%Y-%m-%d}.{renderer.extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        catalogue = self.request.build_absolute_uri(reverse("data-catalogue"))
        response["Link"] = f'<{self.export.licence.url}>; rel="license", <{catalogue}>; rel="describedby"'
        response["Vary"] = "Accept, Accept-Language"
        return response


def export_url(api_name: str, params: Iterable[tuple[str, str]], fmt: str) -> str:
    """The API list ``api_name`` with ``params`` (the page's filters, mapped) in format ``fmt``."""
    from urllib.parse import urlencode

    query = [(k, v) for k, v in params if v not in ("", None)]
    if fmt != "json":
        query.append(("format", fmt))
    url = reverse(api_name)
    return f"{url}?{urlencode(query)}" if query else url


def downloads(*, api_name: str, params: Iterable[tuple[str, str]], info: ExportInfo) -> dict:
    """The "Download this selection" block of a list page: links in each format, the licence and credits."""
    params = list(params)
    return {
        "links": [(fmt, export_url(api_name, params, fmt)) for fmt in ("csv", "geojson", "json")],
        "licence": info.licence,
        "credits": info.credits,
    }


def selection(data, names: Iterable[str], *, renamed: dict | None = None) -> list[tuple[str, str]]:
    """The non-empty values of ``names`` in the page's query (a QueryDict: repeated names kept), renamed to the
    API's parameters where they differ."""
    renamed = renamed or {}
    params = []
    for name in names:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        params += [(renamed.get(name, name), value) for value in values if value not in ("", None)]
    return params

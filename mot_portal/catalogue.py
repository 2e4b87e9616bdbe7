"""The data catalogue: what each exported dataset holds (fields, licence, credits, update date, row count) and
where to download it, as a page and as DCAT-AP JSON-LD for harvesters (data.gouv.fr harvests DCAT).

The datasets are the lists of viewsets that export (``mot_portal.exports.ExportMixin``), named by the URL
configuration; their fields are read from the list serializer (names, types, help texts: the API's own
documentation), their row counts from the public queryset (published records only), so the catalogue cannot
drift from what the API serves. An optional dataset with no row yet (the localities before their first import) is
left out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mot_portal.exports import PUBLISHER, Column, ExportInfo, columns, export_url

MEDIA_TYPES = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "json": "application/json",
}
IANA = "http://www.iana.org/assignments/media-types/"
EU_FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPES = {"csv": "CSV", "geojson": "GEOJSON", "json": "JSON"}


@dataclass
class CatalogueEntry:
    info: ExportInfo
    api_name: str
    count: int
    modified: datetime.datetime | datetime.date | None
    fields: list[Column]
    links: dict[str, str]  # format → URL of the whole dataset
    page_url: str


def catalogue_entries(datasets) -> list[CatalogueEntry]:
    """One entry per (API list name, viewset), an optional dataset only once it has rows: a count and a date query
    each."""
    entries = []
    for api_name, viewset in datasets:
        view = viewset(action="list", request=None, format_kwarg=None, kwargs={})
        info: ExportInfo = view.export
        count = view.get_queryset().order_by().count()
        if not count and info.optional:
            continue
        serializer = view.get_serializer_class()(context={})
        entries.append(
            CatalogueEntry(
                info=info,
                api_name=api_name,
                count=count,
                modified=info.modified() if info.modified else None,
                fields=columns(serializer),
                links={fmt: export_url(api_name, [], fmt) for fmt in ("csv", "geojson", "json")},
                page_url=reverse(info.page) if info.page else "",
            )
        )
    return entries


def _literal(value) -> dict:
    return {"@value": str(value), "@language": translation.get_language()}


def _date(value) -> dict | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return {"@value": value.astimezone(datetime.UTC).replace(microsecond=0).isoformat(), "@type": "xsd:dateTime"}
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def dcat_catalogue(entries: list[CatalogueEntry], request: HttpRequest) -> dict:
    """The catalogue as DCAT-AP 2 JSON-LD: a dcat:Catalog of dcat:Dataset, each with a dcat:Distribution per
    format (dcat:accessURL: the API list; dcat:downloadURL: the whole file; dcat:mediaType: IANA)."""
    absolute = request.build_absolute_uri
    page = absolute(reverse("data_catalogue"))
    root = absolute(reverse("data-catalogue"))  # the URIs of the datasets: the same in every language
    publisher = {"@type": "foaf:Agent", "foaf:name": str(PUBLISHER)}
    datasets = []
    for entry in entries:
        info = entry.info
        licence = {"@id": info.licence.url}
        distributions = []
        for fmt, url in entry.links.items():
            distribution = {
                "@id": f"{root}#{info.slug}-{fmt}",
                "@type": "dcat:Distribution",
                "dct:title": _literal(f"{info.title} ({FILE_TYPES[fmt]})"),
                "dcat:accessURL": {"@id": absolute(reverse(entry.api_name))},
                "dcat:downloadURL": {"@id": absolute(url)},
                "dcat:mediaType": {"@id": IANA + MEDIA_TYPES[fmt]},
                "dct:format": {"@id": EU_FILE_TYPES + FILE_TYPES[fmt]},
                "dct:license": licence,
            }
            if fmt == "json":
                distribution["dct:description"] = _literal(_("The API list, 100 records a page (follow “next”)."))
            distributions.append(distribution)
        dataset = {
            "@id": f"{root}#{info.slug}",
            "@type": "dcat:Dataset",
            "dct:identifier": info.slug,
            "dct:title": _literal(info.title),
            "dct:description": _literal(info.description),
            "dcat:keyword": list(info.keywords),
            "dct:publisher": publisher,
            "dct:license": licence,
            "dct:rights": _literal(info.credits),
            "dct:language": [{"@id": "http://publications.europa.eu/resource/authority/language/FRA"}],
            "dcat:landingPage": {"@id": absolute(entry.page_url) if entry.page_url else page},
            "dcat:distribution": distributions,
        }
        if entry.modified is not None:
            dataset["dct:modified"] = _date(entry.modified)
        datasets.append(dataset)
    dates = [e.modified for e in entries if isinstance(e.modified, datetime.datetime)]
    catalogue = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": root,
        "@type": "dcat:Catalog",
        "dct:title": _literal(_("MOT border-towns portal: open data")),
        "dct:description": _literal(
            _(
                "Datasets of the MOT border-towns portal: French communes, cross-border projects, support "
                "missions, work programme and localities across the border."
            )
        ),
        "dct:publisher": publisher,
        "foaf:homepage": {"@id": page},
        "dcat:dataset": datasets,
    }
    if dates:
        catalogue["dct:modified"] = _date(max(dates))
    return catalogue

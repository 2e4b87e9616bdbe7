"""Records the support request tests share: towns (two homonyms), published and draft services, a request."""

import pytest
from django.utils import timezone

from missions.models import Mission, NationalProgramme
from mot_portal.publishing import Status
from support.models import Service, SupportRequest
from tests.factories import CountryFactory, DepartmentFactory, RegionFactory, TownFactory

VALID = {
    "organisation": "Mairie de test",
    "role": "Chargée de projet PVD",
    "name": "Zéphyrine Quillardet",
    "email": "zephyrine.quillardet@example.org",
    "phone": "+33 3 24 00 00 00",
    "need": "Nous voudrions monter un projet de piste cyclable avec la commune voisine.",
    "consent": "on",
}


def service(slug: str, family: str, *, status: str = Status.PUBLISHED, kind: str = "") -> Service:
    return Service.objects.create(
        slug=slug,
        family=family,
        title_fr=f"Service {slug}",
        title_en=f"Service {slug} (en)",
        mission_kind=kind,
        status=status,
        published_at=timezone.now() if status == Status.PUBLISHED else None,
    )


@pytest.fixture
def offer(db):
    return {
        "diagnostic": service("diagnostic", Service.Family.LOCAL_SUPPORT, kind=Mission.Kind.DIAGNOSTIC),
        "webinars": service("webinars", Service.Family.TRAINING_NETWORKING, kind=Mission.Kind.WEBINAR),
        "draft": service("secret-draft", Service.Family.LOCAL_SUPPORT, status=Status.DRAFT),
    }


@pytest.fixture
def places(db):
    ardennes = DepartmentFactory(code="08", name="Ardennes", region=RegionFactory(code="44", name="Grand Est"))
    meuse = DepartmentFactory(code="55", name="Meuse", region=RegionFactory(code="44", name="Grand Est"))
    belgium = CountryFactory()
    germany = CountryFactory(code="DE", iso3="DEU", name_fr="Allemagne", name_en="Germany")
    NationalProgramme.objects.get_or_create(
        slug="petites-villes-de-demain", defaults={"name_fr": "Petites villes de demain"}
    )
    return {
        "givet": TownFactory(insee_code="08190", name="Givet", department=ardennes, border_country=belgium),
        "homonym_08": TownFactory(insee_code="08001", name="Villers-sur-Test", department=ardennes, pvd_id=None),
        "homonym_55": TownFactory(
            insee_code="55001", name="Villers-sur-Test", department=meuse, pvd_id=None, border_country=germany
        ),
    }


def support_request(town, **fields) -> SupportRequest:
    values = {
        "organisation": "Mairie",
        "role": "Maire",
        "name": "Requester",
        "email": "requester@example.org",
        "need": "A need.",
        "consent": True,
        "language": "fr",
        **fields,
    }
    return SupportRequest.objects.create(town=town, **values)


@pytest.fixture(autouse=True)
def tasks_run_here(monkeypatch):
    """The e-mail tasks run in this process when queued (after commit), as on the embedded default, even where a
    broker is configured (CI): these tests are about what is sent; the queue itself is the documents' tests'."""
    from celery.app.task import Task

    monkeypatch.setattr(
        Task, "apply_async", lambda task, args=None, kwargs=None, **options: task.apply(args=args, kwargs=kwargs)
    )

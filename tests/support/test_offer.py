"""The MOT's offer: the loader, the six services of October 2020 in both languages, their pages, API and sitemap
(drafts never shown), and the retired mission addresses that redirect to them."""

import json
import re

import pytest
from django.core.management import CommandError, call_command

from missions.models import Mission
from support.models import RetiredMission, Service
from support.services import offer_content_load
from tests.conftest import localized_url
from tests.support.fixtures import OFFER_FILE

pytestmark = pytest.mark.django_db

RETIRED = {
    "pvd-webinaires-villes-frontalieres": "webinaires",
    "pvd-publication-bonnes-pratiques": "publication-bonnes-pratiques",
    "pvd-formations": "formations",
    "pvd-diagnostics-opportunites-transfrontalieres": "diagnostic-opportunites-transfrontalieres",
    "pvd-ligne-telephonique-dediee": "ligne-dediee",
    "pvd-appui-construction-projet": "appui-projet-transfrontalier",
}
TRANSLATED = ("title", "summary", "description", "audience")


# --- The loader -------------------------------------------------------------------------------------------------


def test_load_creates_the_six_services_and_the_retired_addresses(offer):
    assert offer.loaded == {"services": 6, "retired_missions": 6}
    assert dict(RetiredMission.objects.values_list("mission_slug", "service__slug")) == RETIRED
    families = dict(Service.objects.published().values_list("slug", "family"))
    assert sorted(s for s, f in families.items() if f == "training_networking") == [
        "formations",
        "publication-bonnes-pratiques",
        "webinaires",
    ]
    assert sorted(s for s, f in families.items() if f == "local_support") == [
        "appui-projet-transfrontalier",
        "diagnostic-opportunites-transfrontalieres",
        "ligne-dediee",
    ]
    assert offer.publication.booklets.filter(slug="petites-villes-aux-frontieres").exists()


def test_load_is_idempotent_and_keeps_edits(offer):
    service = Service.objects.get(slug="formations")
    service.title_en = "Edited"
    service.save()
    assert offer_content_load(path=OFFER_FILE) == {"services": 0, "retired_missions": 0}
    assert Service.objects.get(slug="formations").title_en == "Edited"
    assert Service.objects.count() == 7  # the six and the test's draft


def test_load_command_names_the_bad_row_and_writes_nothing(tmp_path, db):
    from projects.models import Booklet

    Booklet.objects.create(slug="petites-villes-aux-frontieres", title_fr="Petites villes aux frontières")
    content = json.loads(OFFER_FILE.read_text(encoding="utf-8"))
    content["services"][3]["family"] = "nonsense"
    bad = tmp_path / "offer.json"
    bad.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CommandError, match=r"nothing was changed: offer\.json: service 4 \(diagnostic-opportunites"):
        call_command("load_offer", path=bad)
    assert not Service.objects.exists()
    assert not RetiredMission.objects.exists()


def test_load_command_refuses_a_missing_booklet(db):
    with pytest.raises(CommandError, match=r"service 2 \(publication-bonnes-pratiques\)"):
        call_command("load_offer")
    assert not Service.objects.exists()


def test_the_six_services_are_written_in_both_languages_from_the_source_only(offer):
    for service in Service.objects.published():
        for name in TRANSLATED:
            assert getattr(service, f"{name}_fr"), (service.slug, name)
            assert getattr(service, f"{name}_en"), (service.slug, name)
        assert service.announced_on.isoformat() == "2020-10-01"
        assert service.source.startswith("MOT news, October 2020")
        assert "001_" not in service.source  # never the internal file name
        assert service.mission_kind
        text = " ".join(str(getattr(service, f"{n}_{lang}")) for n in TRANSLATED for lang in ("fr", "en"))
        # The seed names a staff member with his personal line: neither is published.
        assert "Devillard" not in text
        assert not re.search(r"\d\d \d\d \d\d|@|\(at\)", text)
    kinds = sorted(Service.objects.published().values_list("mission_kind", flat=True))
    assert kinds == ["diagnostic", "hotline", "project_support", "publication", "training", "webinar"]


def test_the_missions_fixture_no_longer_holds_the_2020_offer():
    content = json.loads(OFFER_FILE.with_name("missions.json").read_text(encoding="utf-8"))
    slugs = [m["slug"] for m in content["missions"]]
    assert slugs == ["mission-flash-bouzonville-sierck-les-bains", "experimentation-bassins-de-vie-transfrontaliers"]
    assert not set(RETIRED) & set(slugs)


# --- Pages --------------------------------------------------------------------------------------------------------


def _section(html: str, family: str) -> str:
    match = re.search(rf'<section class="offer-family" aria-labelledby="family-{family}">(.*?)</section>', html, re.S)
    return match.group(1)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_offer_page_lists_the_services_by_family(client, offer, lang, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(localized_url("support:offer", lang))
    assert response.status_code == 200
    html = response.content.decode()
    training, local = _section(html, "training_networking"), _section(html, "local_support")
    for service in Service.objects.published():
        section = training if service.family == "training_networking" else local
        assert getattr(service, f"title_{lang}").replace("'", "&#x27;") in section
        assert f"?service={service.slug}" in section
        assert service.get_absolute_url() in section
    assert getattr(offer.draft, f"title_{lang}") not in html
    # The booklet that delivered the publication (published only).
    assert offer.booklet.get_absolute_url() in training
    assert offer.draft_booklet.get_absolute_url() not in html
    # The PVD flash mission under local support, labelled; a mission outside the programme and a draft are not.
    assert offer.flash.get_absolute_url() in local
    assert offer.flash.get_absolute_url() not in training
    assert (
        "Missions of the programme in this family" if lang == "en" else "Missions du programme dans cette famille"
    ) in local
    assert offer.other.get_absolute_url() not in html
    assert offer.draft_mission.slug not in html
    assert "planned" not in html.lower()
    assert "prévue" not in html.lower()
    assert ("Announced in October 2020" if lang == "en" else "Annoncé") in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_service_page(client, offer, lang, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(localized_url("support:service_detail", lang, slug=offer.diagnostic.slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert getattr(offer.diagnostic, f"title_{lang}") in html
    assert offer.flash.get_absolute_url() in html
    assert offer.draft_mission.slug not in html
    assert f"?service={offer.diagnostic.slug}" in html
    assert "MOT news, October 2020" in html
    draft = client.get(localized_url("support:service_detail", lang, slug=offer.draft.slug))
    assert draft.status_code == 404


def test_mission_list_no_longer_shows_the_2020_items(client, offer):
    html = client.get(localized_url("missions:mission_list", "fr")).content.decode()
    assert not Mission.objects.filter(slug__in=RETIRED).exists()
    for slug in RETIRED:
        assert f"/{slug}/" not in html


# --- API and sitemap -------------------------------------------------------------------------------------------------


def test_api_lists_published_services_only(client, offer, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/services/", {"lang": "en"})
    results = response.json()["results"]
    assert [r["slug"] for r in results] == [
        "diagnostic-opportunites-transfrontalieres",
        "ligne-dediee",
        "appui-projet-transfrontalier",
        "webinaires",
        "publication-bonnes-pratiques",
        "formations",
    ]  # by family (local_support < training_networking), then position
    publication = next(r for r in results if r["slug"] == "publication-bonnes-pratiques")
    assert publication["title"] == "Good-practice publication"
    assert publication["title_fr"] == "Publication de bonnes pratiques"
    assert [b["slug"] for b in publication["booklets"]] == ["petites-villes-aux-frontieres"]
    assert publication["announced_on"] == "2020-10-01"
    assert publication["request_url"].endswith("?service=publication-bonnes-pratiques")
    diagnostic = client.get("/api/v1/services/diagnostic-opportunites-transfrontalieres/").json()
    assert [m["slug"] for m in diagnostic["missions"]] == ["mission-flash-test"]
    assert client.get(f"/api/v1/services/{offer.draft.slug}/").status_code == 404
    training = client.get("/api/v1/services/", {"family": "training_networking"}).json()["results"]
    assert [r["slug"] for r in training] == ["webinaires", "publication-bonnes-pratiques", "formations"]


def test_sitemap_lists_published_services_and_the_pages(client, offer):
    xml = client.get("/sitemap-services.xml").content.decode()
    assert "/offer/webinaires/" in xml or "/offre/webinaires/" in xml
    assert offer.draft.slug not in xml
    pages = client.get("/sitemap-offer.xml").content.decode()
    for name in ("support:offer", "support:about_programme", "support:contact", "support:accessibility"):
        assert localized_url(name, "en") in pages
        assert localized_url(name, "fr") in pages


# --- Redirects of the retired mission addresses ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("old", "new"), RETIRED.items())
def test_retired_mission_addresses_redirect_to_the_service(
    client, offer, lang, old, new, django_assert_max_num_queries
):
    target = localized_url("support:service_detail", lang, slug=new)
    with django_assert_max_num_queries(2):  # the mission (not found), then the retired address
        response = client.get(localized_url("missions:mission_detail", lang, slug=old))
    assert (response.status_code, response["Location"]) == (301, target)
    preview = client.get(localized_url("missions:mission_preview", lang, slug=old))
    assert (preview.status_code, preview["Location"]) == (301, target)
    roadmap = client.get(localized_url("missions:roadmap_detail", lang, slug=old, version=1))
    assert (roadmap.status_code, roadmap["Location"]) == (301, target)
    assert client.get(target).status_code == 200


def test_retired_address_redirects_for_staff_preview_too(client, offer, staff_editor):
    client.force_login(staff_editor)
    response = client.get(localized_url("missions:mission_preview", "en", slug="pvd-formations"))
    assert (response.status_code, response["Location"]) == (
        301,
        localized_url("support:service_detail", "en", slug="formations"),
    )


def test_api_mission_address_redirects_to_the_service_record(client, offer):
    response = client.get("/api/v1/missions/pvd-formations/", {"lang": "en"})
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/services/formations/?lang=en"
    assert client.get(response["Location"]).json()["slug"] == "formations"
    assert client.get("/api/v1/missions/no-such-mission/").status_code == 404


def test_unknown_or_draft_service_addresses_stay_404(client, offer):
    assert client.get(localized_url("missions:mission_detail", "fr", slug="no-such-mission")).status_code == 404
    RetiredMission.objects.create(mission_slug="ancienne-mission", service=offer.draft)
    assert client.get(localized_url("missions:mission_detail", "fr", slug="ancienne-mission")).status_code == 404
    assert client.get("/api/v1/missions/ancienne-mission/").status_code == 404
    # A live mission is never redirected.
    assert client.get(offer.flash.get_absolute_url()).status_code == 200


def test_editors_change_the_offer_viewers_read_it(client, offer, staff_editor, staff_viewer):
    service = Service.objects.first()
    change = f"/fr/admin/support/service/{service.pk}/change/"
    client.force_login(staff_editor)
    assert client.get("/fr/admin/support/service/").status_code == 200
    assert client.get("/fr/admin/support/service/add/").status_code == 200
    client.force_login(staff_viewer)
    assert client.get(change).status_code == 200  # read-only view
    assert client.get("/fr/admin/support/service/add/").status_code == 403
    # Neither sees the support requests (personal data: the Support group only).
    for user in (staff_editor, staff_viewer):
        client.force_login(user)
        assert client.get("/fr/admin/support/supportrequest/").status_code == 403

"""The partners and cross-border areas named by the source documents."""

import json

import pytest

from tests.conftest import CONTENT_FILE, DATA_DIR
from towns.models import CrossBorderArea, Partner
from towns.services import DataFileError, content_load, towns_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns_loaded():
    towns_import(data_dir=DATA_DIR)


def test_loads_only_what_the_sources_name(towns_loaded):
    created = content_load(path=CONTENT_FILE)
    assert created == {"cross_border_areas": 6, "partners": 3}
    pilot_sites = {
        "eurodistrict-pamina": {"FR", "DE"},
        "eurometropole-lille-kortrijk-tournai": {"FR", "BE"},
        "nord-lorrain-luxembourg": {"FR", "LU"},
        "alpes-du-sud-riviera": {"FR", "IT", "MC"},
        "agglomeration-franco-valdo-genevoise": {"FR", "CH"},
        "espace-mont-blanc": {"FR", "CH", "IT"},  # from the MOT's Espace Mont-Blanc page (see its source)
    }
    for slug, countries in pilot_sites.items():
        assert set(CrossBorderArea.objects.get(slug=slug).countries.values_list("code", flat=True)) == countries
    partner = Partner.objects.get(slug="cc-bouzonvillois-trois-frontieres")
    assert partner.intercommunality.siren == "200067486"
    assert sorted(partner.towns.values_list("name", flat=True)) == ["Bouzonville", "Sierck-les-Bains"]
    assert partner.website == ""  # no source gives it
    # The two national bodies the PVD news name, with no towns and no website invented.
    national = Partner.objects.filter(slug__in=["anct", "banque-des-territoires"])
    assert set(national.values_list("country__code", "competence_level")) == {("FR", "national")}
    assert not national.filter(towns__isnull=False).exists()
    assert set(national.values_list("website", flat=True)) == {""}


def test_reload_keeps_staff_edits(towns_loaded):
    content_load(path=CONTENT_FILE)
    area = CrossBorderArea.objects.get(slug="eurodistrict-pamina")
    area.description_en = "Edited by staff."
    area.save()

    assert content_load(path=CONTENT_FILE) == {}
    assert CrossBorderArea.objects.get(slug="eurodistrict-pamina").description_en == "Edited by staff."
    assert CrossBorderArea.objects.count() == 6


def test_bad_entry_stops_the_load_and_writes_nothing(towns_loaded, tmp_path):
    content = json.loads(CONTENT_FILE.read_text(encoding="utf-8"))
    content["partners"][0]["towns"].append("99999")
    path = tmp_path / "towns.json"
    path.write_text(json.dumps(content), encoding="utf-8")

    with pytest.raises(DataFileError, match=r"partners #1: unknown town\(s\) \['99999'\]"):
        content_load(path=path)
    assert CrossBorderArea.objects.count() == 0
    assert Partner.objects.count() == 0

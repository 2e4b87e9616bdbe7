"""The admin for MOT staff: groups, read-only imported data, search, filters and translation tabs."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders

from mot_portal.groups import EDITORS, VIEWERS
from tests.factories import CrossBorderAreaFactory, PartnerFactory, bulk_towns
from towns.models import Partner, Town

pytestmark = pytest.mark.django_db


def test_staff_groups_are_created_by_migration():
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    viewers = set(Group.objects.get(name=VIEWERS).permissions.values_list("codename", flat=True))
    assert {"add_partner", "change_partner", "delete_partner", "change_crossborderarea", "view_town",
            "view_locality"} <= editors  # fmt: skip
    assert viewers == {p for p in editors if p.startswith("view_")}
    assert "view_partner" in viewers
    assert "change_partner" not in viewers


@pytest.mark.parametrize(
    "path",
    [
        "/en/admin/towns/town/?q=Commune+0003",
        "/en/admin/towns/town/?pvd=yes&distance=10-30",
        "/en/admin/towns/town/?distance=none",
        "/en/admin/towns/intercommunality/?q=200000000",
        "/en/admin/towns/department/",
        "/en/admin/towns/region/",
        "/en/admin/towns/country/",
        "/en/admin/towns/partner/",
        "/en/admin/towns/crossborderarea/",
        "/en/admin/towns/partner/add/",
        "/en/admin/towns/dataimport/",
        "/en/admin/towns/locality/?q=Chimay",
        "/en/admin/towns/crossborderarea/add/",
    ],
)
def test_admin_pages_render_for_editors(client, staff_editor, path):
    bulk_towns(20)
    PartnerFactory()
    CrossBorderAreaFactory()
    client.force_login(staff_editor)
    assert client.get(path).status_code == 200


def test_admin_search_by_insee_code_and_distance_band(client, staff_editor):
    towns = bulk_towns(40)  # distances 0..39 km
    client.force_login(staff_editor)
    found = client.get("/en/admin/towns/town/", {"q": towns[5].insee_code}).context["cl"].result_list
    assert [t.insee_code for t in found] == [towns[5].insee_code]
    band = client.get("/en/admin/towns/town/", {"distance": "10-30"}).context["cl"].queryset
    assert sorted(int(t.border_distance_km) for t in band) == list(range(10, 30))


def test_imported_towns_are_read_only_in_admin(client, staff_editor):
    town = bulk_towns(1)[0]
    client.force_login(staff_editor)
    response = client.get(f"/en/admin/towns/town/{town.pk}/change/")
    assert response.status_code == 200
    assert 'name="name"' not in response.content.decode()  # shown, not editable
    client.post(f"/en/admin/towns/town/{town.pk}/change/", {"name": "Changed"})
    assert Town.objects.get(pk=town.pk).name == town.name
    assert client.get("/en/admin/towns/town/add/").status_code == 403


def test_viewers_read_but_cannot_change(client, staff_viewer):
    partner = PartnerFactory()
    client.force_login(staff_viewer)
    assert client.get("/en/admin/towns/partner/").status_code == 200
    client.post(f"/en/admin/towns/partner/{partner.pk}/change/", {"name_fr": "Autre", "slug": partner.slug})
    assert Partner.objects.get(pk=partner.pk).name_fr == partner.name_fr


def test_partner_form_has_translation_tabs_with_shipped_jquery_ui(client, staff_editor):
    client.force_login(staff_editor)
    html = client.get("/en/admin/towns/partner/add/").content.decode()
    assert 'name="name_fr"' in html
    assert 'name="name_en"' in html
    assert 'name="description_fr"' in html
    assert 'name="description_en"' in html
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html
    assert "tabbed_translation_fields.js" in html
    assert finders.find("vendor/jquery-ui/jquery-ui.min.js")


def test_editor_creates_a_partner_in_admin(client, staff_editor):
    town = bulk_towns(1)[0]
    country = town.border_country
    client.force_login(staff_editor)
    response = client.post(
        "/en/admin/towns/partner/add/",
        {
            "slug": "new-partner",
            "name_fr": "Nouveau partenaire",
            "name_en": "",
            "country": country.pk,
            "competence_level": "regional",
            "kind": "local_authority",
            "description_fr": "",
            "description_en": "",
            "towns": [town.pk],
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors if response.context else response
    partner = Partner.objects.get(slug="new-partner")
    assert list(partner.towns.all()) == [town]


def test_admin_requires_french_name(client, staff_editor):
    country = bulk_towns(1)[0].border_country
    client.force_login(staff_editor)
    response = client.post(
        "/en/admin/towns/partner/add/",
        {"slug": "x", "name_fr": "", "name_en": "Only English", "country": country.pk,
         "competence_level": "regional", "kind": "other"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "name_fr" in response.context["adminform"].form.errors
    assert not Partner.objects.exists()


def test_editor_gets_a_field_error_for_a_bad_outline_in_admin(client, staff_editor):
    from towns.models import CrossBorderArea

    area = CrossBorderAreaFactory(towns=bulk_towns(2))
    client.force_login(staff_editor)
    open_ring = '{"type": "Polygon", "coordinates": [[[7.8, 49.0], [8.2, 49.0], [8.2, 49.2], [7.8, 49.2]]]}'
    data = {"slug": area.slug, "name_fr": area.name_fr, "name_en": "", "description_fr": "", "description_en": "",
            "towns": [t.pk for t in area.towns.all()], "latitude": "", "longitude": "", "source": "",
            "outline": open_ring}  # fmt: skip
    response = client.post(f"/en/admin/towns/crossborderarea/{area.pk}/change/", data)
    assert response.status_code == 200
    assert "must be closed" in str(response.context["adminform"].form.errors["outline"])
    area.refresh_from_db()
    assert area.outline is None

    data["outline"] = data["outline"].replace("[7.8, 49.2]]]", "[7.8, 49.2], [7.8, 49.0]]]")
    response = client.post(f"/en/admin/towns/crossborderarea/{area.pk}/change/", data)
    assert response.status_code == 302
    assert CrossBorderArea.objects.get(pk=area.pk).outline["type"] == "Polygon"

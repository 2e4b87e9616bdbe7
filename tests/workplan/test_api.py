"""The work-programme API contract."""

import pytest

from workplan.models import WorkItem

pytestmark = pytest.mark.django_db


def test_programme_list(client, programme):
    body = client.get("/api/v1/programmes/", {"year": 2025}).json()
    assert body["count"] == 1
    assert body["results"][0]["year"] == 2025
    assert body["results"][0]["as_of"] == "2025-01-29"
    assert client.get("/api/v1/programmes/", {"year": 2030}).json()["count"] == 0


def test_programme_tree_contract_in_constant_queries(client, programme, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/programmes/2025/", {"lang": "en"}).json()
    axes = body["axes"]
    assert [a["code"] for a in axes] == ["1", "2", "3"]
    axis3 = axes[2]
    assert set(axis3) >= {"code", "title", "sub_axes", "actions"}
    assert [a["code"] for a in axis3["actions"]] == ["3.0.1", "3.0.2"]
    assert axis3["actions"][0]["is_token"] is True
    sub = next(s for s in axes[0]["sub_axes"] if s["code"] == "1.3")
    assert set(sub) >= {"code", "title", "actions", "lines"}
    assert sub["actions"] == []
    assert len(sub["lines"]) == 5
    action = next(a for s in axes[2]["sub_axes"] for a in s["actions"] if a["code"] == "3.1.2")
    assert set(action) >= {"code", "title", "is_token", "lines"}
    line = action["lines"][0]
    assert set(line) >= {"id", "text", "deal_themes", "transversal_themes", "is_token"}
    assert line["deal_themes"] == [8]
    assert action["title"] == "Support for the France Services programme"
    lines = [ln for a in axes for s in a["sub_axes"] for n in [s, *s["actions"]] for ln in n["lines"]]
    assert len(lines) == 100
    cafes = next(ln for ln in lines if ln["text"].startswith('Une édition des "Cafés'))
    assert cafes["deal_themes"] == [3, 5]
    montagne = [ln for ln in lines if "montagne" in ln["transversal_themes"]]
    assert len(montagne) == 5


def test_tree_queries_do_not_grow_with_a_second_programme(client, programme, tmp_path, django_assert_max_num_queries):
    from tests.workplan.test_import import FILE
    from workplan.services import programme_import

    path = tmp_path / "p.txt"
    path.write_text(FILE.read_text(encoding="utf-8").replace("MOT 2025", "MOT 2026"), encoding="utf-8")
    programme_import(path=path, status="published")
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/programmes/2026/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/activity-lines/", {"page_size": 200}).json()["count"] == 200


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"programme": 2025}, 100),
        ({"code": "3.1"}, 7),
        ({"code": "3.1.1"}, 4),
        ({"code": "1"}, 31),
        ({"deal_theme": 3}, 3),
        ({"transversal_theme": "montagne"}, 5),
        ({"is_token": "true"}, 5),  # 2.1.2 and the four lines of token action 3.4.1
        ({"is_token": "false"}, 95),
        ({"deal_theme": 8}, 1),
        ({"search": "BRIDGEforEU"}, 2),
        ({"programme": 2024}, 0),
    ],
)
def test_activity_line_filters(client, programme, params, count):
    body = client.get("/api/v1/activity-lines/", params).json()
    assert body["count"] == count


def test_activity_line_gives_its_parent_code(client, programme):
    line = WorkItem.objects.get(code="3.1.2", kind="line")
    body = client.get(f"/api/v1/activity-lines/{line.pk}/").json()
    assert body["code"] == body["parent_code"] == "3.1.2"
    assert body["programme"] == 2025
    assert body["deal_themes"] == [8]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"code": "3.x"}, "code"),
        ({"deal_theme": "42"}, "deal_theme"),
        ({"transversal_theme": "littoral"}, "transversal_theme"),
        ({"is_token": "maybe"}, "is_token"),
        ({"programme": "1e9"}, "programme"),
        ({"search": "a\x00b"}, "search"),
    ],
)
def test_bad_filters_are_400(client, programme, params, field):
    response = client.get("/api/v1/activity-lines/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_themes(client, programme):
    deal = client.get("/api/v1/deal-themes/", {"lang": "en"}).json()["results"]
    assert [t["number"] for t in deal] == list(range(1, 10))
    assert deal[3]["name"] == "Mobility and cross-border public transport"
    assert deal[3]["name_fr"] == "Mobilité, transports public transfrontalier"
    transversal = client.get("/api/v1/transversal-themes/").json()["results"]
    assert {t["slug"] for t in transversal} == {
        "bassins-de-vie-transfrontaliers",
        "benchmark-des-groupements-transfrontaliers",
        "montagne",
    }


def test_writes_are_refused(client, programme, staff_editor):
    client.force_login(staff_editor)
    assert client.post("/api/v1/deal-themes/", {"number": 10}).status_code == 405
    assert client.delete("/api/v1/programmes/2025/").status_code == 405

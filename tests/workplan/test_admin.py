"""Admin of the work programme: the tree with inlines, filters, translation tabs, publishing."""

import re

import pytest
from django.utils.html import escape

from workplan.models import Programme, WorkItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/en/admin/workplan/programme/",
        "/en/admin/workplan/workitem/?kind__exact=line&is_token__exact=1",
        "/en/admin/workplan/workitem/?deal_themes__id__exact=1",
        "/en/admin/workplan/workitem/?year=2025&q=3.1.1",
        "/en/admin/workplan/dealtheme/",
        "/en/admin/workplan/transversaltheme/",
    ],
)
def test_admin_lists(client, staff_editor, programme, path):
    client.force_login(staff_editor)
    assert client.get(path).status_code == 200


def test_programme_and_node_pages_edit_the_tree(client, staff_reviewer, programme):
    client.force_login(staff_reviewer)
    html = client.get(f"/en/admin/workplan/programme/{programme.pk}/change/").content.decode()
    # The programme's axes, and only they, are the rows of its inline, in order.
    axes = list(programme.items.filter(kind="axis").order_by("position"))
    assert len(axes) == 3
    assert 'name="items-TOTAL_FORMS" value="3"' in html
    for n, axis in enumerate(axes):
        assert re.search(
            rf'<textarea name="items-{n}-text_fr"[^>]*>\s*{re.escape(escape(axis.text_fr))}</textarea>', html
        )
    assert 'href="/en/work-programme/2025/"' in html
    node = WorkItem.objects.get(code="3.1.1", kind="action")
    html = client.get(f"/en/admin/workplan/workitem/{node.pk}/change/").content.decode()
    assert 'name="text_fr"' in html
    assert 'name="text_en"' in html
    assert "Appuis individualis" in html  # its lines are inline
    assert 'href="/en/work-programme/2025/3.1.1/"' in html


def test_publish_action(client, staff_reviewer, programme):
    Programme.objects.update(status=Programme.Status.DRAFT)
    client.force_login(staff_reviewer)
    client.post("/en/admin/workplan/programme/", {"action": "publish", "_selected_action": [programme.pk]})
    assert Programme.objects.get().status == Programme.Status.PUBLISHED


def inline_data(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_staff_add_a_line_under_an_action_through_the_inline(client, staff_reviewer, programme):
    node = WorkItem.objects.get(code="3.2.1", kind="action")  # an action with no line yet
    client.force_login(staff_reviewer)
    page = client.get(f"/en/admin/workplan/workitem/{node.pk}/change/")
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data = {
        "programme": programme.pk,
        "kind": node.kind,
        "code": node.code,
        "parent": node.parent_id,
        "text_fr": node.text_fr,
        "text_en": node.text_en,
        "position": node.position,
        **inline_data(prefix, [{"position": "999", "kind": "line", "code": "", "text_fr": "Nouvelle ligne"}]),
    }
    response = client.post(f"/en/admin/workplan/workitem/{node.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    line = WorkItem.objects.get(text_fr="Nouvelle ligne")
    assert (line.programme_id, line.parent_id, line.code, line.kind) == (programme.pk, node.pk, "3.2.1", "line")
    assert client.get("/en/work-programme/2025/3.2.1/").context["node"].lines == [line]


def test_admin_refuses_an_inconsistent_item(client, staff_editor, programme):
    node = WorkItem.objects.get(code="3.2.1", kind="action")
    client.force_login(staff_editor)
    response = client.post(
        "/en/admin/workplan/workitem/add/",
        {"programme": programme.pk, "kind": "sub_axis", "code": "3.2.1.1", "parent": node.pk, "text_fr": "X",
         "position": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not WorkItem.objects.filter(text_fr="X").exists()


def test_reordering_in_admin_never_breaks_the_pages(client, programme):
    # A child moved before its parent by a position edit: pages and API still show the whole tree.
    WorkItem.objects.filter(code="3.1.1", kind="action").update(position=0)
    assert client.get("/en/work-programme/2025/").status_code == 200
    assert client.get("/en/work-programme/2025/3.1/").status_code == 200
    body = client.get("/api/v1/programmes/2025/").json()
    sub_axis = next(s for s in body["axes"][2]["sub_axes"] if s["code"] == "3.1")
    assert sub_axis["actions"][0]["code"] == "3.1.1"


@pytest.mark.parametrize("year", ["abc", "%00", "99999"])
def test_admin_year_filter_ignores_bad_values(client, staff_editor, programme, year):
    client.force_login(staff_editor)
    response = client.get(f"/en/admin/workplan/workitem/?year={year}", follow=True)
    assert response.status_code == 200
    # NUL is refused before any filter, as Django's admin refuses a bad lookup: back to the unfiltered list.
    assert [url for url, _status in response.redirect_chain] == (
        ["/en/admin/workplan/workitem/?e=1"] if year == "%00" else []
    )

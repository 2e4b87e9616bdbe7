"""Admin of the work programme: the tree with inlines, filters, translation tabs, publishing."""

import pytest

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


def test_programme_and_node_pages_edit_the_tree(client, staff_editor, programme):
    client.force_login(staff_editor)
    html = client.get(f"/en/admin/workplan/programme/{programme.pk}/change/").content.decode()
    assert html.count('name="items-') > 0 or "axes (edit the position to reorder)" in html
    assert 'href="/en/work-programme/2025/"' in html
    node = WorkItem.objects.get(code="3.1.1", kind="action")
    html = client.get(f"/en/admin/workplan/workitem/{node.pk}/change/").content.decode()
    assert 'name="text_fr"' in html
    assert 'name="text_en"' in html
    assert "Appuis individualis" in html  # its lines are inline
    assert 'href="/en/work-programme/2025/3.1.1/"' in html


def test_publish_action(client, staff_editor, programme):
    Programme.objects.update(status=Programme.Status.DRAFT)
    client.force_login(staff_editor)
    client.post("/en/admin/workplan/programme/", {"action": "publish", "_selected_action": [programme.pk]})
    assert Programme.objects.get().status == Programme.Status.PUBLISHED

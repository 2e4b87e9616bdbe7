"""FastSelect renders exactly what Django's select templates render."""

import pytest
from django import forms

from mot_portal.widgets import FastSelect, fast_selects
from tests.factories import CountryFactory
from towns.filters import TownPageFilter
from towns.models import Town

pytestmark = pytest.mark.django_db


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "All"), ("a", "A & <b>"), ("b", 'Quote "b"')], required=False)
    grouped = forms.ChoiceField(choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")])


@pytest.mark.parametrize("data", [{}, {"plain": "a", "grouped": "y"}, {"plain": "<script>", "grouped": "?"}])
def test_the_html_is_the_one_of_the_templates(data):
    expected = Sample(data)
    fast = fast_selects(Sample(data))
    assert isinstance(fast.fields["plain"].widget, FastSelect)
    for name in ("plain", "grouped"):
        assert str(fast[name]) == str(expected[name])


def test_the_towns_filters_render_as_before():
    CountryFactory(code="BE", iso3="BEL", name_fr="Belgique", name_en="Belgium")
    data = {"border_country": "BE", "sort": "distance", "department": "99"}
    fast = TownPageFilter(data, queryset=Town.objects.all())
    assert isinstance(fast.form.fields["border_country"].widget, FastSelect)
    fast.form.is_valid()
    plain = TownPageFilter(data, queryset=Town.objects.all())
    for field in plain.form.fields.values():
        field.widget.__class__ = forms.Select if isinstance(field.widget, FastSelect) else field.widget.__class__
    plain.form.is_valid()
    for name in fast.form.fields:
        assert str(fast.form[name]) == str(plain.form[name]), name
    assert 'value="BE" selected' in str(fast.form["border_country"])


def test_the_options_are_read_once_per_content_version(settings, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import DepartmentFactory

    settings.PART_CACHE_SECONDS = 600
    with django_capture_on_commit_callbacks(execute=True):
        DepartmentFactory(code="57", name="Moselle")
    str(TownPageFilter({}, queryset=Town.objects.all()).form["department"])
    form = TownPageFilter({"department": "57"}, queryset=Town.objects.all()).form
    assert form.is_valid()  # validation reads the department (one query), as the page does
    with CaptureQueriesContext(connection) as queries:
        html = str(form["department"])
    assert [q["sql"] for q in queries.captured_queries] == []
    assert '<option value="57" selected>Moselle (57)</option>' in html
    with django_capture_on_commit_callbacks(execute=True):
        DepartmentFactory(code="54", name="Meurthe-et-Moselle")
    html = str(TownPageFilter({}, queryset=Town.objects.all()).form["department"])
    assert ">Meurthe-et-Moselle (54)</option>" in html

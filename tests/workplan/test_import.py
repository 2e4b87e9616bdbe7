"""The work-programme importer, against the real 2025 file."""

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from workplan.models import DealTheme, Programme, TransversalTheme, WorkItem
from workplan.services import ProgrammeFileError, programme_import

pytestmark = pytest.mark.django_db

FILE = Path(__file__).resolve().parents[2] / "fixtures" / "workplan" / "programme_2025.txt"


def counts_from_file(path: Path = FILE) -> dict[str, int]:
    """Count the tree straight from the file, without the importer: first row of a code = node."""
    codes = [row.split("\t", 1)[0] for row in path.read_text(encoding="utf-8").splitlines()]
    codes = [c for c in codes if re.fullmatch(r"\d+(\.\d+)*", c)]
    distinct = set(codes)
    return {
        "axes": sum(1 for c in distinct if c.count(".") == 0),
        "sub_axes": sum(1 for c in distinct if c.count(".") == 1),
        "actions": sum(1 for c in distinct if c.count(".") == 2),
        "lines": len(codes) - len(distinct),
    }


def test_every_row_ends_up_in_the_tree():
    result = programme_import(path=FILE)
    expected = counts_from_file()
    assert expected == {"axes": 3, "sub_axes": 10, "actions": 25, "lines": 100}
    items = WorkItem.objects.filter(programme=result.programme)
    assert items.filter(kind="axis").count() == expected["axes"]
    assert items.filter(kind="sub_axis").count() == expected["sub_axes"]
    assert items.filter(kind="action").count() == expected["actions"]
    assert items.filter(kind="line").count() == expected["lines"]
    assert {k: v for k, v in result.counts.items() if k in expected} == expected


def test_programme_header_and_shape():
    programme = programme_import(path=FILE, status=Programme.Status.PUBLISHED).programme
    assert (programme.year, programme.as_of.isoformat(), programme.status) == (2025, "2025-01-29", "published")
    assert programme.title_fr == "Programme de travail de la MOT 2025"
    # Actions directly under an axis, lines directly under a sub-axis, nodes with no line.
    action = WorkItem.objects.get(programme=programme, code="3.0.1")
    assert (action.kind, action.parent.code, action.parent.kind) == ("action", "3", "axis")
    sub_axis = WorkItem.objects.get(programme=programme, code="1.3", kind="sub_axis")
    assert sub_axis.children.filter(kind="line").count() == 5
    assert not WorkItem.objects.get(programme=programme, code="3.2.1").children.exists()
    # Source order, and a node split by a page header keeps all its lines.
    assert WorkItem.objects.get(programme=programme, code="2.2.1", kind="action").children.count() == 7
    positions = list(WorkItem.objects.filter(programme=programme).values_list("position", flat=True))
    assert positions == sorted(positions)
    assert (
        WorkItem.objects.get(code="1").text_fr
        == "DONNER UN CADRE ET UNE STRATEGIE D'ENSEMBLE A L'ACTION TRANSFRONTALIERE"
    )


def test_themes_from_the_new_rows_and_their_references():
    programme_import(path=FILE)
    assert list(DealTheme.objects.values_list("number", flat=True)) == list(range(1, 10))
    assert DealTheme.objects.get(number=7).name_fr == "Santé transfrontalière"
    assert DealTheme.objects.get(number=7).name_en == "Cross-border health"
    assert set(TransversalTheme.objects.values_list("slug", flat=True)) == {
        "benchmark-des-groupements-transfrontaliers",
        "bassins-de-vie-transfrontaliers",
        "montagne",
    }
    cafes = WorkItem.objects.get(text_fr__startswith='Une édition des "Cafés transfrontaliers"')
    assert sorted(cafes.deal_themes.values_list("number", flat=True)) == [3, 5]  # one line, two Deal themes
    no_dot = WorkItem.objects.get(code="3.1.2", kind="line")  # "(cf Cross-border deal thème 8)"
    assert list(no_dot.deal_themes.values_list("number", flat=True)) == [8]
    assert WorkItem.objects.filter(transversal_themes__slug="montagne").count() == 5
    assert WorkItem.objects.filter(deal_themes__isnull=False).distinct().count() == 11  # 11 lines…
    assert WorkItem.deal_themes.through.objects.count() == 12  # …with 12 references
    assert DealTheme.objects.get(number=2).items.count() == 0  # defined, never referred to


def test_tokens():
    programme_import(path=FILE)
    tokens = set(WorkItem.objects.filter(is_token=True).values_list("kind", "code"))
    assert tokens == {("line", "2.1.2"), ("action", "3.0.1"), ("action", "3.0.2"), ("action", "3.4.1")}


def test_reimport_changes_nothing_and_keeps_english(django_assert_max_num_queries):
    programme_import(path=FILE)
    line = WorkItem.objects.get(code="3.1.1", text_fr__startswith="Appuis individualisés")
    line.text_en = "Individual support"
    line.save()
    node = WorkItem.objects.get(code="3.1.1", kind="action")
    node.text_en = "Edited by staff"
    node.save()
    before = list(WorkItem.objects.order_by("pk").values_list("pk", "code", "text_fr", "parent_id", "position"))

    result = programme_import(path=FILE)

    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    assert list(WorkItem.objects.order_by("pk").values_list("pk", "code", "text_fr", "parent_id", "position")) == before
    assert WorkItem.objects.get(pk=line.pk).text_en == "Individual support"
    assert WorkItem.objects.get(pk=node.pk).text_en == "Edited by staff"
    assert DealTheme.objects.count() == 9


def test_a_second_year_sits_beside_the_first(tmp_path):
    programme_import(path=FILE)
    first = list(WorkItem.objects.order_by("pk").values_list("pk", "text_fr"))
    text = FILE.read_text(encoding="utf-8").replace("MOT 2025 (au 29/01/2025)", "MOT 2026 (au 15/01/2026)")
    text = text.replace("Revue de presse", "Revue de presse hebdomadaire")
    path = tmp_path / "programme_2026.txt"
    path.write_text(text, encoding="utf-8")

    result = programme_import(path=path, status=Programme.Status.DRAFT)

    assert result.programme.year == 2026
    assert result.programme.status == "draft"
    assert Programme.objects.count() == 2
    assert list(WorkItem.objects.filter(programme__year=2025).order_by("pk").values_list("pk", "text_fr")) == first
    assert WorkItem.objects.filter(programme__year=2026).count() == 138
    assert WorkItem.objects.filter(programme__year=2026, text_fr="Revue de presse hebdomadaire").exists()
    assert DealTheme.objects.count() == 9


def test_a_changed_file_updates_in_place(tmp_path):
    programme_import(path=FILE)
    rows = FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [r for r in rows if not r.startswith("2.3.1\tRevue de presse")]
    path = tmp_path / "programme_2025.txt"
    path.write_text("".join(kept), encoding="utf-8")
    result = programme_import(path=path)
    assert (result.created, result.deleted) == (0, 1)
    assert WorkItem.objects.lines().count() == 99


def write(tmp_path: Path, transform) -> Path:
    rows = FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "programme.txt"
    path.write_text("".join(transform(rows)), encoding="utf-8")
    return path


def replace_row(start: str, new: str):
    def transform(rows):
        return [new if row.startswith(start) else row for row in rows]

    return transform


def line_of(start: str) -> int:
    rows = FILE.read_text(encoding="utf-8").splitlines()
    return next(i for i, row in enumerate(rows, start=1) if row.startswith(start))


MALFORMED = {
    "bad code": (replace_row("1.2.2\tOutre-Mer", "1.2.x\tOutre-Mer\n"), "1.2.2\tOutre-Mer", "bad code '1.2.x'"),
    "too deep": (replace_row("1.2.2\tOutre-Mer", "1.2.2.1\tOutre-Mer\n"), "1.2.2\tOutre-Mer", "at most three"),
    "orphan code": (replace_row("1.2.2\tOutre-Mer", "4.1.1\tOutre-Mer\n"), "1.2.2\tOutre-Mer", "orphan code 4.1.1"),
    "unknown theme number": (
        replace_row("2.1.1\tSolidarités", "2.1.1\tSolidarités (cf. Cross-border deal thème 12)\n"),
        "2.1.1\tSolidarités",
        "unknown Cross-border Deal theme 12",
    ),
    "unknown transversal theme": (
        replace_row("2.1.3\tCongrès des Maires", "2.1.3\tCongrès (cf. thème transversal littoral)\n"),
        "2.1.3\tCongrès des Maires",
        "unknown transversal theme 'littoral'",
    ),
    "unreadable theme reference": (
        replace_row("2.1.1\tSolidarités", "2.1.1\tSolidarités (cf. Cross-border deal thèmes 4 et 5)\n"),
        "2.1.1\tSolidarités",
        "unreadable theme reference",
    ),
    "code back out of place": (
        lambda rows: [*rows, "\n1.1.1\tUne ligne égarée\n"],
        None,
        "code 1.1.1 comes back after 3.4.2",
    ),
    "bad code with empty text": (replace_row("1.2.2\tOutre-Mer", "1.2.x\t\n"), "1.2.2\tOutre-Mer", "bad code '1.2.x'"),
    "control character in a cell": (
        replace_row("2.3.1\tRevue de presse", "2.3.1\tRevue\x0bde presse\n"),
        "2.3.1\tRevue de presse",
        "control character",
    ),
    "Deal theme listed twice": (
        lambda rows: [r.replace("<p>Thème 9 -", "<p>Thème 8 - Doublon</p> <p>Thème 9 -") for r in rows],
        None,
        "Deal theme 8 is listed twice",
    ),
    "header of another year": (
        lambda rows: [*rows[:60], "Axe\tPROGRAMME DE TRAVAIL DE LA MOT 2024\n", *rows[60:]],
        None,
        "page header for 2024 in a 2025 programme",
    ),
}


@pytest.mark.parametrize("case", MALFORMED.keys())
def test_malformed_file_stops_with_line_and_reason_and_writes_nothing(case, tmp_path):
    programme_import(path=FILE)
    before = list(WorkItem.objects.order_by("pk").values_list("pk", "code", "text_fr", "is_token"))
    transform, row_start, reason = MALFORMED[case]

    with pytest.raises(ProgrammeFileError) as error:
        programme_import(path=write(tmp_path, transform))

    assert reason in error.value.reason
    if row_start:
        assert error.value.line == line_of(row_start)
    assert list(WorkItem.objects.order_by("pk").values_list("pk", "code", "text_fr", "is_token")) == before


@pytest.mark.parametrize(
    ("content", "reason", "line"),
    [
        (b"", "the file is empty", 1),
        (b"\n\n  \n", "the file is empty", 1),
        ("1\tAXE 1 - Accentué\n".encode("latin-1"), "not valid UTF-8", 1),
        (b"Axe\tPROGRAMME DE TRAVAIL DE LA MOT 2027\n1\tAXE 1\n1.1\tX\n\xe9t\xe9\n", "not valid UTF-8", 4),
        (b"1\tAXE 1 - Sans en-tete\n", "a code before the programme header", 1),
    ],
)
def test_unreadable_files(tmp_path, content, reason, line):
    path = tmp_path / "programme.txt"
    path.write_bytes(content)
    with pytest.raises(ProgrammeFileError) as error:
        programme_import(path=path)
    assert reason in error.value.reason
    assert error.value.line == line
    assert not Programme.objects.exists()
    assert not DealTheme.objects.exists()


def test_command(capsys, tmp_path):
    call_command("import_workplan")
    assert Programme.objects.get().status == "draft"  # reviewed before it is published
    assert "Programme 2025: 3 axes, 10 sub axes, 25 actions, 100 lines" in capsys.readouterr().out
    bad = tmp_path / "bad.txt"
    bad.write_text("Axe\tPROGRAMME DE TRAVAIL DE LA MOT 2030\n9.9\tOrphelin\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"nothing was changed: bad.txt:2: orphan code 9.9"):
        call_command("import_workplan", str(bad))


def test_header_only_file_is_refused(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("Axe\tPROGRAMME DE TRAVAIL DE LA MOT 2031\n", encoding="utf-8")
    with pytest.raises(ProgrammeFileError, match="the programme would be empty"):
        programme_import(path=path)
    assert not Programme.objects.exists()


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "p.txt"
    path.write_bytes(b"\xef\xbb\xbf" + FILE.read_bytes().lstrip(b"\n"))
    assert programme_import(path=path).counts["lines"] == 100


def test_invalid_value_found_while_writing_rolls_back_with_the_line(tmp_path):
    programme_import(path=FILE)
    before = list(WorkItem.objects.order_by("pk").values_list("pk", "text_fr"))
    # Parses fine, but the new sub-axis code is longer than the column allows: found by full_clean().
    long_code = "1." + "9" * 30
    path = write(tmp_path, lambda rows: [*rows[:4], f"{long_code}\tSous-axe trop long\n", *rows[4:]])
    with pytest.raises(ProgrammeFileError) as error:
        programme_import(path=path)
    assert error.value.line == 5
    assert "invalid value" in error.value.reason
    assert list(WorkItem.objects.order_by("pk").values_list("pk", "text_fr")) == before


def test_a_corrected_line_keeps_its_key_and_translation(tmp_path):
    programme_import(path=FILE)
    line = WorkItem.objects.get(code="2.3.1", text_fr="Revue de presse")
    line.text_en = "Press review"
    line.save()
    path = write(tmp_path, replace_row("2.3.1\tRevue de presse", "2.3.1\tRevue de presse quotidienne\n"))
    result = programme_import(path=path)
    line.refresh_from_db()
    assert (result.created, result.deleted) == (0, 0)
    assert (line.text_fr, line.text_en) == ("Revue de presse quotidienne", "Press review")


def test_another_year_never_renames_the_shared_themes(tmp_path):
    programme_import(path=FILE)
    text = FILE.read_text(encoding="utf-8").replace("MOT 2025", "MOT 2026")
    text = text.replace("Thème 3 - Gestion de l'urbanisation, aménagement, sobriété foncière", "Thème 3 - Urbanisme")
    path = tmp_path / "p2026.txt"
    path.write_text(text, encoding="utf-8")
    programme_import(path=path)
    assert DealTheme.objects.get(number=3).name_fr == "Gestion de l'urbanisation, aménagement, sobriété foncière"


def test_importing_the_programme_again_refreshes_its_pdfs_once_per_language(tmp_path, tasks):
    """However many rows the import writes, one refresh for the programme; each language rendered once."""
    from tests.documents import pdf_text, store

    programme = programme_import(path=FILE, status=Programme.Status.PUBLISHED).programme
    store(("programme", programme.pk))
    rows = FILE.read_text(encoding="utf-8").split("\n")
    at = next(n for n, row in enumerate(rows) if row.startswith("1.1.1\t")) + 1
    rows.insert(at, "1.1.1\tLigne ajoutée au programme")
    changed = tmp_path / "programme_2025.txt"
    changed.write_text("\n".join(rows), encoding="utf-8")
    with tasks() as log:
        result = programme_import(path=changed)
    assert result.updated > 100  # every item after the new line moves down
    assert log.names() == {"refresh": 1, "render_document": 2}
    assert log.refreshed() == {("programme", programme.pk)}
    assert (log.html, log.pdfs) == (2, 2)
    assert "Ligne ajoutée au programme" in pdf_text("programme", programme.pk, "fr")
    with tasks() as log:
        programme_import(path=changed)  # unchanged: nothing written, nothing queued
    assert log.queued == []

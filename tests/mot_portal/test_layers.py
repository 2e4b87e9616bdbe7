"""The layout of the design card: ``mot_portal`` is the base layer every app may use, and imports no domain app
(except ``urls.py``, which puts them together); each app declares its own document kinds."""

import ast
from pathlib import Path

from django.conf import settings

DOMAIN_APPS = {"towns", "projects", "workplan", "missions"}
BASE = settings.BASE_DIR / "mot_portal"
COMPOSITION_ROOT = {BASE / "urls.py"}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_base_layer_imports_no_domain_app():
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): sorted(_imported_packages(path) & DOMAIN_APPS)
        for path in BASE.rglob("*.py")
        if path not in COMPOSITION_ROOT and _imported_packages(path) & DOMAIN_APPS
    }
    assert offenders == {}


def test_the_urls_are_what_names_the_apps():
    assert _imported_packages(BASE / "urls.py") >= DOMAIN_APPS


def test_each_app_declares_its_document_kinds_in_its_own_module():
    from mot_portal.documents import registry

    for kind in registry.kinds():
        app = kind.model._meta.app_label
        module = settings.BASE_DIR / app / "documents.py"
        assert f'name="{kind.name}"' in module.read_text(encoding="utf-8"), (kind.name, app)
        assert kind.template.startswith(f"{app}/pdf/")

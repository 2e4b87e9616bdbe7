"""The staff groups: editors change content, viewers only read, support triages support requests. Used by data
migrations."""

EDITORS = "Editors"
# Editors who also publish, unpublish and send back (editorial.publish_content; see editorial.workflow).
REVIEWERS = "Reviewers"
VIEWERS = "Viewers"
# Staff who triage the support requests (personal data): only they see them (support migration 0004).
SUPPORT = "Support"


def grant_app_permissions(apps, schema_editor, app_label: str, models: tuple[str, ...] | None = None) -> None:
    """Give editors add/change/delete/view and viewers view on every model of ``app_label`` (or only ``models``,
    lower-case model names).

    Safe inside a migration: permissions are created first, since Django only creates them
    after the whole migrate run (post_migrate).
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    # create_permissions skips an app config whose models_module is unset, as the migration stubs are.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    staff_groups_grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), app_label, models)


def staff_groups_grant(Group, Permission, app_label: str, models: tuple[str, ...] | None = None) -> None:
    """The grants themselves, on existing permissions (migrations, and tests whose database was flushed)."""
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    permissions = Permission.objects.filter(content_type__app_label=app_label)
    if models is not None:
        permissions = permissions.filter(content_type__model__in=models)
    editors.permissions.add(*permissions)
    reviewers.permissions.add(*permissions)
    viewers.permissions.add(*permissions.filter(codename__startswith="view_"))


def editorial_groups_grant(Group, Permission) -> None:
    """The editorial app: every staff group reads the publication log; reviewers publish (editorial migration 0002
    and ``tests.conftest``)."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in (EDITORS, REVIEWERS, VIEWERS)}
    views = Permission.objects.filter(content_type__app_label="editorial", codename__startswith="view_")
    for group in groups.values():
        group.permissions.add(*views)
    groups[REVIEWERS].permissions.add(
        *Permission.objects.filter(content_type__app_label="editorial", codename="publish_content")
    )


def support_group_grant(Group, Permission) -> None:
    """The "Support" group triages support requests (personal data): every permission on them, and a view of the
    services they name. Editors and viewers get none: a request is seen only by staff given this group."""
    group, _ = Group.objects.get_or_create(name=SUPPORT)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="support", content_type__model="supportrequest"),
        *Permission.objects.filter(content_type__app_label="support", codename="view_service"),
    )


# What the data migrations grant, app by app (``tests.conftest`` grants it again after a flush).
STAFF_GRANTS = (
    ("mot_portal", None),
    ("towns", None),
    ("projects", None),
    ("workplan", None),
    ("missions", None),
    ("support", ("service", "retiredmission")),
    # The sources records cite (editorial migration 0003); the publication log stays read-only.
    ("editorial", ("source",)),
)

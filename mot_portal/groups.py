"""The two staff groups: editors change content, viewers only read. Used by data migrations."""

EDITORS = "Editors"
VIEWERS = "Viewers"
# Staff who triage the support requests (personal data): only they see them (support migration 0004).
SUPPORT = "Support"


def grant_app_permissions(apps, schema_editor, app_label: str) -> None:
    """Give editors add/change/delete/view and viewers view on every model of ``app_label``.

    Safe inside a migration: permissions are created first, since Django only creates them
    after the whole migrate run (post_migrate).
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    # create_permissions skips an app config whose models_module is unset, as the migration stubs are.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    permissions = Permission.objects.filter(content_type__app_label=app_label)
    editors.permissions.add(*permissions)
    viewers.permissions.add(*permissions.filter(codename__startswith="view_"))

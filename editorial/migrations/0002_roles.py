from django.db import migrations

from mot_portal.groups import EDITORS, REVIEWERS, editorial_groups_grant, grant_app_permissions


def roles(apps, schema_editor):
    """Reviewers: everything editors may do on content (as the earlier migrations granted it), and publish
    (editorial.publish_content)."""
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    reviewers.permissions.add(*editors.permissions.all())
    grant_app_permissions(apps, schema_editor, "editorial", ())
    editorial_groups_grant(Group, apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("mot_portal", "0003_move_storeddocument"),
        ("towns", "0007_area_sources"),
        ("projects", "0005_photo_upload_checks"),
        ("workplan", "0003_alter_programme_status"),
        ("missions", "0003_progress_and_publication_status"),
        ("support", "0005_staff_groups"),
    ]

    operations = [migrations.RunPython(roles, migrations.RunPython.noop)]

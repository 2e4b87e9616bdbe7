from django.db import migrations

from mot_portal.groups import grant_app_permissions


def grant(apps, schema_editor):
    grant_app_permissions(apps, schema_editor, "missions")


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0001_initial"),
        ("projects", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

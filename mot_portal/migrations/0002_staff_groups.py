from django.db import migrations

from mot_portal.groups import grant_app_permissions


def grant(apps, schema_editor):
    grant_app_permissions(apps, schema_editor, "mot_portal")


class Migration(migrations.Migration):
    dependencies = [
        ("mot_portal", "0001_initial"),
        ("missions", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

from django.db import migrations

from mot_portal.groups import grant_app_permissions


def grant(apps, schema_editor):
    """Editors change the offer (services and their retired mission addresses), viewers read it. Support requests
    stay with the "Support" group (0004)."""
    grant_app_permissions(apps, schema_editor, "support", models=("service", "retiredmission"))


class Migration(migrations.Migration):
    dependencies = [("support", "0004_form_support_request_delivery"), ("mot_portal", "0002_staff_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

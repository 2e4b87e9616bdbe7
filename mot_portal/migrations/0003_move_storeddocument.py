"""The stored documents move to the documents app (``mot_portal/documents/``): the table is renamed, the rows,
their files and the download URLs stay as they are (see documents 0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mot_portal", "0002_staff_groups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable("StoredDocument", "documents_storeddocument")],
            state_operations=[migrations.DeleteModel("StoredDocument")],
        ),
    ]

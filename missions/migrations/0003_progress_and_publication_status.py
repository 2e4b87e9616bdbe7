"""``status`` always means publication: the mission's stage of work becomes ``progress`` (and its date
``progress_as_of``), its publication status becomes ``status``; a roadmap action's stage becomes ``progress``.
The API keeps its field names (the serializers map them)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0002_staff_groups"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="mission", name="mission_published_has_date"),
        migrations.RenameField(model_name="mission", old_name="status", new_name="progress"),
        migrations.RenameField(model_name="mission", old_name="status_as_of", new_name="progress_as_of"),
        migrations.RenameField(model_name="mission", old_name="publication_status", new_name="status"),
        migrations.AddConstraint(
            model_name="mission",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "published"), _negated=True) | models.Q(("published_at__isnull", False)),
                name="mission_published_has_date",
            ),
        ),
        migrations.RenameField(model_name="roadmapaction", old_name="status", new_name="progress"),
    ]

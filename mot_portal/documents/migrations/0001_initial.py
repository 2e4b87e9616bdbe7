"""The stored documents, moved here from ``mot_portal`` (whose 0003 renamed the table): this migration only
records the model in this app's state, and moves its content type (and so the staff groups' permissions)."""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="documents", model="storeddocument").exists():
        ContentType.objects.using(db).filter(app_label="mot_portal", model="storeddocument").update(
            app_label="documents"
        )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="mot_portal", model="storeddocument").exists():
        ContentType.objects.using(db).filter(app_label="documents", model="storeddocument").update(
            app_label="mot_portal"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("mot_portal", "0003_move_storeddocument"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='StoredDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('booklet', 'Booklet'), ('factsheet', 'Factsheet'), ('roadmap', 'Roadmap'), ('programme', 'Work programme')], help_text='Kind of document.', max_length=10, verbose_name='kind')),
                        ('object_id', models.PositiveIntegerField(help_text='The booklet, factsheet, mission (roadmap) or programme it renders.', verbose_name='object id')),
                        ('language', models.CharField(help_text='Language of the document (fr or en).', max_length=2, verbose_name='language')),
                        ('title', models.CharField(blank=True, help_text='Title, for the file name.', max_length=300, verbose_name='title')),
                        ('content_hash', models.CharField(blank=True, help_text='SHA-256 of the HTML, layout version and WeasyPrint version the document must show.', max_length=64, verbose_name='content hash')),
                        ('rendered_hash', models.CharField(blank=True, help_text='Content hash of the file currently stored.', max_length=64, verbose_name='rendered hash')),
                        ('file', models.FileField(blank=True, help_text='The last complete PDF.', upload_to='documents/', verbose_name='file')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('rendering', 'Rendering'), ('ready', 'Ready'), ('failed', 'Failed')], default='queued', help_text='Where rendering stands.', max_length=10, verbose_name='status')),
                        ('error', models.TextField(blank=True, help_text='Why the last rendering failed.', verbose_name='error')),
                        ('attempts', models.PositiveIntegerField(default=0, help_text='Renderings started.', verbose_name='attempts')),
                        ('render_count', models.PositiveIntegerField(default=0, help_text='Renderings completed.', verbose_name='renders')),
                        ('requested_at', models.DateTimeField(blank=True, help_text='Last queued.', null=True, verbose_name='requested at')),
                        ('started_at', models.DateTimeField(blank=True, help_text='Last rendering started.', null=True, verbose_name='started at')),
                        ('finished_at', models.DateTimeField(blank=True, help_text='Last rendering ended.', null=True, verbose_name='finished at')),
                        ('render_seconds', models.FloatField(blank=True, help_text='Seconds the last rendering took.', null=True, verbose_name='render time (s)')),
                        ('page_count', models.PositiveIntegerField(blank=True, help_text='Pages of the file.', null=True, verbose_name='pages')),
                        ('size_bytes', models.PositiveIntegerField(blank=True, help_text='File size.', null=True, verbose_name='size (bytes)')),
                    ],
                    options={
                        'verbose_name': 'stored document',
                        'verbose_name_plural': 'stored documents',
                        'ordering': ['kind', 'object_id', 'language'],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'object_id', 'language'), name='stored_document_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]

"""The six items of the MOT's October 2020 offer (source ``001_…``) were loaded as missions "planned in 2020"; they
are services of the offer now (``support.Service``, loaded by ``manage.py load_offer``), and their old mission
pages redirect to the services' pages (``RetiredMission``, from the same fixture). Their mission records go."""

from django.db import migrations

OFFER_MISSIONS = (
    "pvd-webinaires-villes-frontalieres",
    "pvd-publication-bonnes-pratiques",
    "pvd-formations",
    "pvd-diagnostics-opportunites-transfrontalieres",
    "pvd-ligne-telephonique-dediee",
    "pvd-appui-construction-projet",
)


def retire(apps, schema_editor):
    Mission = apps.get_model("missions", "Mission")
    Mission.objects.filter(slug__in=OFFER_MISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial"), ("missions", "0003_progress_and_publication_status")]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]

"""Seed the six posts (六员), their service items and the scoring rules."""

from django.db import migrations


def forwards(apps, schema_editor):
    from gridgov.party.seed import seed

    seed(apps.get_model("party", "RolePost"), apps.get_model("party", "ServiceItem"),
         apps.get_model("party", "ScoringRule"))


class Migration(migrations.Migration):
    dependencies = [("party", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

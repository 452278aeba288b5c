"""The default catalogue (33 items of 11 departments); items stay editable afterwards."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from gridgov.services import catalogue_data

    catalogue_data.seed(apps.get_model("services", "ServiceItem"), apps.get_model("services", "ServiceItemVersion"),
                        apps.get_model("accounts", "Department"), timezone.now())


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

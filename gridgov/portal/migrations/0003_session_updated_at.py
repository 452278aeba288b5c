import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_booking_no_overlap_pg")]

    operations = [
        migrations.AddField(
            model_name="session", name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
    ]

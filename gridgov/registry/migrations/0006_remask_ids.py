"""Re-mask stored ID numbers as first + last character (docs/security.md, issue 11) and scrub
the birth date and ID suffix out of existing audit snapshots of persons."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr

STARS = "*" * 40
SCRUB = ("birth_date", "id_last6", "id_hash", "phone_hash")


def _mask(value):
    if not isinstance(value, str) or len(value) <= 4:
        return value
    return value[:1] + "*" * (len(value) - 2) + value[-1:]


def remask(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    # The old mask kept the first 6 and the last 4 characters of masks longer than 8, so its
    # first and last characters are the number's: one UPDATE, no plain value needed. Shorter
    # old masks were all stars and stay so.
    length = Length("id_masked")
    Person.objects.annotate(n=length).filter(n__gt=8).update(
        id_masked=Concat(Substr("id_masked", 1, 1), Substr(Value(STARS), 1, length - 2),
                         Substr("id_masked", length, 1)))
    AuditEntry = apps.get_model("core", "AuditEntry")
    for entry in AuditEntry.objects.filter(object_type="registry.person").only("pk", "before", "after").iterator():
        changed = False
        for side in ("before", "after"):
            data = getattr(entry, side)
            if not isinstance(data, dict):
                continue
            for key in SCRUB:
                if key in data:
                    value = data.pop(key)
                    if key == "birth_date":
                        data[key] = "（已隐藏）" if value else None
                    changed = True
            if isinstance(data.get("id_masked"), str) and "*" in data["id_masked"]:
                new = _mask(data["id_masked"])
                changed |= new != data["id_masked"]
                data["id_masked"] = new
        if changed:
            entry.save(update_fields=["before", "after"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_security_media"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]

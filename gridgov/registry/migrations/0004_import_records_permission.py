"""The bulk import permission (数据导入) is its own permission, no longer implied by adding one
record: grid workers add residents one by one but do not import files. Existing district,
street and community staff roles keep the import page."""

from django.db import migrations

IMPORTING_ROLES = ("district_admin", "street_staff", "community_staff")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Role = apps.get_model("accounts", "Role")
    ct, _ = ContentType.objects.get_or_create(app_label="registry", model="person")
    perm, _ = Permission.objects.get_or_create(
        content_type=ct, codename="import_records",
        defaults={"name": "可以批量导入基础信息（人口、楼栋房屋、法人、部件）"},
    )
    for role in Role.objects.filter(code__in=IMPORTING_ROLES):
        role.permissions.add(perm)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_initial"),
        ("registry", "0003_person_import_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["division_code", "name", "id"],
                "permissions": [
                    ("reveal_person", "可以查看人口证件号码和电话明文"),
                    ("export_person", "可以导出人口信息"),
                    ("import_records", "可以批量导入基础信息（人口、楼栋房屋、法人、部件）"),
                ],
                "verbose_name": "实有人口",
                "verbose_name_plural": "实有人口",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]

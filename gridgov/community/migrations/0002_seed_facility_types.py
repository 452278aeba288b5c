"""Seed the facility type dictionary (the seed's 一站一园一场七室 plus 党员活动室 and others) and the
default standard: every community has the ten, and 30 m² of service rooms per 100 households
(national standard for community service facilities). Both stay editable."""

import datetime

from django.db import migrations

# code, name, category, counts as service room, bookable by default, required by the standard
TYPES = [
    ("service_station", "公共服务站", "station", True, False, True),
    ("kindergarten", "幼儿园", "park", False, False, True),
    ("sports_ground", "室外文体活动场所", "ground", False, True, True),
    ("police_room", "警务室", "room", True, False, True),
    ("health_room", "卫生计生健康服务室", "room", True, False, True),
    ("activity_room", "文体活动室", "room", True, True, True),
    ("grid_room", "网格员工作室", "room", True, False, True),
    ("talk_room", "民情恳谈室", "room", True, True, True),
    ("meeting_room", "议事室", "room", True, True, True),
    ("archive_room", "档案室", "room", True, False, True),
    ("party_room", "党员活动室", "room", True, True, False),
    ("day_care", "日间照料中心", "other", True, False, False),
    ("library_room", "图书阅览室", "room", True, True, False),
    ("other", "其他", "other", False, False, False),
]


def seed(apps, schema_editor):
    FacilityType = apps.get_model("community", "FacilityType")
    FacilityStandard = apps.get_model("community", "FacilityStandard")
    required = []
    for i, (code, name, category, service, bookable, req) in enumerate(TYPES):
        t, _ = FacilityType.objects.get_or_create(code=code, defaults=dict(
            name=name, category=category, is_service_room=service, bookable_default=bookable, sort=(i + 1) * 10))
        if req:
            required.append(t)
    if not FacilityStandard.objects.exists():
        std = FacilityStandard.objects.create(
            name="社区“一站一园一场七室”配置标准", area_per_100_households=30, min_service_area=300,
            effective_from=datetime.date(2020, 1, 1),
            note="社区服务设施：每百户不低于 30 平方米服务用房；一站一园一场七室")
        std.required_types.set(required)


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

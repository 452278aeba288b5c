"""Seed the 三五工程 indicator library: five improvements (五个提升), five 100 % targets (五个100%)
and five full coverages (五个全覆盖). Computed ones name their function in dashboard/computed.py;
the others are reported by the responsible level and reviewed. All stay editable."""

import datetime

from django.db import migrations

B, T = datetime.date(2024, 1, 1), datetime.date(2026, 12, 31)
# code, name, group, definition, unit, baseline, target, level, source, computation, aggregation
INDICATORS = [
    ("satisfaction", "群众满意率", "improve", "已评价事件中满意（4–5 分）的比例", "%", 88, 95, 3, "computed",
     "satisfaction", "mean"),
    ("on_time_rate", "事件按期办结率", "improve", "统计期内结案事件中按期办结的比例", "%", 85, 95, 3, "computed",
     "on_time_rate", "mean"),
    ("party_registration", "在职党员社区报到率", "improve", "在职党员中已到居住地网格报到的比例", "%", 70, 98, 3,
     "computed", "party_registration", "mean"),
    ("one_visit", "群众办事“一次办结”率", "improve", "窗口和自助终端受理事项一次办结的比例（政务服务中心填报）", "%",
     80, 98, 1, "reported", "", "mean"),
    ("safety_sense", "群众安全感", "improve", "年度群众安全感测评得分（区综治中心填报）", "%", 92, 96, 1, "reported",
     "", "mean"),
    ("service_area", "基层组织公共服务用房达标率", "full", "服务用房面积达到每百户 30 平方米标准的社区比例", "%", 60,
     100, 3, "computed", "service_area", "mean"),
    ("grid_worker_rate", "网格员配备率", "full", "已配备专职网格员的网格比例", "%", 90, 100, 3, "computed",
     "grid_worker_rate", "mean"),
    ("population_collection", "实有人口信息采集率", "full", "实有人口中信息完整采集的比例（社区填报，附台账）", "%",
     85, 100, 3, "reported", "", "mean"),
    ("dispute_resolution", "矛盾纠纷调处率", "full", "受理矛盾纠纷中调处完毕的比例（社区填报，附调解台账）", "%",
     90, 100, 3, "reported", "", "mean"),
    ("care_visit", "关爱对象走访率", "full", "关爱人群中本季度已走访的比例（社区填报，附走访记录）", "%", 80, 100, 3,
     "reported", "", "mean"),
    ("tech_coverage", "社区技防全覆盖", "coverage", "设有视频监控部件的社区比例（城市部件：监控电子眼）", "%", 70,
     100, 3, "computed", "tech_coverage", "mean"),
    ("sports_coverage", "社区文体活动场所全覆盖", "coverage", "建成室外文体活动场所或文体活动室的社区比例", "%", 75,
     100, 3, "computed", "sports_coverage", "mean"),
    ("health_coverage", "社区卫生服务站全覆盖", "coverage", "建成卫生计生健康服务室的社区比例", "%", 75, 100, 3,
     "computed", "health_coverage", "mean"),
    ("kindergarten_coverage", "社区普惠性幼儿园全覆盖", "coverage", "建成普惠性幼儿园的社区比例", "%", 60, 100, 3,
     "computed", "kindergarten_coverage", "mean"),
    ("police_coverage", "社区警务室全覆盖", "coverage", "建成社区警务室的社区比例", "%", 80, 100, 3, "computed",
     "police_coverage", "mean"),
]


def seed(apps, schema_editor):
    Definition = apps.get_model("dashboard", "IndicatorDefinition")
    for i, (code, name, group, text, unit, base, target, level, source, comp, agg) in enumerate(INDICATORS):
        Definition.objects.get_or_create(code=code, defaults=dict(
            name=name, group=group, definition=text, unit=unit, baseline_value=base, baseline_date=B,
            target_value=target, target_date=T, level=level, source=source, computation=comp, aggregation=agg,
            period="quarter", sort=(i + 1) * 10))


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

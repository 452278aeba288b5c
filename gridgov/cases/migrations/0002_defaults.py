"""Default departments and the default case classes (事件/部件/社会治理 大类与小类), after CJ/T 214
and GB/T 30428 (数字化城市管理信息系统 部件和事件). Everything stays editable in the UI."""

from django.db import migrations

DEPARTMENTS = [
    ("cgj", "区城市管理局", "functional"), ("zjj", "区住房和城乡建设局", "functional"),
    ("scjg", "区市场监督管理局", "functional"), ("sthj", "市生态环境局武陵分局", "functional"),
    ("gaj", "市公安局武陵分局", "functional"), ("yjglj", "区应急管理局", "functional"),
    ("slj", "区水利局", "functional"), ("jtysj", "区交通运输局", "functional"),
    ("mzj", "区民政局", "functional"), ("wjj", "区卫生健康局", "functional"),
    ("sfj", "区司法局", "functional"), ("rsj", "区人力资源和社会保障局", "functional"),
    ("xfjy", "区消防救援大队", "functional"), ("ylj", "区园林绿化中心", "functional"),
    ("gdgs", "国网武陵区供电公司", "enterprise"), ("zlsgs", "市自来水公司", "enterprise"),
    ("rqgs", "市燃气公司", "enterprise"), ("txgs", "通信运营商联合办", "enterprise"),
]

HOUR = 60
DAMAGE = [{"code": "damage", "label": "损坏情况", "datatype": "singlevaluelist", "required": True,
           "values": [{"key": "missing", "name": "缺失"}, {"key": "broken", "name": "破损"},
                      {"key": "displaced", "name": "移位/松动"}]}]
STALLS = [{"code": "stalls", "label": "摊位数", "datatype": "number", "required": False, "values": []}]
AREA = [{"code": "area", "label": "面积(平方米，估计)", "datatype": "number", "required": False, "values": []}]
PEOPLE = [{"code": "people", "label": "涉及人数", "datatype": "number", "required": False, "values": []},
          {"code": "party_contact", "label": "当事人是否同意调解", "datatype": "singlevaluelist", "required": False,
           "values": [{"key": "yes", "name": "同意"}, {"key": "no", "name": "不同意"}, {"key": "unknown", "name": "未知"}]}]

# (major code, major name, kind, [(minor name, department, handle hours, urgent?, extra questions)])
EVENT_CLASSES = [
    ("A01", "市容环境", "event", [
        ("私搭乱建", "cgj", 5 * 6.5, False, AREA), ("暴露垃圾", "cgj", 4, False, []),
        ("积存垃圾渣土", "cgj", 6.5, False, AREA), ("道路不洁", "cgj", 4, False, []),
        ("水域不洁", "slj", 6.5, False, []), ("绿地脏乱", "ylj", 6.5, False, []),
        ("废弃车辆", "gaj", 3 * 6.5, False, []), ("焚烧垃圾树叶", "sthj", 2, True, []),
        ("动物尸体", "cgj", 2, False, []), ("餐饮油烟污染", "sthj", 3 * 6.5, False, []),
    ]),
    ("A02", "宣传广告", "event", [
        ("非法小广告", "cgj", 4, False, []), ("违规张贴悬挂广告", "cgj", 6.5, False, []),
        ("占道广告牌", "cgj", 2 * 6.5, False, []), ("街头散发广告", "cgj", 2, False, []),
    ]),
    ("A03", "施工管理", "event", [
        ("施工扰民", "zjj", 6.5, False, []), ("工地扬尘", "zjj", 4, False, []),
        ("道路遗撒", "cgj", 2, True, []), ("施工废弃料", "zjj", 2 * 6.5, False, []),
        ("违规渣土运输", "cgj", 4, False, []),
    ]),
    ("A04", "突发事件", "event", [
        ("路面塌陷", "zjj", 4, True, []), ("自来水管破裂", "zlsgs", 2, True, []),
        ("燃气管道破裂", "rqgs", 1, True, []), ("下水道堵塞或破损", "zjj", 6.5, True, []),
        ("道路积水", "slj", 4, True, []), ("道路积雪结冰", "cgj", 4, True, []),
        ("架空线缆损坏", "gdgs", 4, True, []), ("火灾", "xfjy", 1, True, []),
    ]),
    ("A05", "街面秩序", "event", [
        ("无照经营游商", "scjg", 4, False, STALLS), ("占道经营", "cgj", 4, False, STALLS),
        ("店外经营", "cgj", 4, False, []), ("机动车乱停放", "gaj", 2, False, []),
        ("非机动车乱停放", "cgj", 4, False, []), ("露天烧烤", "cgj", 2, False, []),
        ("乞讨卖艺", "mzj", 6.5, False, []),
    ]),
    ("G01", "矛盾纠纷", "governance", [
        ("邻里纠纷", "sfj", 5 * 6.5, False, PEOPLE), ("婚姻家庭纠纷", "sfj", 5 * 6.5, False, PEOPLE),
        ("物业纠纷", "zjj", 5 * 6.5, False, PEOPLE), ("劳资纠纷", "rsj", 5 * 6.5, False, PEOPLE),
        ("土地山林纠纷", "sfj", 10 * 6.5, False, PEOPLE),
    ]),
    ("G02", "治安隐患", "governance", [
        ("可疑人员或物品", "gaj", 2, True, []), ("涉黄赌毒线索", "gaj", 6.5, False, []),
        ("出租房屋隐患", "gaj", 3 * 6.5, False, []), ("寄递物流安全", "gaj", 3 * 6.5, False, []),
    ]),
    ("G03", "安全生产", "governance", [
        ("消防通道堵塞", "xfjy", 6.5, True, []), ("电动车违规充电", "xfjy", 6.5, False, []),
        ("燃气使用隐患", "rqgs", 4, True, []), ("危险化学品隐患", "yjglj", 4, True, []),
        ("建筑安全隐患", "zjj", 2 * 6.5, True, []), ("人员密集场所隐患", "yjglj", 2 * 6.5, False, []),
    ]),
    ("G04", "特殊人群服务", "governance", [
        ("独居老人帮扶", "mzj", 3 * 6.5, False, []), ("困境儿童关爱", "mzj", 3 * 6.5, False, []),
        ("残疾人帮扶", "mzj", 3 * 6.5, False, []), ("严重精神障碍患者服务管理", "wjj", 6.5, True, []),
        ("社区矫正对象管理", "sfj", 3 * 6.5, False, []),
    ]),
    ("G05", "民生诉求", "governance", [
        ("供水问题", "zlsgs", 6.5, False, []), ("供电问题", "gdgs", 6.5, False, []),
        ("物业服务", "zjj", 5 * 6.5, False, []), ("噪声扰民", "sthj", 2 * 6.5, False, []),
        ("食品安全", "scjg", 2 * 6.5, False, []), ("医疗卫生", "wjj", 3 * 6.5, False, []),
        ("就业社保", "rsj", 5 * 6.5, False, []), ("通信网络", "txgs", 3 * 6.5, False, []),
    ]),
]

COMPONENT_DEPARTMENT = [  # (keyword in the component class name, department); first match wins
    ("上水", "zlsgs"), ("消防栓", "xfjy"), ("电力", "gdgs"), ("变压器", "gdgs"), ("电线杆", "gdgs"),
    ("通信", "txgs"), ("邮筒", "txgs"), ("燃气", "rqgs"), ("热力", "rqgs"), ("监控", "gaj"),
    ("交通", "gaj"), ("隔离护栏", "jtysj"), ("公交", "jtysj"), ("出租车", "jtysj"), ("桥", "jtysj"),
    ("地下通道", "jtysj"), ("古树", "ylj"), ("绿地", "ylj"), ("行道树", "ylj"), ("花架", "ylj"),
    ("雕塑", "ylj"), ("人防", "zjj"), ("物业", "zjj"), ("地下室", "zjj"), ("危险源", "yjglj"),
    ("工地", "zjj"), ("水域", "slj"), ("雨水", "zjj"), ("污水", "zjj"), ("消防站", "xfjy"),
    ("充电桩", "xfjy"), ("健身", "mzj"),
]


def seed(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    CaseCategory = apps.get_model("cases", "CaseCategory")
    ComponentClass = apps.get_model("registry", "ComponentClass")
    depts = {}
    for code, name, kind in DEPARTMENTS:
        depts[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    for i, (code, name, kind, minors) in enumerate(EVENT_CLASSES):
        major, _ = CaseCategory.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "sort": i})
        for j, (minor, dept, hours, urgent, questions) in enumerate(minors, start=1):
            CaseCategory.objects.get_or_create(code=f"{code}{j:02d}", defaults=dict(
                name=minor, kind=kind, parent=major, sort=j, default_department=depts[dept],
                handle_minutes=int(hours * HOUR), handle_minutes_urgent=max(30, int(hours * HOUR) // 4),
                urgent_allowed=urgent, extra_questions=questions, duplicate_radius_m=100 if kind == "governance" else 50,
                registration_condition=f"网格内发现“{minor}”问题，位置明确、有照片或描述可核实。",
                closing_condition=f"“{minor}”问题已消除，现场核查照片与处置反馈一致。",
                accept_minutes=30, accept_minutes_urgent=10, verify_minutes_city=60, verify_minutes_rural=120,
            ))
    for k, major_cls in enumerate(ComponentClass.objects.filter(parent__isnull=True).order_by("code")):
        major, _ = CaseCategory.objects.get_or_create(code=f"B{major_cls.code}", defaults={
            "name": major_cls.name, "kind": "component", "sort": 100 + k, "component_class": major_cls})
        for j, cls in enumerate(ComponentClass.objects.filter(parent=major_cls).order_by("code"), start=1):
            dept = next((d for word, d in COMPONENT_DEPARTMENT if word in cls.name), "cgj")
            CaseCategory.objects.get_or_create(code=f"B{cls.code}", defaults=dict(
                name=cls.name, kind="component", parent=major, sort=j, component_class=cls,
                default_department=depts[dept], handle_minutes=2 * 390, handle_minutes_urgent=120,
                extra_questions=DAMAGE if "井盖" in cls.name or "箅子" in cls.name else [],
                registration_condition=f"“{cls.name}”缺失、破损、移位或功能障碍。",
                closing_condition=f"“{cls.name}”已修复或更换，功能恢复。",
            ))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("registry", "0002_seed_dictionaries"), ("accounts", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

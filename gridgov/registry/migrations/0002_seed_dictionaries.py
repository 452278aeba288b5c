"""Seed the configurable dictionaries: care groups (关爱人群) and component classes (部件大类/小类,
after CJ/T 214 数字化城市管理信息系统 部件和事件). Both stay editable afterwards."""

from django.db import migrations

CARE_TAGS = [
    ("elderly_alone", "独居老人", "独自居住的60周岁以上老年人"),
    ("empty_nest", "空巢老人", "子女不在身边的老年人"),
    ("very_old", "高龄老人", "80周岁以上老年人"),
    ("disabled", "残疾人", "持有残疾人证"),
    ("dibao", "低保", "城乡最低生活保障对象"),
    ("tekun", "特困", "特困供养人员"),
    ("left_behind_child", "留守儿童", "父母双方外出务工的未成年人"),
    ("children_in_difficulty", "困境儿童", "因家庭或自身原因陷入困境的儿童"),
    ("serious_illness", "重病", "患重大疾病"),
    ("special_care", "优抚对象", "退役军人、烈属等优抚对象"),
    ("shidu", "失独家庭", "独生子女伤残或死亡家庭"),
]

COMPONENT_CLASSES = {
    ("01", "公用设施"): [
        "上水井盖",
        "污水井盖",
        "雨水井盖",
        "雨水箅子",
        "电力井盖",
        "路灯",
        "通信井盖",
        "燃气井盖",
        "热力井盖",
        "消防栓",
        "变压器(箱)",
        "通信交接箱",
        "邮筒",
        "报刊亭",
        "监控电子眼",
        "电线杆",
    ],
    ("02", "道路交通"): [
        "停车场",
        "公交站亭",
        "出租车站牌",
        "过街天桥",
        "地下通道",
        "交通信号灯",
        "交通标志牌",
        "道路隔离护栏",
        "路名牌",
        "非机动车停放点",
        "桥梁",
    ],
    ("03", "市容环境"): [
        "公共厕所",
        "垃圾箱",
        "垃圾房",
        "灯箱霓虹灯",
        "广告牌匾",
        "垃圾分类投放点",
        "户外电子屏",
    ],
    ("04", "园林绿化"): ["古树名木", "绿地", "行道树", "花架花钵", "绿地护栏", "城市雕塑", "街头座椅"],
    ("05", "房屋土地"): ["宣传栏", "人防工事", "地下室出入口", "物业管理区域"],
    ("06", "其他设施"): ["重大危险源", "工地", "水域附属设施", "健身设施", "电动车充电桩", "微型消防站"],
}


def seed(apps, schema_editor):
    CareTag = apps.get_model("registry", "CareTag")
    ComponentClass = apps.get_model("registry", "ComponentClass")
    for i, (code, name, description) in enumerate(CARE_TAGS):
        CareTag.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": i}
        )
    for (major_code, major_name), minors in COMPONENT_CLASSES.items():
        major, _ = ComponentClass.objects.get_or_create(code=major_code, defaults={"name": major_name})
        for i, name in enumerate(minors, start=1):
            ComponentClass.objects.get_or_create(
                code=f"{major_code}{i:02d}", defaults={"name": name, "parent": major}
            )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""The service catalogue as a spreadsheet (事项清单导入导出), on the core import pipeline.

One row per item; `export_table()` writes exactly the columns `ItemImport` reads, so a staff
member exports the catalogue, edits it in Excel and imports it back (the core web import page,
kind `service-items`, declared in contributions.py). Eligibility, materials and form fields are
JSON cells (the shapes in `models/catalogue.py`), checked with the same rules as the edit form.

Each row goes through `actions.save_item`: an item whose rules change gets a new version (an
application keeps the version it was filed under); a row that changes nothing writes nothing.
All or nothing: one bad row and no item is touched. The catalogue is district-wide, so the
import needs `services.publish_serviceitem` over the whole district.
"""

import json

from django.core.exceptions import ValidationError

from gridgov.core import limits
from gridgov.core.importing import Column, ImportSpec, parse_bool, parse_choice, parse_int

from .choices import Category, Channel, Handling

JSON_LIMIT = limits.LONG_TEXT
CHANNEL_BY_LABEL = {str(label): value for value, label in Channel.choices}


def parse_channels(text):
    parts = [p.strip() for p in text.replace("，", "、").replace(",", "、").replace("；", "、").split("、") if p.strip()]
    out = []
    for p in parts:
        value = CHANNEL_BY_LABEL.get(p) or (p if p in Channel.values else None)
        if value is None:
            raise ValueError(f"“{p}”不是有效渠道，可选：{'、'.join(CHANNEL_BY_LABEL)}")
        if value not in out:
            out.append(value)
    return out


def _json(kind, what):
    def parse(text):
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise ValueError(f"{what}应为 JSON 格式（可先导出现有清单参照填写）") from None
        if not isinstance(value, kind):
            raise ValueError(f"{what}应为 JSON {'对象 {…}' if kind is dict else '数组 […]'}")
        return value

    return parse


DEFAULTS = {"eligibility": {}, "materials": [], "fields": [], "fee_fen": 0, "handling": Handling.COMPLETE,
            "description": "", "conditions": "", "legal_basis": "", "result_name": ""}

# version field → the column that names it in a row error
FIELD_HEADERS = {
    "eligibility": "资格规则", "materials": "申请材料", "fields": "表单字段", "channels": "办理渠道",
    "promised_days": "承诺时限(工作日)", "statutory_days": "法定时限(工作日)",
}


class ItemImport(ImportSpec):
    kind, title, permission = "service-items", "服务事项", "services.publish_serviceitem"
    help = ("按事项编码识别；先导出现有清单再修改最方便。规则有变化的事项发布新版本（已受理的办件仍按原版本）；"
            "空白单元格保留原值；资格规则、申请材料、表单字段为 JSON。")
    natural_key = ("code",)
    columns = [
        Column("code", "事项编码", required=True, max_length=30, example="MZ-001"),
        Column("name", "事项名称", required=True, max_length=100, example="高龄津贴申领"),
        Column("department", "主管部门", required=True, max_length=100, help="部门名称或部门编码", example="区民政局"),
        Column("category", "类别", parse=parse_choice(Category), example="养老服务"),
        Column("is_active", "启用", parse=parse_bool, example="是"),
        Column("sort", "排序", parse=parse_int(0, 32767), example="10"),
        Column("handling", "办理方式", parse=parse_choice(Handling), example="社区办结"),
        Column("channels", "办理渠道", required=True, parse=parse_channels, example="窗口、自助终端"),
        Column("promised_days", "承诺时限(工作日)", required=True, parse=parse_int(0, 365), example="5"),
        Column("statutory_days", "法定时限(工作日)", required=True, parse=parse_int(0, 365), example="20"),
        Column("fee_fen", "收费(分)", parse=parse_int(0, 100_000_000), example="0"),
        Column("result_name", "办理结果", max_length=100),
        Column("description", "事项说明", max_length=limits.TEXT),
        Column("conditions", "办理条件", max_length=limits.TEXT),
        Column("legal_basis", "设定依据", max_length=limits.TEXT),
        Column("eligibility", "资格规则", max_length=JSON_LIMIT, parse=_json(dict, "资格规则"), example='{"min_age": 80}'),
        Column("materials", "申请材料", max_length=JSON_LIMIT, parse=_json(list, "申请材料")),
        Column("fields", "表单字段", max_length=JSON_LIMIT, parse=_json(list, "表单字段")),
    ]
    derived_keys = ("_department", "_item", "_data")

    def __init__(self, actor=None):
        self.actor = actor

    def validate(self, rows, report):
        from gridgov.accounts.models import Department
        from gridgov.core.access import is_district_wide

        from .actions.catalogue import ITEM_FIELDS, VERSION_FIELDS, _version_dict
        from .catalogue import check_version_data
        from .models import ServiceItem

        if self.actor is not None and not is_district_wide(self.actor, self.permission):
            report.add_error(0, "", "", "服务事项清单全区通用：导入需要全区范围的事项发布权限")
            return
        departments = {}
        for d in Department.objects.filter(is_active=True).only("pk", "code", "name"):
            departments.setdefault(d.code, d)
            departments.setdefault(d.name, d)
        items = {i.code: i for i in ServiceItem.objects.select_related("current", "department")
                 .filter(code__in=[r["code"] for r in rows])}
        for row in rows:
            v = row.values
            department = departments.get(v["department"])
            if department is None:
                report.add_error(row.number, "主管部门", v["department"], "部门不存在（请填写系统中已有部门的名称或编码）")
                continue
            item = items.get(v["code"])
            data = {"code": v["code"], "name": v["name"], "department": department}
            for key in ITEM_FIELDS:
                if key not in data and v.get(key) is not None:
                    data[key] = v[key]
            current = _version_dict(item.current) if item is not None and item.current_id else {}
            for key in VERSION_FIELDS:  # an empty cell keeps what the item has (a new item: the default)
                value = v.get(key)
                data[key] = value if value is not None else current.get(key, DEFAULTS.get(key))
            try:
                check_version_data(data)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    report.add_error(row.number, FIELD_HEADERS.get(field, field), "", "；".join(messages))
                continue
            v["_department"], v["_item"], v["_data"] = department, item, data

    def apply(self, rows, *, actor, run):
        from .actions.catalogue import save_item

        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for row in rows:
            item = row["_item"]
            before = (item.current_id, item.name, item.department_id, item.category, item.is_active, item.sort) \
                if item is not None else None
            saved = save_item(actor=actor, item=item, data=row["_data"])
            after = (saved.current_id, saved.name, saved.department_id, saved.category, saved.is_active, saved.sort)
            if before is None:
                counts["created"] += 1
            elif before != after:
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
            if run is not None:
                run.advance()
        return counts


def export_table():
    """(headers, rows) of the whole catalogue in `ItemImport`'s columns (the current versions)."""
    from .models import ServiceItem

    headers = [c.header for c in ItemImport.columns]
    rows = []
    for item in ServiceItem.objects.select_related("department", "current").order_by("sort", "code"):
        v = item.current
        if v is None:
            continue
        rows.append([
            item.code, item.name, item.department.name, item.get_category_display(), "是" if item.is_active else "否",
            item.sort, v.get_handling_display(), "、".join(v.channel_labels()), v.promised_days, v.statutory_days,
            v.fee_fen, v.result_name, v.description, v.conditions, v.legal_basis,
            json.dumps(v.eligibility or {}, ensure_ascii=False), json.dumps(v.materials or [], ensure_ascii=False),
            json.dumps(v.fields or [], ensure_ascii=False),
        ])
    return headers, rows

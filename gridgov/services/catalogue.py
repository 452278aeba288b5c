"""The catalogue's rules as data: checking a version's shapes, a resident's eligibility and a
form's answers. Pure functions (no writes); every failure is a Chinese sentence naming the rule
or field."""

import datetime
import re

from django.core.exceptions import ValidationError

from .choices import Channel, FieldType

PREFILLS = ("", "name", "id_number", "phone", "birth_date", "address")
PHONE_RE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")
MAX_TEXT = 500


def check_version_data(data):
    """Validate the JSON parts of a version (eligibility, materials, fields, channels) before
    it is published. Raises ValidationError with a message per part."""
    errors = {}
    elig = data.get("eligibility") or {}
    if not isinstance(elig, dict) or set(elig) - {"min_age", "max_age", "care_tags_any", "residence_types",
                                                   "in_community"}:
        errors["eligibility"] = "资格规则只能包含：最低年龄、最高年龄、关爱人群、人口类型、本社区居住"
    else:
        for k in ("min_age", "max_age"):
            if elig.get(k) is not None and (not isinstance(elig[k], int) or not 0 <= elig[k] <= 150):
                errors["eligibility"] = "年龄须为 0–150 的整数"
    keys = set()
    for i, m in enumerate(data.get("materials") or [], start=1):
        if not isinstance(m, dict) or not m.get("key") or not m.get("name"):
            errors["materials"] = f"第 {i} 项材料缺少编码或名称"
            break
        if m["key"] in keys:
            errors["materials"] = f"材料编码重复：{m['key']}"
        keys.add(m["key"])
    keys = set()
    for i, f in enumerate(data.get("fields") or [], start=1):
        if not isinstance(f, dict) or not f.get("key") or not f.get("label"):
            errors["fields"] = f"第 {i} 个字段缺少编码或名称"
            break
        if f.get("type") not in FieldType.values:
            errors["fields"] = f"字段“{f['label']}”的类型不正确"
        if f.get("type") == FieldType.CHOICE and not f.get("choices"):
            errors["fields"] = f"选项字段“{f['label']}”须列出选项"
        if f.get("prefill", "") not in PREFILLS:
            errors["fields"] = f"字段“{f['label']}”的预填来源不正确"
        if f["key"] in keys:
            errors["fields"] = f"字段编码重复：{f['key']}"
        keys.add(f["key"])
    channels = data.get("channels") or []
    if not channels or any(c not in Channel.values for c in channels):
        errors["channels"] = "请至少选择一个办理渠道"
    if (data.get("promised_days") or 0) > (data.get("statutory_days") or 0):
        errors["promised_days"] = "承诺时限不能长于法定时限"
    if errors:
        raise ValidationError(errors)


def age_on(birth_date, day):
    if not birth_date:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def eligibility_failures(version, person, community_code, today):
    """[Chinese sentence] for each eligibility rule the person fails (empty: eligible)."""
    from gridgov.registry.choices import PersonStatus, ResidenceType

    rules = version.eligibility or {}
    failed = []
    if person.status != PersonStatus.ACTIVE:
        failed.append(f"申请人人口状态为“{person.get_status_display()}”，不能办理")
    age = age_on(person.birth_date, today)
    if rules.get("min_age") is not None:
        if age is None:
            failed.append(f"年龄须满 {rules['min_age']} 周岁（人口信息中缺少出生日期）")
        elif age < rules["min_age"]:
            failed.append(f"年龄须满 {rules['min_age']} 周岁（申请人 {age} 周岁）")
    if rules.get("max_age") is not None and age is not None and age > rules["max_age"]:
        failed.append(f"年龄不得超过 {rules['max_age']} 周岁（申请人 {age} 周岁）")
    if rules.get("care_tags_any"):
        have = set(person.care_tags.values_list("code", flat=True))
        if not have & set(rules["care_tags_any"]):
            from gridgov.registry.models import CareTag

            names = "、".join(CareTag.objects.filter(code__in=rules["care_tags_any"]).values_list("name", flat=True))
            failed.append(f"须属于关爱人群：{names or '、'.join(rules['care_tags_any'])}")
    if rules.get("residence_types") and person.residence_type not in rules["residence_types"]:
        labels = "、".join(str(ResidenceType(t).label) for t in rules["residence_types"] if t in ResidenceType.values)
        failed.append(f"人口类型须为{labels}（申请人为{person.get_residence_type_display()}）")
    if rules.get("in_community") and not (person.division_code or "").startswith(community_code):
        failed.append("须在本社区居住（申请人不在本社区登记）")
    return failed


def describe_eligibility(version):
    """The rules in words, for the guide page."""
    from gridgov.registry.choices import ResidenceType

    rules = version.eligibility or {}
    out = []
    if rules.get("min_age") is not None:
        out.append(f"年满 {rules['min_age']} 周岁")
    if rules.get("max_age") is not None:
        out.append(f"不超过 {rules['max_age']} 周岁")
    if rules.get("care_tags_any"):
        from gridgov.registry.models import CareTag

        names = CareTag.objects.filter(code__in=rules["care_tags_any"]).values_list("name", flat=True)
        out.append("属于关爱人群：" + "、".join(names))
    if rules.get("residence_types"):
        out.append("人口类型：" + "、".join(str(ResidenceType(t).label) for t in rules["residence_types"]
                                         if t in ResidenceType.values))
    if rules.get("in_community"):
        out.append("在本社区居住")
    return out


def _id_ok(value):
    try:
        from stdnum.cn import ric

        ric.validate(value)
        return True
    except Exception:  # noqa: BLE001  (any stdnum error: invalid)
        return False


def registry_values(version, person):
    """Answers that come from the registry, not from the form: the applicant's name, masked ID
    and phone (never typed again, never stored in the clear), birth date and address."""
    out = {}
    for f in version.fields or []:
        src = f.get("prefill")
        if src == "name":
            out[f["key"]] = person.name
        elif src == "id_number" and person.id_masked:
            out[f["key"]] = person.id_masked
        elif src == "phone" and person.phone_masked:
            out[f["key"]] = person.phone_masked
        elif src == "birth_date" and person.birth_date:
            out[f["key"]] = person.birth_date.isoformat()
    return out


def prefill_values(version, person):
    """Initial values of the counter form (registry values plus the address)."""
    out = registry_values(version, person)
    for f in version.fields or []:
        if f.get("prefill") == "address" and person.house_id:
            out[f["key"]] = str(person.house)
    return out


def clean_answers(version, answers, file_keys=(), fixed=None):
    """Check the answers against the version's fields; returns (clean answers, errors) where
    errors maps "answers.<key>" to a Chinese message. File fields are satisfied by an upload
    whose key is in `file_keys`."""
    clean, errors = {}, {}
    answers = answers or {}
    fixed = fixed or {}
    for f in version.fields or []:
        key, label, kind = f["key"], f["label"], f.get("type", FieldType.TEXT)
        if key in fixed:
            clean[key] = fixed[key]
            continue
        if kind == FieldType.FILE:
            if f.get("required") and key not in file_keys:
                errors[f"answers.{key}"] = f"请上传“{label}”"
            continue
        raw = answers.get(key)
        value = "" if raw is None else str(raw).strip()
        if not value:
            if f.get("required"):
                errors[f"answers.{key}"] = f"请填写“{label}”"
            continue
        if len(value) > MAX_TEXT:
            errors[f"answers.{key}"] = f"“{label}”不能超过 {MAX_TEXT} 字"
        elif kind == FieldType.NUMBER:
            try:
                number = float(value)
                if number < 0:
                    raise ValueError
                clean[key] = int(number) if number.is_integer() else number
            except ValueError:
                errors[f"answers.{key}"] = f"“{label}”须为不小于 0 的数字"
            continue
        elif kind == FieldType.DATE:
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                errors[f"answers.{key}"] = f"“{label}”须为日期（如 2026-01-31）"
        elif kind == FieldType.CHOICE and value not in f.get("choices", []):
            errors[f"answers.{key}"] = f"“{label}”须从给定选项中选择"
        elif kind == FieldType.ID_NUMBER and not _id_ok(value.upper()):
            errors[f"answers.{key}"] = f"“{label}”不是有效的公民身份号码"
        elif kind == FieldType.PHONE and not PHONE_RE.fullmatch(value):
            errors[f"answers.{key}"] = f"“{label}”不是有效的电话号码"
        clean[key] = _protect(kind, value)
    return clean, errors


def _protect(kind, value):
    """ID and phone numbers are never kept in the clear in the answers (docs/architecture.md §4, “Personal data is protected by default”): the mask."""
    from gridgov.core import pii

    if kind == FieldType.ID_NUMBER:
        return pii.mask_id_number(value.upper())
    if kind == FieldType.PHONE:
        return pii.mask_phone(value)
    return value


def missing_materials(version, received):
    """[(key, name)] of required materials not in `received`."""
    received = set(received)
    return [(m["key"], m["name"]) for m in version.materials or [] if m.get("required") and m["key"] not in received]

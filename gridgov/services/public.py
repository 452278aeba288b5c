"""Read-only public face of the services app for the community website (gridgov.portal).

Nothing here writes (filing and rating go through `gridgov.services.actions`), and nothing
here reads other people's data:

- `catalogue_for(community)`: the active items residents of `community` may apply for on the
  web (the catalogue is district-wide; `community` is taken for the day items are localised).
- `guide(item_code)`: one item's 办事指南 — conditions, eligibility in words, materials, form
  fields, time limits, fee, legal basis, channels — or None for an unknown / inactive item.
- `web_item(item_code)`: the `ServiceItem` a resident may file online, or None.
- `eligibility(item, person)`: the Chinese sentence of each eligibility rule `person` fails.
- `applications_of(person_ids)` / `application_of(person_ids, number)`: the applications of
  persons the CALLER has already established the user may act for (the portal passes
  `core.residents.acting_for(profile)`); never a query by anything else.
- `correction_materials(application)`: what the resident may upload online to correct (补正)
  it (filing the upload goes through `actions.correct_application_online`).
- `resident_data(user, person_ids)`: the "my data" sections of a resident account (applications,
  hall appointments, proxy needs recorded for a relative), read by the portal's export through the manifest.
- `resident_events(application)`: the steps of an application a resident is shown (no staff
  names, no internal notes; warnings, overdue flags and call-backs stay inside).
"""

from dataclasses import dataclass

from .choices import AppState, Channel, EventKind, FieldType

WEB = Channel.WEB


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    category: str
    department: str
    online: bool
    promised_days: int
    fee: str


def _items():
    from .models import ServiceItem

    return (ServiceItem.objects.filter(is_active=True, current__isnull=False)
            .select_related("current", "department").order_by("sort", "code"))


def catalogue_for(community, *, online_only=False):
    """The catalogue as a resident of `community` sees it: every active item, each marked
    `online` when its current version accepts the web channel (web items first within a
    category is left to the page)."""
    out = []
    for item in _items():
        v = item.current
        online = WEB in (v.channels or [])
        if online_only and not online:
            continue
        out.append(CatalogueEntry(code=item.code, name=item.name, category=str(item.get_category_display()),
                                  department=item.department.name, online=online,
                                  promised_days=v.promised_days, fee=v.fee_display))
    return out


def web_item(item_code):
    """The active item `item_code` when residents may file it online, else None."""
    item = _items().filter(code=str(item_code)[:30]).first()
    if item is None or WEB not in (item.current.channels or []):
        return None
    return item


_ORIGINAL = {"original": "原件", "copy": "复印件", "both": "原件及复印件"}


def guide(item_code):
    """办事指南 of an active item as plain values (None when unknown or inactive)."""
    from .catalogue import describe_eligibility

    item = _items().filter(code=str(item_code)[:30]).first()
    if item is None:
        return None
    v = item.current
    return {
        "code": item.code, "name": item.name, "category": str(item.get_category_display()),
        "department": item.department.name, "version": v.number, "description": v.description,
        "conditions": v.conditions, "eligibility": describe_eligibility(v),
        "materials": [{"key": m["key"], "name": m["name"], "form": _ORIGINAL.get(m.get("original"), "原件"),
                       "count": m.get("count", 1), "required": bool(m.get("required")), "note": m.get("note", "")}
                      for m in v.materials or []],
        "fields": [{"key": f["key"], "label": f["label"], "type": f.get("type", FieldType.TEXT),
                    "type_label": str(FieldType(f.get("type", FieldType.TEXT)).label),
                    "required": bool(f.get("required")), "choices": list(f.get("choices") or []),
                    "prefill": f.get("prefill", "")} for f in v.fields or []],
        "promised_days": v.promised_days, "statutory_days": v.statutory_days, "fee": v.fee_display,
        "legal_basis": v.legal_basis, "channels": v.channel_labels(), "online": WEB in (v.channels or []),
        "handling": str(v.get_handling_display()), "result_name": v.result_name,
    }


def eligibility(item, person, community_code=""):
    """[Chinese sentence] per failed eligibility rule of `item` for `person` (empty: eligible)."""
    from gridgov.core import clock

    from .catalogue import eligibility_failures

    code = community_code or (person.division_code or "")[:12]
    return eligibility_failures(item.current, person, code, clock.today())


def registry_answers(item, person):
    """{field key: value} the form takes from the registry (shown locked, never typed)."""
    from .catalogue import registry_values

    return registry_values(item.current, person)


def applications_of(person_ids):
    from .models import Application

    return (Application.objects.filter(person_id__in=person_ids)
            .select_related("item", "community", "rating").order_by("-submitted_at", "-id"))


def application_of(person_ids, number):
    return applications_of(person_ids).select_related("version").filter(number=str(number)[:32]).first()


RESIDENT_EVENTS = (EventKind.SUBMIT, EventKind.ACCEPT, EventKind.REJECT, EventKind.CORRECTION,
                   EventKind.CORRECTED, EventKind.FORWARD, EventKind.COMPLETE, EventKind.DELIVER,
                   EventKind.RATE, EventKind.RECTIFY)
_SAY_NOTE = (EventKind.REJECT, EventKind.CORRECTION, EventKind.COMPLETE, EventKind.RECTIFY)


def resident_events(application):
    """[{"at", "label", "text"}] of the steps a resident sees, oldest first."""
    from .choices import Delivery, Result

    out = []
    for e in application.events.filter(kind__in=RESIDENT_EVENTS).order_by("at", "id"):
        data, text = e.data or {}, ""
        if e.kind == EventKind.SUBMIT:
            text = f"通过“{Channel(data['channel']).label}”提交" if data.get("channel") in Channel.values else ""
        elif e.kind == EventKind.CORRECTION:
            text = "请补正：" + "、".join(data.get("missing") or [])
        elif e.kind == EventKind.CORRECTED and data.get("files"):
            text = f"{'网上上传' if data.get('channel') == WEB else '已收到'}：{'、'.join(data['files'])}"
        elif e.kind == EventKind.FORWARD:
            text = f"已转{application.item.department.name}审核" if hasattr(application.item, "department") else ""
        elif e.kind == EventKind.COMPLETE and data.get("result") in Result.values:
            text = f"办理结果：{Result(data['result']).label}"
        elif e.kind == EventKind.DELIVER and data.get("method") in Delivery.values:
            text = f"送达方式：{Delivery(data['method']).label}"
        elif e.kind == EventKind.RATE:
            text = "已评价"
        if e.kind in _SAY_NOTE and e.note:
            text = f"{text}（{e.note}）" if text else e.note
        out.append({"at": e.at, "label": e.get_kind_display(), "text": text})
    return out


def missing_names(application):
    names = {m["key"]: m["name"] for m in application.version.materials or []}
    return [names.get(k, k) for k in application.missing_materials or []]


def correction_materials(application):
    """[(key, name)] of the materials a resident may upload now to correct (补正) `application`
    from the website: the missing ones while it waits for 补正 and its item accepts the web
    channel; empty otherwise (the page then sends them to the counter)."""
    if application.state != AppState.CORRECTION or WEB not in (application.version.channels or []):
        return []
    names = {m["key"]: m["name"] for m in application.version.materials or []}
    return [(k, names.get(k, k)) for k in application.missing_materials or []]


def can_rate(application):
    from .choices import RATEABLE_STATES

    return application.state in RATEABLE_STATES and not _has_rating(application)


def _has_rating(application):
    from .models import Rating

    try:
        return application.rating is not None
    except Rating.DoesNotExist:
        return False


OPEN = (AppState.SUBMITTED, AppState.CORRECTION, AppState.ACCEPTED, AppState.REVIEW)


def resident_data(user, person_ids):
    """"My data" sections for a resident account (declared as `resident_data` in the manifest):
    the applications and hall appointments of the resident's own person or filed / booked by the
    account (for a relative), newest first; no ID numbers, no staff names."""
    from django.db.models import Q

    from .models import Application, Appointment, ProxyNeed

    needs = ProxyNeed.objects.filter(recorded_by=user).select_related("person", "item").order_by("-recorded_at")[:500]
    apps_q = Application.objects.filter(Q(person_id__in=person_ids) | Q(filed_by=user))
    appts_q = Appointment.objects.filter(Q(person_id__in=person_ids) | Q(booked_by=user))
    applications = apps_q.select_related("item", "community", "rating").order_by("-submitted_at", "-id")[:500]
    appointments = appts_q.select_related("slot", "item", "person").order_by("-day", "-id")[:500]
    return {
        "网上办事": [{"办件编号": a.number, "事项": a.item.name, "申请人": a.applicant_name,
                      "渠道": a.get_channel_display(), "状态": a.get_state_display(), "申请时间": a.submitted_at,
                      "受理社区": a.community.name, "评价": _rating_level(a)} for a in applications],
        "预约办事": [{"日期": a.day, "时段": f"{a.slot.start:%H:%M}-{a.slot.end:%H:%M}", "办事人": a.person.name,
                      "拟办事项": a.item.name if a.item_id else "", "状态": a.get_state_display(),
                      "预约时间": a.booked_at} for a in appointments],
        "家人代办": [{"服务对象": n.person.name, "代办事项": n.item.name if n.item_id else "", "需求说明": n.description,
                      "状态": n.get_state_display(), "登记时间": n.recorded_at} for n in needs],
    }


def _rating_level(application):
    from .models import Rating

    try:
        return application.rating.get_level_display()
    except Rating.DoesNotExist:
        return ""

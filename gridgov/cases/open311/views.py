"""Open311 GeoReport v2 server (http://wiki.open311.org/GeoReport_v2): discovery, services,
service definitions, requests (GET/POST), single request, tokens. No personal data is returned.

Quirks handled: an empty parameter counts as absent; api_key and jurisdiction_id may come in
the query string or the body; `service/{code}` is accepted as an alias of `services/{code}`."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from gridgov.core import clock

from .. import actions
from ..choices import FINAL_STATES, CaseState, Channel
from ..models import Case, CaseCategory, Open311ApiKey
from ..publication import photo_published, public_description, public_position, published
from .render import error, iso, respond

MAX_REQUESTS = 1000
DEFAULT_DAYS = 90
CLOSED = [CaseState.CLOSED, CaseState.REJECTED, CaseState.CANCELLED, CaseState.MERGED]


def _param(request, name):
    """A parameter from the body (POST) or the query string; empty means absent."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value in (None, ""):
        value = request.GET.get(name)
    return value if value not in (None, "") else None


def _jurisdiction_ok(request):
    j = _param(request, "jurisdiction_id")
    return j is None or j in (settings.DISTRICT_CODE, getattr(settings, "OPEN311_JURISDICTION", "")) or \
        j == settings.DISTRICT_CODE + "000000"


def _categories():
    """The classes offered to Open311 clients: the public ones (`is_public`), as on the public form."""
    return CaseCategory.objects.filter(parent__isnull=False, is_active=True, is_public=True).select_related("parent")


def _check(fmt, request):
    if fmt not in ("xml", "json"):
        return error("json", 404, "不支持的格式，请使用 .xml 或 .json")
    if not _jurisdiction_ok(request):
        return error(fmt, 404, "jurisdiction_id 不存在")
    return None


def discovery(request, fmt):
    if (bad := _check(fmt, request)) is not None:
        return bad
    url = request.build_absolute_uri(reverse("open311:root"))
    return respond(fmt, "discovery", {
        "changeset": "2026-01-01T00:00:00+08:00",
        "contact": getattr(settings, "OPEN311_CONTACT", "区网格化服务管理中心"),
        "key_service": "向区网格化服务管理中心申请 API 密钥",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2", "url": url,
            "changeset": "2026-01-01T00:00:00+08:00", "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


def _service(c):
    return {
        "service_code": c.code, "service_name": c.name, "description": c.registration_condition,
        "metadata": bool(c.extra_questions), "type": "realtime", "keywords": f"{c.parent.name},{c.name}",
        "group": c.parent.name,
    }


def services(request, fmt):
    if (bad := _check(fmt, request)) is not None:
        return bad
    return respond(fmt, "services", [_service(c) for c in _categories()])


def service_definition(request, code, fmt):
    if (bad := _check(fmt, request)) is not None:
        return bad
    c = _categories().filter(code=code).first()
    if c is None:
        return error(fmt, 404, f"service_code {code} 不存在")
    attributes = []
    for i, q in enumerate(c.extra_questions or [], start=1):
        attributes.append({
            "variable": True, "code": q.get("code"), "datatype": q.get("datatype", "string"),
            "required": bool(q.get("required")), "datatype_description": q.get("datatype_description", ""),
            "order": i, "description": q.get("label", ""),
            "values": [{"key": v.get("key"), "name": v.get("name")} for v in q.get("values") or []],
        })
    return respond(fmt, "service_definition", {"service_code": c.code, "attributes": attributes})


def _status(case):
    return "closed" if case.state in CLOSED else "open"


def _status_notes(case):
    labels = {CaseState.REJECTED: "不予立案", CaseState.CANCELLED: "已撤销", CaseState.MERGED: "已与同一问题合并办理"}
    return str(labels.get(case.state, CaseState(case.state).label))


def _request_row(request, case):
    """One published case (cases/publication.py): the approved summary or the class name, never
    the reporter's text; rounded position and no address for sensitive classes."""
    photo = next((a for a in case.attachments.all() if a.is_image), None) if photo_published(case) else None
    lat, lng, address = public_position(case)
    return {
        "service_request_id": case.number, "status": _status(case), "status_notes": _status_notes(case),
        "service_name": case.category.name, "service_code": case.category.code,
        "description": public_description(case),
        "agency_responsible": case.current_department.name if case.current_department_id else "",
        "service_notice": "", "requested_datetime": iso(case.reported_at),
        "updated_datetime": iso(case.closed_at or case.handled_at or case.dispatched_at or case.registered_at
                                or case.reported_at),
        "expected_datetime": iso(case.due_at) if case.state not in FINAL_STATES else None,
        "address": address, "address_id": case.component.code if case.component_id and address else "",
        "zipcode": "", "lat": lat, "long": lng,
        "media_url": request.build_absolute_uri(photo.file.url) if photo else "",
    }


def _rows(request, qs):
    qs = qs.select_related("category", "current_department", "component").prefetch_related("attachments")
    return [_request_row(request, c) for c in qs]


def _when(value):
    dt = parse_datetime(value)
    if dt is None:
        d = parse_date(value)
        if d is None:
            raise ValueError(value)
        dt = datetime.datetime.combine(d, datetime.time())
    return dt if timezone.is_aware(dt) else timezone.make_aware(dt)


@csrf_exempt
def requests_view(request, fmt):
    if (bad := _check(fmt, request)) is not None:
        return bad
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        return error(fmt, 405, "只支持 GET 与 POST")
    qs = published(Case.objects.all())
    ids = _param(request, "service_request_id")
    if ids:
        qs = qs.filter(number__in=[i.strip() for i in ids.split(",") if i.strip()][:MAX_REQUESTS])
    else:
        try:
            end = _when(_param(request, "end_date")) if _param(request, "end_date") else clock.now()
            start = _when(_param(request, "start_date")) if _param(request, "start_date") else \
                end - datetime.timedelta(days=DEFAULT_DAYS)
        except ValueError as exc:
            return error(fmt, 400, f"日期格式不正确：{exc}（应为 W3C/ISO-8601 格式）")
        qs = qs.filter(reported_at__gte=start, reported_at__lte=end)
        codes = _param(request, "service_code")
        if codes:
            qs = qs.filter(category__code__in=[c.strip() for c in codes.split(",")])
        status = _param(request, "status")
        if status:
            wanted = {s.strip().lower() for s in status.split(",")}
            if not wanted <= {"open", "closed"}:
                return error(fmt, 400, "status 只能是 open 或 closed")
            if wanted == {"open"}:
                qs = qs.exclude(state__in=CLOSED)
            elif wanted == {"closed"}:
                qs = qs.filter(state__in=CLOSED)
    qs = qs.order_by("-reported_at", "-id")[:MAX_REQUESTS]
    return respond(fmt, "service_requests", _rows(request, qs))


def _api_key(request):
    plain = _param(request, "api_key")
    if not plain:
        return None
    key = Open311ApiKey.objects.filter(key_hash=actions.hash_key(plain), is_active=True).first()
    if key is not None:
        actions.note_key_used(key)
    return key


def _attributes(request):
    """attribute[code]=value and attribute[code][]=v1&attribute[code][]=v2."""
    data = request.POST if request.method == "POST" else request.GET
    result = {}
    for name in data:
        if not name.startswith("attribute[") or not name.endswith("]"):
            continue
        if name.endswith("[]"):
            code = name[len("attribute["):-3]
            result[code] = [v for v in data.getlist(name) if v != ""]
        else:
            code = name[len("attribute["):-1]
            if data.get(name) != "":
                result[code] = data.get(name)
    return result


def _post_request(request, fmt):
    key = _api_key(request)
    if key is None:
        return error(fmt, 403, "api_key 无效或缺失")
    code = _param(request, "service_code")
    if not code:
        return error(fmt, 400, "缺少 service_code")
    try:
        category = _categories().get(code=code)
    except CaseCategory.DoesNotExist:
        return error(fmt, 400, f"service_code {code} 不存在")
    lat, lng, address = _param(request, "lat"), _param(request, "long"), _param(request, "address_string")
    address_id = _param(request, "address_id")
    if (lat is None or lng is None) and not address and not address_id:
        return error(fmt, 400, "必须提供位置：lat 与 long，或 address_string，或 address_id")
    try:
        lat = float(lat) if lat is not None else None
        lng = float(lng) if lng is not None else None
    except ValueError:
        return error(fmt, 400, "lat/long 必须是数字")
    component = grid = None
    if address_id:
        from gridgov.registry.models import Component

        component = Component.objects.filter(code=address_id).select_related("grid").first()
    if lat is None and component is None:
        grid = _grid_from_address(address)
    description = _param(request, "description") or ""
    name = " ".join(x for x in (_param(request, "last_name"), _param(request, "first_name")) if x)
    try:
        case = actions.report_case(
            actor=request.user, category=category, title=(description[:30] or category.name), description=description,
            channel=Channel.OPEN311, lng=lng, lat=lat, grid=grid, address=address or "", component=component,
            reporter_name=name, reporter_phone=_param(request, "phone") or "", attributes=_attributes(request),
            api_key=key,
        )
    except ValidationError as exc:
        msgs = exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]
        return error(fmt, 400, "；".join(m for ms in msgs for m in ms))
    except PermissionDenied as exc:
        return error(fmt, 403, str(exc))
    return respond(fmt, "service_requests", [{
        "service_request_id": case.number, "service_notice": f"已受理，可凭查询码 {case.public_token} 查看进度",
        "account_id": None,
    }], status=201)


def _grid_from_address(address):
    """Without coordinates, an address naming a grid (or its code) is placed in that grid."""
    from gridgov.divisions.models import Division

    if not address:
        return None
    return Division.objects.current_grids().filter(
        Q(code=address.strip()) | Q(name=address.strip())).first()


def request_detail(request, request_id, fmt):
    if (bad := _check(fmt, request)) is not None:
        return bad
    rows = _rows(request, published(Case.objects.filter(number=request_id)))
    if not rows:
        return error(fmt, 404, f"service_request_id {request_id} 不存在")
    return respond(fmt, "service_requests", rows)


def token(request, token_id, fmt):
    if (bad := _check(fmt, request)) is not None:
        return bad
    case = Case.objects.filter(public_token=token_id).only("number").first()
    if case is None:
        return error(fmt, 404, "token 不存在")
    return respond(fmt, "service_requests", [{"service_request_id": case.number, "token": token_id}])


def root(request):
    return discovery(request, "json")

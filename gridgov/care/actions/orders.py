"""Writes on orders: submit (with subsidy and, for a public part of a building, a case), the
provider's accept / check in / finish, cancel, the resident's rating and the staff's return
visit (回访)."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core import audit, clock, pii
from gridgov.core.access import ensure_visible, require
from gridgov.core.actors import action

from .. import subsidy
from ..choices import OPEN_STATUSES, ORDER_KIND_OF, OrderKind, OrderStatus
from ..models import Order, OrderLine, ServiceItem
from ..scoping import provider_ids
from .common import acts_for, require_for_person, require_provider_side

MAX_LINES = 20
MAX_WINDOW = datetime.timedelta(days=60)


def _number():
    return f"{clock.now():%y%m%d}{secrets.randbelow(10**8):08d}"


def _lines(provider, items):
    """[(item, quantity)] → checked line dicts; every item must be an active one of `provider`."""
    if not items:
        raise ValidationError({"items": "请至少选择一个服务项目"})
    if len(items) > MAX_LINES:
        raise ValidationError({"items": f"一次最多 {MAX_LINES} 项"})
    out = []
    for item, quantity in items:
        if not isinstance(item, ServiceItem) or item.provider_id != provider.pk or not item.is_active:
            raise ValidationError({"items": "所选项目不属于该服务商或已下架"})
        try:
            quantity = int(quantity)
        except (TypeError, ValueError):
            quantity = 0
        if not 1 <= quantity <= 99:
            raise ValidationError({"items": f"“{item.name}”的数量须为 1–99"})
        out.append({"item": item, "name": item.name, "category": item.category, "quantity": quantity,
                    "unit_price_fen": item.price_fen, "amount_fen": item.price_fen * quantity,
                    "minutes": item.minutes * quantity})
    return out


def _window(start, end):
    if start is None and end is None:
        return None, None
    if start is None or end is None or end <= start:
        raise ValidationError({"window_start": "请填写完整的预约时段，结束须晚于开始"})
    now = clock.now()
    if end < now:
        raise ValidationError({"window_start": "预约时段已过，请重新选择"})
    if start > now + MAX_WINDOW:
        raise ValidationError({"window_start": "最多预约 60 天内的时段"})
    return start, end


def _public_repair_case(actor, order, person):
    """A repair to a public part of a building becomes a case (cases' own report action)."""
    from gridgov.cases.actions.reporting import report_case
    from gridgov.cases.choices import Channel
    from gridgov.cases.models import CaseCategory

    name = getattr(settings, "CARE_PUBLIC_REPAIR_CATEGORY", "物业服务")
    category = CaseCategory.objects.filter(name=name, parent__isnull=False, is_active=True).first()
    if category is None or person is None or person.grid_id is None:
        raise ValidationError({"public_part": "无法转为事件：缺少事件类别“物业服务”或住户所在网格"})
    resident = acts_for(actor, person)
    return report_case(
        actor=actor, category=category, title=f"公共部位维修：{order.description[:40] or order.address[:40]}",
        description=f"居民报修（订单 {order.number}，服务商 {order.provider.name}）：{order.description}",
        channel=Channel.WEB if resident else Channel.COUNTER, grid=person.grid, address=order.address[:200],
        reporter_name=person.name if not resident else "")


@action
def submit_order(*, actor, provider, person, items, address="", description="", window_start=None,
                 window_end=None, contact_name="", contact_phone="", subsidy_rule=None, public_part=False):
    """Order from a provider for `person`: by the person's resident account, an authorised
    relative, or staff at the counter (`care.add_order`). With `subsidy_rule` the order uses
    government-subsidised minutes, refused in Chinese naming the rule when the person is not
    eligible or has none left this month. A repair with `public_part` also files a case."""
    from gridgov.registry.models import Person

    if person is None:
        raise ValidationError({"person": "请选择服务对象"})
    person = Person.objects.select_for_update().get(pk=person.pk)  # one subsidy count at a time per person
    require_for_person(actor, person, "care.add_order")
    kind = ORDER_KIND_OF.get(provider.kind)
    if kind is None or not provider.is_active:
        raise ValidationError({"provider": "该服务商不接受订单"})
    if not (person.division_code or "").startswith(provider.division_code):
        raise ValidationError({"provider": f"“{provider.name}”只服务本社区居民"})
    if public_part and kind != OrderKind.REPAIR:
        raise ValidationError({"public_part": "只有维修订单可以报公共部位"})
    if subsidy_rule is not None and kind != OrderKind.CARE:
        raise ValidationError({"subsidy_rule": "政府补贴只用于居家养老服务"})
    lines = _lines(provider, items)
    start, end = _window(window_start, window_end)
    if kind in (OrderKind.REPAIR, OrderKind.CARE) and start is None:
        raise ValidationError({"window_start": "请选择上门时段"})
    address = (address or "").strip()
    if not address:
        raise ValidationError({"address": "请填写服务地址"})
    total = sum(line["amount_fen"] for line in lines)
    sub_minutes = sub_fen = 0
    if subsidy_rule is not None:
        reason = subsidy.check(subsidy_rule, person)
        if reason:
            raise ValidationError({"subsidy_rule": reason})
        left = subsidy.left_minutes(person, subsidy_rule, clock.today())
        if left <= 0:
            raise ValidationError({"subsidy_rule": f"“{subsidy_rule.name}”本月补贴时长已用完"})
        sub_minutes, sub_fen = subsidy.apply(subsidy_rule, lines, left)
        if not sub_minutes:
            raise ValidationError({"subsidy_rule": f"所选项目不在“{subsidy_rule.name}”补贴范围内"})
    order = Order(
        number=_number(), kind=kind, provider=provider, person=person,
        ordered_by=actor if getattr(actor, "pk", None) else None, division_code=person.division_code,
        contact_name=(contact_name or person.name)[:50], contact_phone=pii.normalise(contact_phone)[:20],
        address=address[:200], description=(description or "").strip()[:500], window_start=start, window_end=end,
        total_fen=total, subsidy_rule=subsidy_rule, subsidy_minutes=sub_minutes, subsidy_fen=sub_fen,
        public_part=bool(public_part), submitted_at=clock.now())
    order.full_clean(exclude=["completion_photo"])
    order.save()
    OrderLine.objects.bulk_create([OrderLine(order=order, item=line["item"], name=line["name"],
                                             unit_price_fen=line["unit_price_fen"], quantity=line["quantity"],
                                             minutes=line["minutes"], amount_fen=line["amount_fen"])
                                   for line in lines])
    if public_part:
        order.case = _public_repair_case(actor, order, person)
        order.save(update_fields=["case"])
    audit.record(actor, "care.submit_order", order, after=audit.snapshot(
        order, ["number", "kind", "provider", "person", "total_fen", "subsidy_rule", "subsidy_minutes", "subsidy_fen",
                "public_part", "case"]))
    if acts_for(actor, person) is None:
        ensure_visible(actor, order)
    return order


def _locked(order):
    return Order.objects.select_for_update().get(pk=order.pk)


def _expect(order, *states):
    if order.status not in states:
        raise ValidationError(f"订单当前状态为“{order.status_label()}”，不能进行此操作")


@action
def accept_order(*, actor, order, worker_name=""):
    """The provider takes the order (a merchant confirms it)."""
    order = _locked(order)
    require_provider_side(actor, order.provider, "care.change_order", order.division_code)
    _expect(order, OrderStatus.SUBMITTED)
    order.status, order.accepted_at = OrderStatus.ACCEPTED, clock.now()
    order.worker_name = (worker_name or "").strip()[:50] or order.worker_name
    order.save(update_fields=["status", "accepted_at", "worker_name"])
    audit.record(actor, "care.accept_order", order, after={"status": order.status, "worker": order.worker_name})
    return order


def _point(lng, lat):
    if lng in (None, "") or lat in (None, ""):
        return None, None
    try:
        lng, lat = float(lng), float(lat)
    except (TypeError, ValueError):
        raise ValidationError({"location": "定位数据无效"}) from None
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise ValidationError({"location": "定位数据无效"})
    return lng, lat


@action
def check_in(*, actor, order, lng=None, lat=None):
    """The worker arrives at the home: time and (when the phone gives it) location. For a goods
    order this is 'out for delivery'."""
    order = _locked(order)
    require_provider_side(actor, order.provider, "care.change_order", order.division_code)
    _expect(order, OrderStatus.ACCEPTED)
    order.checkin_lng, order.checkin_lat = _point(lng, lat)
    order.checkin_at, order.status = clock.now(), OrderStatus.IN_PROGRESS
    order.save(update_fields=["checkin_at", "checkin_lng", "checkin_lat", "status"])
    audit.record(actor, "care.check_in", order, after={"at": order.checkin_at.isoformat(), "lng": order.checkin_lng,
                                                        "lat": order.checkin_lat})
    return order


@action
def check_out(*, actor, order, lng=None, lat=None, note="", photo=None):
    """The worker leaves: the order is done, with the time, location, a note and (optional) a
    completion photo through the core image helper."""
    order = _locked(order)
    require_provider_side(actor, order.provider, "care.change_order", order.division_code)
    _expect(order, OrderStatus.IN_PROGRESS)
    if photo is not None:
        from gridgov.core.uploads import clean_image

        image = clean_image(photo)
        order.completion_photo.save(image.name, image, save=False)
    now = clock.now()
    order.checkout_lng, order.checkout_lat = _point(lng, lat)
    order.checkout_at, order.done_at, order.status = now, now, OrderStatus.DONE
    order.completion_note = (note or "").strip()[:300]
    order.save(update_fields=["checkout_at", "checkout_lng", "checkout_lat", "done_at", "status", "completion_note",
                              "completion_photo"])
    audit.record(actor, "care.check_out", order, after={"at": now.isoformat(), "lng": order.checkout_lng,
                                                         "lat": order.checkout_lat, "photo": bool(photo)})
    return order


@action
def cancel_order(*, actor, order, reason=""):
    """Cancel an order not yet done: the resident (or relative) before the work starts, the
    provider or staff with a reason. Subsidised minutes come back with it."""
    order = _locked(order)
    _expect(order, *OPEN_STATUSES)
    mine = acts_for(actor, order.person)
    if mine is False:
        raise PermissionDenied("只能取消本人或授权家人的订单")
    if mine:
        if order.status == OrderStatus.IN_PROGRESS:
            raise ValidationError("服务已开始，不能取消")
    else:
        require_provider_side(actor, order.provider, "care.change_order", order.division_code)
        if not (reason or "").strip():
            raise ValidationError({"reason": "请填写取消原因"})
    order.status, order.cancelled_at = OrderStatus.CANCELLED, clock.now()
    order.cancel_reason = (reason or "").strip()[:200]
    order.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    audit.record(actor, "care.cancel_order", order, after={"reason": order.cancel_reason})
    return order


@action
def rate_order(*, actor, order, rating, comment=""):
    """The resident (or relative) rates a done order, once."""
    order = _locked(order)
    if not acts_for(actor, order.person):
        require(actor, "care.change_order", order.division_code)  # staff record a rating given by phone
        if provider_ids(actor) is not None:
            raise PermissionDenied("服务商不能评价自己的订单")
    _expect(order, OrderStatus.DONE)
    if order.rating:
        raise ValidationError("该订单已评价")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": "评分须为 1–5 星"})
    order.rating, order.rating_comment, order.rated_at = rating, (comment or "").strip()[:300], clock.now()
    order.save(update_fields=["rating", "rating_comment", "rated_at"])
    audit.record(actor, "care.rate_order", order, after={"rating": rating})
    return order


@action
def return_visit(*, actor, order, satisfaction, note=""):
    """Community staff call back after a care order (回访)."""
    order = _locked(order)
    if provider_ids(actor) is not None or acts_for(actor, order.person) is not None:
        raise PermissionDenied("回访由社区工作人员进行")
    require(actor, "care.change_order", order.division_code)
    _expect(order, OrderStatus.DONE)
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": "满意度须为 1–5"})
    order.revisit_at, order.revisit_by = clock.now(), actor
    order.revisit_satisfaction, order.revisit_note = satisfaction, (note or "").strip()[:300]
    order.save(update_fields=["revisit_at", "revisit_by", "revisit_satisfaction", "revisit_note"])
    audit.record(actor, "care.return_visit", order, after={"satisfaction": satisfaction})
    return order

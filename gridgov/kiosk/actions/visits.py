"""Kiosk-side writes: identifying the resident at the terminal and reporting a problem. They run
as the anonymous visitor (the device key was checked by `device.kiosk_required`) and name the
device in the audit."""

from dataclasses import dataclass

from gridgov.core import audit, pii, throttle
from gridgov.core.actors import action
from gridgov.registry.identity import IdentityError, check_resident_id

from .. import device as auth
from .devices import _kiosk_only

FAIL_LIMIT = 5  # failed identifications per terminal, and per ID number …
LOCK_SECONDS = 15 * 60  # … within this window lock identification for the rest of it
LOCKED = "核验失败次数过多，本终端的身份核验已暂停 15 分钟。如需帮助，请到社区服务窗口办理。"
NOT_FOUND = "信息不一致：请核对姓名、身份证号码和手机号后四位。多次失败将暂停核验。"


@dataclass
class Identified:
    person: object = None
    error: str = ""
    field: str = ""


def _fail_keys(device, id_hash):
    keys = [f"kiosk:idfail:dev:{device.pk}"]
    if id_hash:
        keys.append(f"kiosk:idfail:id:{id_hash}")
    return keys


def is_locked(device, id_hash=""):
    return any(throttle.blocked(k, FAIL_LIMIT) for k in _fail_keys(device, id_hash))


def _count_failure(keys):
    for k in keys:
        throttle.record(k, LOCK_SECONDS)


def clear_failures(device):
    throttle.reset(f"kiosk:idfail:dev:{device.pk}")


@action
def identify_resident(*, actor, device, name, id_number, phone_last4=""):
    """Match name + ID number (+ the phone's last four digits when the registry has a phone)
    against the registry by the keyed hash; never shows the number. Failures are counted per
    terminal and per ID number; at FAIL_LIMIT identification is locked for LOCK_SECONDS.
    Returns `Identified(person)` or `Identified(error=…)`; both are audited."""
    _kiosk_only(actor)
    name = "".join((name or "").split())
    if not name:
        return Identified(error="请填写姓名", field="name")
    try:
        number, _birth, _sex = check_resident_id(id_number)
    except IdentityError as exc:
        return Identified(error=f"身份证号码：{exc}", field="id_number")
    phone_last4 = (phone_last4 or "").strip()
    if phone_last4 and (len(phone_last4) != 4 or not phone_last4.isdigit()):
        return Identified(error="手机号后四位应为 4 位数字", field="phone_last4")
    id_hash = pii.keyed_hash(number)
    keys = _fail_keys(device, id_hash)
    if is_locked(device, id_hash):
        return Identified(error=LOCKED)
    from gridgov.registry.choices import PersonStatus
    from gridgov.registry.models import Person

    person = (Person.objects.filter(id_hash=id_hash, status=PersonStatus.ACTIVE)
              .only("pk", "name", "phone_last4", "division_code", "house_id", "household_id", "grid_id").first())
    ok = person is not None and person.name == name and (not person.phone_last4 or person.phone_last4 == phone_last4)
    who = auth.actor_name(device)
    if not ok:
        _count_failure(keys)
        audit.record(actor, "kiosk.identify_failed", device, actor_name=who)
        return Identified(error=LOCKED if is_locked(device, id_hash) else NOT_FOUND)
    audit.record(actor, "kiosk.identify", person, actor_name=who, after={"device": device.pk})
    return Identified(person=person)


@action
def report_problem(*, actor, device, category, title, description="", address="", grid=None, lng=None, lat=None,
                   reporter_name="", reporter_phone=""):
    """反映问题 at the terminal: the cases app's intake on the kiosk channel. Without a point the
    case goes to the terminal's own community (its first grid)."""
    _kiosk_only(actor)
    from gridgov.cases.actions import report_case
    from gridgov.cases.choices import Channel, Urgency

    if grid is None and lng in (None, "") and lat in (None, ""):
        grid = _first_grid(device)
    case = report_case(
        actor=actor, category=category, title=title, description=description, channel=Channel.KIOSK, lng=lng, lat=lat,
        grid=grid, address=address or device.location, urgency=Urgency.NORMAL, reporter_name=reporter_name,
        reporter_phone=reporter_phone, ip=f"kiosk:{device.pk}",
    )
    audit.record(actor, "kiosk.report_problem", case, actor_name=auth.actor_name(device), after={"device": device.pk})
    return case


def _first_grid(device):
    from gridgov.divisions.models import Division

    return Division.objects.filter(parent_id=device.community_id, level=4).order_by("code").first()

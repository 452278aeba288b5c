"""Rows the tiny demo does not make, added for the access tests so every scoped model has a row
outside the test users' scope (and the check bites).

The tiny demo has one street with two communities A and B, each with two grids. The access
tests look as the grid worker of A's first grid and as a community user of B, so A's *second*
grid (and A itself, for rows kept at community level) is outside both. Rows are written with the
ORM on purpose: this is test data, made only where the demo left a model empty outside scope;
`test_every_scoped_model_has_an_out_of_scope_row` fails when a later model is left without one.
"""

import datetime

from django.apps import apps
from django.utils import timezone


def outside_all(model, prefixes_list):
    qs = model._base_manager.all()
    for prefixes in prefixes_list:
        for p in prefixes:
            qs = qs.exclude(division_code__startswith=p)
    return qs


def add_missing_rows(grid_code: str, prefixes_list) -> list[str]:
    """For every model below with no row outside all `prefixes_list`, make one in `grid_code`
    (a grid outside them all) or its community; return the labels made."""
    from gridgov.divisions.models import Division
    from gridgov.registry.models import Person

    grid = Division.objects.get(code=grid_code)
    community_code = grid_code[:12]
    person = Person.objects.filter(division_code=grid_code).order_by("pk").first()
    assert person is not None, f"演示数据中网格 {grid_code} 没有人员"
    now = timezone.now()
    made = []

    def need(label):
        model = apps.get_model(label)
        if outside_all(model, prefixes_list).exists():
            return False
        made.append(label)
        return True

    if need("registry.Visit"):
        apps.get_model("registry.Visit")._base_manager.create(
            grid=grid, division_code=grid_code, person=person, note="访问记录", at=now)
    if need("registry.ChangeRequest"):
        apps.get_model("registry.ChangeRequest")._base_manager.create(
            grid=grid, division_code=grid_code, target_type="person", target_id=person.pk,
            summary="变更申请", requested_at=now)
    if need("registry.PersonEvent"):
        apps.get_model("registry.PersonEvent")._base_manager.create(
            person=person, division_code=grid_code, kind="import", at=now, note="事件说明")

    doctor = apps.get_model("care.Doctor")._base_manager.filter(division_code__startswith=community_code).first()
    slot = apps.get_model("care.Slot")._base_manager.filter(division_code__startswith=community_code).first()
    if doctor is not None and (need("care.Slot") or slot is None):
        schedule = doctor.schedules.order_by("pk").first()
        slot = apps.get_model("care.Slot")._base_manager.create(
            schedule=schedule, doctor=doctor, division_code=doctor.division_code,
            date=timezone.localdate() + datetime.timedelta(days=7), capacity=schedule.capacity, booked=1)
    if slot is not None and need("care.Appointment"):
        apps.get_model("care.Appointment")._base_manager.create(
            slot=slot, doctor=slot.doctor, person=person, division_code=grid_code, note="病情简述", booked_at=now)

    profile = _profile(person, grid_code, community_code)
    if need("portal.FamilyLink"):
        apps.get_model("portal.FamilyLink")._base_manager.create(
            proxy=profile, elder=person, relation="子女", division_code=grid_code)
    facility = apps.get_model("community.Facility")._base_manager.filter(division_code=community_code).first()
    if facility is not None and need("portal.Booking"):
        start = now + datetime.timedelta(days=3)
        apps.get_model("portal.Booking")._base_manager.create(
            facility=facility, resident=profile, starts_at=start, ends_at=start + datetime.timedelta(hours=1),
            purpose="预约用途", division_code=facility.division_code)
    session_slot = apps.get_model("portal.SessionSlot")._base_manager.filter(
        division_code__startswith=community_code).first()
    if session_slot is not None and need("portal.SessionSignup"):
        apps.get_model("portal.SessionSignup")._base_manager.create(
            slot=session_slot, resident=profile, for_person=person, division_code=session_slot.division_code)

    rating = apps.get_model("services.Rating")._base_manager.filter(
        division_code__startswith=community_code, rectification__isnull=True).first()
    if rating is not None and need("services.Rectification"):
        apps.get_model("services.Rectification")._base_manager.create(
            rating=rating, division_code=rating.division_code, opened_at=now,
            due_at=now + datetime.timedelta(days=21), response="整改情况")

    group = apps.get_model("services.ServiceGroup")._base_manager.filter(division_code=community_code).first()
    svc_slot = None
    if group is not None and (need("services.AppointmentSlot") | need("services.Appointment")):
        svc_slot = apps.get_model("services.AppointmentSlot")._base_manager.create(
            group=group, division_code=group.division_code, day=timezone.localdate() + datetime.timedelta(days=7),
            start=datetime.time(9), end=datetime.time(9, 30), capacity=5, booked=1)
        apps.get_model("services.Appointment")._base_manager.create(
            slot=svc_slot, person=person, division_code=group.division_code, day=svc_slot.day, code="246810",
            booked_at=now)
    if need("services.ProxyNeed"):
        copy_into("services.ProxyNeed", grid, person=person, member=None, application=None)
    account = payment = None
    if need("utilities.UtilityAccount"):
        account = copy_into("utilities.UtilityAccount", grid, account_no=f"access-{grid_code}", house=None,
                            household=None)
    if need("utilities.Bill"):
        account = account or copy_into("utilities.UtilityAccount", grid, account_no=f"access-b-{grid_code}",
                                       house=None, household=None)
        copy_into("utilities.Bill", grid, account=account, payment=None, status="unpaid", paid_at=None)
    if need("utilities.Refund") | need("utilities.PaymentEvent"):
        # the demo's bills are all in one grid: copy one of its payments into `grid_code`
        payment = copy_into("utilities.Payment", grid, idempotency_key=f"access-{grid_code}", provider_txn_id="")
        apps.get_model("utilities.Refund")._base_manager.create(
            payment=payment, division_code=grid_code, amount_fen=100, reason="退款原因",
            status="succeeded", created_at=now)
        copy_into("utilities.PaymentEvent", grid, payment=payment)
    return made


def copy_into(label, grid, **overrides):
    """A copy of the model's first row, moved into `grid` (its `division_code` and `grid`)."""
    model = apps.get_model(label)
    row = model._base_manager.order_by("pk").first()
    assert row is not None, f"演示数据中没有 {label}"
    row.pk = None
    row._state.adding = True
    row.division_code = grid.code
    if any(f.name == "grid" for f in model._meta.concrete_fields):
        row.grid = grid
    for name, value in overrides.items():
        setattr(row, name, value)
    row.save()
    return row


def _profile(person, grid_code, community_code):
    """A resident account living in `grid_code` (the portal's booking and proxy rows need one)."""
    from gridgov.accounts.models import User
    from gridgov.divisions.models import Division

    Profile = apps.get_model("portal.ResidentProfile")
    found = Profile._base_manager.filter(division_code=grid_code).first()
    if found is not None:
        return found
    user = User.objects.create(username=f"access-resident-{grid_code}", full_name="访问测试居民")
    return Profile._base_manager.create(
        user=user, community=Division.objects.get(code=community_code), division_code=grid_code,
        display_name="测试居民", phone_hash=f"access-{grid_code}", phone_masked="138****0000", person=person)

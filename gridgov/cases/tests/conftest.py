"""Fixtures of the cases tests: a class with known limits, a department and its handler, a
street dispatcher/supervisor, and a helper that walks a case along the workflow."""

import datetime

import pytest
from django.utils import timezone

from gridgov.accounts.choices import RoleCode
from gridgov.core import clock

POINT = (111.707, 29.041)  # inside grid 430702004001001 of the shared test tree
MONDAY_9 = timezone.make_aware(datetime.datetime(2026, 11, 23, 9, 0))  # a Monday, 09:00 Beijing time


def _ensure_defaults():
    """Transactional tests flush tables; put the default classes and departments back."""
    import importlib

    from django.apps import apps

    from gridgov.cases.models import CaseCategory

    if not CaseCategory.objects.exists():
        importlib.import_module("gridgov.cases.migrations.0002_defaults").seed(apps, None)
        importlib.import_module("gridgov.cases.migrations.0005_security_public_classes_and_media").flag_classes(
            apps, None)


@pytest.fixture
def department(db):
    from gridgov.accounts.models import Department

    _ensure_defaults()
    return Department.objects.get(code="zjj")


@pytest.fixture
def category(db, department):
    from gridgov.cases.models import CaseCategory

    c = CaseCategory.objects.get(code="A0401")  # 突发事件 / 路面塌陷
    c.default_department = department
    c.accept_minutes, c.accept_minutes_urgent, c.sign_minutes = 30, 10, 30
    c.handle_minutes, c.handle_minutes_urgent = 240, 60
    c.verify_minutes_city, c.verify_minutes_rural, c.close_minutes = 60, 120, 60
    c.duplicate_radius_m = 50
    c.extra_questions = [{"code": "depth", "label": "深度", "datatype": "singlevaluelist", "required": True,
                          "values": [{"key": "shallow", "name": "浅"}, {"key": "deep", "name": "深"}]}]
    c.save()
    return c


@pytest.fixture
def handler(make_user, department):
    return make_user(RoleCode.DEPARTMENT_HANDLER, None, department=department, username="handler-zjj")


@pytest.fixture
def dispatcher(make_user, tree):
    """Street staff of 丹阳街道: registers, dispatches, supervises, closes."""
    return make_user(RoleCode.STREET_STAFF, tree["430702004000"], username="street-danyang")


@pytest.fixture
def resident(make_user, tree):
    return make_user(RoleCode.RESIDENT, None, username="resident-1")


@pytest.fixture
def photo():
    from gridgov.core.testing import image_upload

    def make(name="p.jpg"):
        return image_upload(name)

    return make


@pytest.fixture
def new_case(grid_worker, category, tree):
    from gridgov.cases import actions
    from gridgov.cases.choices import Channel

    def make(actor=None, lng=POINT[0], lat=POINT[1], **kw):
        kw.setdefault("attributes", {"depth": "deep"})
        return actions.report_case(actor=actor or grid_worker, category=kw.pop("category", category),
                                   title=kw.pop("title", "路面塌陷一处"), channel=kw.pop("channel", Channel.GRID_WORKER),
                                   lng=lng, lat=lat, **kw)

    return make


@pytest.fixture
def walk(dispatcher, handler, grid_worker, photo):
    """walk(case, 'closed') moves a case through the normal steps up to the given state."""
    from gridgov.cases import actions

    steps = [
        ("registered", lambda c: actions.register_case(actor=dispatcher, case=c)),
        ("dispatched", lambda c: actions.dispatch_case(actor=dispatcher, case=c)),
        ("handling", lambda c: actions.accept_case(actor=handler, case=c)),
        ("handled", lambda c: actions.handle_case(actor=handler, case=c, note="已修复", photos=[photo()])),
        ("verified", lambda c: actions.verify_case(actor=grid_worker, case=c, passed=True)),
        ("closed", lambda c: actions.close_case(actor=dispatcher, case=c)),
    ]

    order = ["reported"] + [s for s, _ in steps]

    def run(case, until):
        case.refresh_from_db()
        for state, step in steps:
            if order.index(state) <= order.index(case.state):
                continue
            step(case)
            case.refresh_from_db()
            if state == until:
                break
        return case

    return run


@pytest.fixture
def frozen():
    """frozen(dt) as a context manager (alias of gridgov.core.clock.frozen)."""
    return clock.frozen

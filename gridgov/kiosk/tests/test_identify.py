import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from gridgov.core.models import AuditEntry
from gridgov.registry import actions as registry
from gridgov.registry.identity import make_resident_id

pytestmark = pytest.mark.django_db

ID = make_resident_id("430702", datetime.date(1956, 5, 6), 11)
OTHER = make_resident_id("430702", datetime.date(1990, 2, 3), 12)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def resident(admin_user, tree):
    return registry.register_person(actor=admin_user, grid=tree["430702004001001"], data={
        "name": "刘秀英", "id_number": ID, "phone": "13807361234"})


def post(client, **data):
    return client.post(reverse("kiosk:identify"), {"name": "", "id_number": "", "phone_last4": "", **data})


def test_identify_by_name_id_and_phone_last4(terminal, resident):
    r = post(terminal, name="刘秀英", id_number=ID.lower(), phone_last4="1234")
    assert r.status_code == 302
    assert terminal.session["kiosk_person"] == resident.pk
    home = terminal.get(reverse("kiosk:home")).content.decode()
    assert "刘**" in home and ID not in home and "刘秀英" not in home
    entry = AuditEntry.objects.get(action="kiosk.identify")
    assert entry.actor is None and "自助终端" in entry.actor_name
    # idle reset (the page goes to ?end=1) forgets the resident
    terminal.get(reverse("kiosk:home") + "?end=1")
    assert "kiosk_person" not in terminal.session


def test_mismatch_never_tells_which_part_was_wrong(terminal, resident):
    for data in ({"name": "刘秀", "id_number": ID, "phone_last4": "1234"},
                 {"name": "刘秀英", "id_number": ID, "phone_last4": "9999"},
                 {"name": "刘秀英", "id_number": ID, "phone_last4": ""},  # the registry has a phone
                 {"name": "刘秀英", "id_number": OTHER, "phone_last4": "1234"}):
        page = post(terminal, **data).content.decode()
        assert "信息不一致" in page and ID not in page
    assert AuditEntry.objects.filter(action="kiosk.identify_failed").count() == 4


def test_bad_id_format_is_named_and_not_counted(terminal, resident):
    page = post(terminal, name="刘秀英", id_number="123").content.decode()
    assert "身份证号码：身份证号码应为18位" in page
    assert not AuditEntry.objects.filter(action="kiosk.identify_failed").exists()


def test_repeated_failures_lock_identification(terminal, resident):
    for _ in range(5):
        post(terminal, name="王某", id_number=ID, phone_last4="0000")
    page = post(terminal, name="刘秀英", id_number=ID, phone_last4="1234").content.decode()
    assert "核验失败次数过多" in page and "15 分钟" in page
    assert "kiosk_person" not in terminal.session


def test_failures_on_one_id_lock_it_at_every_terminal(client, kiosk, a_staff, tree, resident):
    from gridgov.kiosk import actions
    from gridgov.kiosk.device import COOKIE

    first, key = kiosk
    client.cookies[COOKIE] = key
    for _ in range(5):
        post(client, name="王某", id_number=ID, phone_last4="0000")
    _other, key2 = actions.register_device(actor=a_staff, community=tree["430702004001"], data={"name": "二号机"})
    client.cookies[COOKIE] = key2
    assert "核验失败次数过多" in post(client, name="刘秀英", id_number=ID, phone_last4="1234").content.decode()
    assert "kiosk_person" not in client.session

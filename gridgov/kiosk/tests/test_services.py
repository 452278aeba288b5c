"""办事申请, 办件查询 and 窗口取号 at the terminal through the services app."""

import datetime

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gridgov.core.testing import image_bytes
from gridgov.registry import actions as registry
from gridgov.registry.identity import make_resident_id

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not apps.is_installed("gridgov.services"), reason="services 应用尚未安装")]
A, A1 = "430702004001", "430702004001001"
RID = make_resident_id("430702", datetime.date(1960, 3, 4), 21)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalogue(db):
    from gridgov.core.actors import system_actor
    from gridgov.services.actions import load_default_catalogue
    from gridgov.services.models import ServiceItem

    if not ServiceItem.objects.exists():  # a flushing test ran before
        load_default_catalogue(actor=system_actor())
    return ServiceItem.objects.get(code="YB003")


@pytest.fixture
def identified(terminal, admin_user, tree):
    person = registry.register_person(actor=admin_user, grid=tree[A1], data={"name": "周建华", "id_number": RID})
    r = terminal.post(reverse("kiosk:identify"), {"name": "周建华", "id_number": RID, "phone_last4": ""})
    assert r.status_code == 302
    return person


def test_filing_needs_identification(terminal, catalogue):
    r = terminal.get(reverse("kiosk:apply_item", args=[catalogue.pk]))
    assert r.status_code == 302 and r.url.startswith(reverse("kiosk:identify"))
    assert "异地就医备案" in terminal.get(reverse("kiosk:apply"), {"q": "ydjy"}).content.decode()


def test_file_an_application_and_print_the_receipt(terminal, catalogue, identified):
    from gridgov.services.models import Application

    url = reverse("kiosk:apply_item", args=[catalogue.pk])
    page = terminal.get(url).content.decode()
    assert "就医地" in page and "周建华" in page
    # a required material missing: the services app's Chinese message, nothing filed
    page = terminal.post(url, {"f_place": "广州市", "f_reason": "异地长期居住"}).content.decode()
    assert "缺少申请材料“居民身份证”" in page and not Application.objects.exists()
    photo = SimpleUploadedFile("id.jpg", image_bytes(), content_type="image/jpeg")
    r = terminal.post(url, {"f_place": "广州市", "f_reason": "异地长期居住", "f_phone": "13807365555", "m_m1": photo})
    assert r.status_code == 302, r.content.decode()[:2000]
    app = Application.objects.get()
    assert app.channel == "kiosk" and app.person_id == identified.pk and app.filed_by is None
    receipt = terminal.get(r.url).content.decode()
    assert app.number in receipt and "申请回执" in receipt and "data:image/svg+xml" in receipt
    # 办件查询 by number, and the resident's own
    page = terminal.get(reverse("kiosk:track"), {"number": app.number}).content.decode()
    assert "异地就医备案" in page and "周**" in page
    assert app.number in terminal.get(reverse("kiosk:track"), {"mine": "1"}).content.decode()
    assert "没有找到该办件" in terminal.get(reverse("kiosk:track"), {"number": "123"}).content.decode()


def test_take_a_queue_ticket(terminal, tree, catalogue):
    from gridgov.services.models import ServiceGroup, Ticket

    g = ServiceGroup.objects.create(community=tree[A], division_code=A, name="综合受理", prefix="A")
    assert "综合受理" in terminal.get(reverse("kiosk:ticket")).content.decode()
    page = terminal.post(reverse("kiosk:ticket_take"), {"group": g.pk}).content.decode()
    t = Ticket.objects.get()
    assert t.number == "A001" and t.channel == "kiosk" and "A001" in page and "前面还有" in page
    terminal.post(reverse("kiosk:ticket_take"), {"group": g.pk})
    assert list(Ticket.objects.order_by("seq").values_list("number", flat=True)) == ["A001", "A002"]

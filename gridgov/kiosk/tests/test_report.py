import pytest
from django.urls import reverse

from gridgov.cases.models import Case, CaseCategory
from gridgov.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_category(db):
    major = CaseCategory.objects.create(kind="event", code="KT", name="市容环境")
    return CaseCategory.objects.create(kind="event", code="KT01", name="垃圾堆放", parent=major, is_public=True)


def test_report_a_problem_on_the_kiosk_channel(terminal, kiosk, public_category):
    page = terminal.get(reverse("kiosk:report")).content.decode()
    assert "垃圾堆放" in page
    r = terminal.post(reverse("kiosk:report"), {"category": public_category.pk, "description": "楼下垃圾三天没清",
                                                "phone": "138"})
    assert "11 位手机号" in r.content.decode() and not Case.objects.exists()
    r = terminal.post(reverse("kiosk:report"), {"category": public_category.pk, "description": "楼下垃圾三天没清",
                                                "phone": "13807360000"})
    case = Case.objects.get()
    assert case.channel == "kiosk" and case.division_code.startswith("430702004001")
    assert case.reporter is None and case.filed_by is None and case.title == "垃圾堆放"
    assert case.number in r.content.decode()
    assert "A社区大厅终端" in AuditEntry.objects.get(action="kiosk.report_problem").actor_name


def test_report_needs_a_category(terminal, public_category):
    assert "请选择问题类别" in terminal.post(reverse("kiosk:report"), {}).content.decode()

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gridgov.core import clock
from gridgov.core.actors import system_actor
from gridgov.dashboard import actions
from gridgov.dashboard.choices import Rag, ValueStatus
from gridgov.dashboard.models import IndicatorDefinition, IndicatorValue
from gridgov.dashboard.progress import expected, period_start, rag, rollup_table

from .conftest import DISTRICT, STREET, A, B

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 evidence"


def pdf(name="台账.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_library_ships_fifteen():
    defs = IndicatorDefinition.objects.all()
    assert defs.count() == 15
    assert {g: defs.filter(group=g).count() for g in ("improve", "full", "coverage")} == {
        "improve": 5, "full": 5, "coverage": 5}
    assert defs.get(code="tech_coverage").source == "computed"


def test_pace_rag():
    d = IndicatorDefinition(baseline_value=60, baseline_date=datetime.date(2024, 1, 1), target_value=100,
                            target_date=datetime.date(2026, 1, 1), direction="higher")
    mid = datetime.date(2025, 1, 1)  # about half-way: 80 expected
    assert expected(d, mid).quantize(Decimal("1")) == 80
    assert rag(d, 81, mid) == Rag.GREEN
    assert rag(d, 77, mid) == Rag.AMBER  # 3 behind, gap 40 → within 10 %
    assert rag(d, 70, mid) == Rag.RED
    assert rag(d, 100, datetime.date(2024, 2, 1)) == Rag.GREEN
    assert rag(d, None, mid) == Rag.NONE


def test_reported_approved_and_rolled_up(tree, make_user):
    # given two communities of 丹阳街道 and their staff, and the street's reviewer
    d = IndicatorDefinition.objects.get(code="dispute_resolution")
    staff_a, staff_b = make_user("community_staff", A), make_user("community_staff", B)
    street = make_user("street_staff", STREET)
    today = clock.today()
    # when A and B report with evidence
    va = actions.report_value(actor=staff_a, definition=d, division=tree[A], period_start_day=today, value=90,
                              files=[pdf()])
    vb = actions.report_value(actor=staff_b, definition=d, division=tree[B], period_start_day=today, value=100,
                              files=[pdf()])
    assert va.status == ValueStatus.SUBMITTED and va.evidence.count() == 1
    # then nothing rolls up before review
    start = period_start(today, d.period)
    assert rollup_table([d], tree[STREET], start)[d.id].value is None
    # when the street approves both
    actions.review_value(actor=street, value=va, approve=True)
    actions.review_value(actor=street, value=vb, approve=True)
    # then the street and the district show the mean of the two
    assert rollup_table([d], tree[STREET], start)[d.id].value == Decimal("95.00")
    district = rollup_table([d], tree[DISTRICT], start)[d.id]
    assert district.value == Decimal("95.00") and district.count == 2


def test_review_rules(tree, make_user):
    d = IndicatorDefinition.objects.get(code="care_visit")
    staff = make_user("community_staff", A)
    with pytest.raises(ValidationError):  # evidence is required to submit
        actions.report_value(actor=staff, definition=d, division=tree[A], period_start_day=clock.today(), value=90)
    assert not IndicatorValue.objects.exists()
    v = actions.report_value(actor=staff, definition=d, division=tree[A], period_start_day=clock.today(), value=90,
                             files=[pdf()])
    with pytest.raises(PermissionDenied):  # a community cannot review, nor can the reporter
        actions.review_value(actor=staff, value=v, approve=True)
    other_street = make_user("street_staff", "430702005000")
    with pytest.raises(PermissionDenied):
        actions.review_value(actor=other_street, value=v, approve=True)
    street = make_user("street_staff", STREET)
    with pytest.raises(ValidationError):  # returning needs a note
        actions.review_value(actor=street, value=v, approve=False)
    actions.review_value(actor=street, value=v, approve=False, note="台账不完整")
    v.refresh_from_db()
    assert v.status == ValueStatus.REJECTED
    # the community corrects and resubmits
    v2 = actions.report_value(actor=staff, definition=d, division=tree[A], period_start_day=clock.today(), value=95)
    assert v2.pk == v.pk and v2.status == ValueStatus.SUBMITTED


def test_evidence_is_checked_by_content(tree, make_user):
    d = IndicatorDefinition.objects.get(code="care_visit")
    staff = make_user("community_staff", A)
    fake = SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        actions.report_value(actor=staff, definition=d, division=tree[A], period_start_day=clock.today(), value=9,
                             files=[fake])


def test_computed_coverage_from_facilities(tree, facilities):
    actions.refresh_computed(actor=system_actor())
    start = period_start(clock.today(), "quarter")
    kg = IndicatorDefinition.objects.get(code="kindergarten_coverage")
    rows = dict(IndicatorValue.objects.filter(definition=kg, period_start=start)
                .values_list("division_code", "value"))
    assert rows[A] == 100 and rows[B] == 0
    assert rollup_table([kg], tree[STREET], start)[kg.id].value == Decimal("50.00")  # 1 of 2 communities
    assert actions.refresh_computed(actor=system_actor()) == 0  # idempotent


def test_report_page_and_review_through_the_web(client, tree, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    d = IndicatorDefinition.objects.get(code="population_collection")
    client.force_login(make_user("community_staff", A))
    r = client.post(reverse("dashboard:report"), {
        "definition": d.pk, "division": tree[A].pk, "period_day": clock.today().isoformat(), "value": "98.5",
        "note": "按台账", "files": [pdf()], "submit": "on"})
    assert r.status_code == 302, r.content.decode()[:3000]
    v = IndicatorValue.objects.get()
    client.force_login(make_user("street_staff", STREET))
    assert client.get(reverse("dashboard:evidence", args=[v.evidence.get().pk])).status_code == 200
    client.post(reverse("dashboard:review", args=[v.pk]), {"decision": "approve"})
    v.refresh_from_db()
    assert v.status == ValueStatus.APPROVED
    r = client.get(reverse("dashboard:library") + f"?scope={STREET}")
    assert r.status_code == 200 and "98.50" in r.content.decode()
    # another community's staff cannot open it or its evidence
    client.force_login(make_user("community_staff", B))
    assert client.get(reverse("dashboard:value", args=[v.pk])).status_code == 404
    assert client.get(reverse("dashboard:evidence", args=[v.evidence.get().pk])).status_code == 404


def test_reports_xlsx_and_print(client, tree, make_user):
    client.force_login(make_user("leader", DISTRICT))
    r = client.get(reverse("dashboard:export"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet.max_row == 16 and "丹阳街道" in [c.value for c in sheet[1]]
    r = client.get(reverse("dashboard:print"))
    assert r.status_code == 200 and "社区技防全覆盖" in r.content.decode()
    r = client.get(reverse("dashboard:detail", args=["tech_coverage"]))
    assert r.status_code == 200


def test_definitions_are_data_edited_district_wide(client, tree, make_user):
    client.force_login(make_user("street_staff", STREET))
    assert client.get(reverse("dashboard:definition_edit", args=["care_visit"])).status_code == 404
    client.force_login(make_user("district_admin", DISTRICT))
    d = IndicatorDefinition.objects.get(code="care_visit")
    data = {f: getattr(d, f) for f in ("name", "group", "definition", "unit", "direction", "baseline_value",
                                       "baseline_date", "target_value", "level", "source", "computation",
                                       "aggregation", "period", "sort")}
    data.update(target_date="2027-06-30", is_active="on", code=d.code)
    r = client.post(reverse("dashboard:definition_edit", args=["care_visit"]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    d.refresh_from_db()
    assert d.target_date == datetime.date(2027, 6, 30)

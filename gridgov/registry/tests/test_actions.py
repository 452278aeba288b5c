import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core.models import AuditEntry
from gridgov.divisions.models import Division
from gridgov.registry import actions
from gridgov.registry.choices import PersonEventKind, PersonStatus
from gridgov.registry.models import ChangeRequest, Household, Person, PersonEvent

from .conftest import A1, A2, C1, rid


def test_register_person_derives_identity_columns(place):
    # given the fixture's head of household in A1
    p = place[A1]["head"]
    # then
    assert p.name_pinyin == "zhangsan" and p.name_initials == "zs"
    assert p.id_masked.startswith("4") and "430702" not in p.id_masked and "*" in p.id_masked
    assert p.id_last6 == p.id_number_plain[-6:]
    assert p.birth_date == datetime.date(1980, 1, 1) and p.sex == "M"
    assert p.phone_masked == "138****0001" and p.phone_last4 == "0001"
    assert p.division_code == A1
    assert PersonEvent.objects.filter(person=p, kind=PersonEventKind.REGISTER).exists()
    assert Division.objects.get(code=A1).household_count == 1
    assert place[A1]["building"].__class__.objects.get(pk=place[A1]["building"].pk).household_count == 1


def test_bad_id_number_rejected(place, admin_user):
    with pytest.raises(ValidationError) as exc:
        actions.register_person(actor=admin_user, grid=A1, data={"name": "错号", "id_number": "430702198001010010"})
    assert "校验位" in str(exc.value)


def test_duplicate_id_rejected(place, admin_user):
    with pytest.raises(ValidationError) as exc:
        actions.register_person(actor=admin_user, grid=A2, data={"name": "重复", "id_number": rid(11)})
    assert "已登记" in str(exc.value)


def test_grid_worker_cannot_write_other_grid(place, grid_worker):
    with pytest.raises(PermissionDenied):
        actions.register_person(actor=grid_worker, grid=C1, data={"name": "越权", "id_number": rid(99)})


def test_move_out_and_in(place, grid_worker, admin_user):
    # given
    head = place[A1]["head"]
    # when the head moves out
    actions.move_out(actor=grid_worker, person=head, destination="长沙")
    head.refresh_from_db()
    hh = Household.objects.get(pk=place[A1]["household"].pk)
    # then the household keeps its spouse and loses its head
    assert head.status == PersonStatus.MOVED_OUT and head.house_id is None
    assert hh.head_id is None and hh.is_active
    # when the person moves into A2 (the admin's scope)
    house = place[A2]["houses"][(2, "302")]
    actions.move_in(actor=admin_user, house=house, person=head)
    head.refresh_from_db()
    assert head.status == PersonStatus.ACTIVE and head.division_code == A2
    kinds = list(PersonEvent.objects.filter(person=head).values_list("kind", flat=True))
    assert PersonEventKind.MOVE_OUT in kinds and PersonEventKind.MOVE_IN in kinds


def test_last_member_leaving_closes_household(place, admin_user):
    for key in ("head", "spouse"):
        actions.record_death(actor=admin_user, person=place[C1][key])
    assert not Household.objects.get(pk=place[C1]["household"].pk).is_active
    assert Division.objects.get(code=C1).household_count == 0


def test_birth_and_change_house(place, grid_worker):
    hh = place[A1]["household"]
    baby = actions.record_birth(actor=grid_worker, household=hh, data={"name": "张小宝"},
                                occurred_on=datetime.date(2026, 1, 2))
    assert baby.birth_date == datetime.date(2026, 1, 2) and baby.household_id == hh.pk
    actions.change_house(actor=grid_worker, person=baby, house=place[A1]["houses"][(2, "202")])
    baby.refresh_from_db()
    assert baby.house.room == "202" and baby.household_id is None


def test_reveal_needs_reason_and_is_audited(place, grid_worker, make_user):
    p = place[A1]["head"]
    with pytest.raises(ValidationError):
        actions.reveal_person_field(actor=grid_worker, person=p, field="id_number", reason="")
    value = actions.reveal_person_field(actor=grid_worker, person=p, field="id_number", reason="核实身份")
    assert value == rid(11)
    assert AuditEntry.objects.filter(kind="reveal", object_id=str(p.pk), reason="核实身份").exists()
    # someone else's grid: same refusal as missing
    with pytest.raises(PermissionDenied):
        actions.reveal_person_field(actor=grid_worker, person=place[C1]["head"], field="phone", reason="核实")


def test_change_request_needs_approval(place, grid_worker, make_user, tree):
    from gridgov.accounts.choices import RoleCode

    staff = make_user(RoleCode.COMMUNITY_STAFF, tree["430702004001"])
    p = place[A1]["spouse"]
    cr = actions.request_change(actor=grid_worker, target=p, summary="电话变更", proposed={"phone": "13900001111"})
    assert cr.status == "pending"
    assert Person.objects.get(pk=p.pk).phone_last4 != "1111"
    with pytest.raises(PermissionDenied):
        actions.approve_change(actor=grid_worker, change_request=cr)
    actions.approve_change(actor=staff, change_request=cr)
    assert Person.objects.get(pk=p.pk).phone_last4 == "1111"
    assert ChangeRequest.objects.get(pk=cr.pk).status == "approved"


def test_change_request_without_approval_setting(place, grid_worker, settings):
    settings.REGISTRY_GRID_WORKER_CHANGES_NEED_APPROVAL = False
    b = place[A1]["building"]
    cr = actions.request_change(actor=grid_worker, target=b, summary="物业变更", proposed={"property_company": "新物业"})
    assert cr.status == "approved"
    b.refresh_from_db()
    assert b.property_company == "新物业"


def test_component_code_assigned(place, admin_user, tree):
    from gridgov.registry.models import ComponentClass

    lamp = ComponentClass.objects.get(code="0106")
    c1 = actions.create_component(actor=admin_user, grid=A1, data={"component_class": lamp})
    c2 = actions.create_component(actor=admin_user, grid=A1, data={"component_class": lamp})
    assert c1.code == "4307020106000001" and c2.code == "4307020106000002"
    with pytest.raises(ValidationError):
        actions.create_component(actor=admin_user, grid=A1, data={"component_class": lamp,
                                                                   "code": "4307020102000009"})


def test_entity_credit_code_checked(place, admin_user):
    from gridgov.registry.identity import make_credit_code

    e = actions.create_entity(actor=admin_user, grid=A1, data={"name": "测试公司", "credit_code": make_credit_code("430702", 7)})
    assert e.credit_code.endswith(make_credit_code("430702", 7)[-1])
    bad = make_credit_code("430702", 8)[:-1] + ("0" if make_credit_code("430702", 8)[-1] != "0" else "1")
    with pytest.raises(ValidationError):
        actions.create_entity(actor=admin_user, grid=A1, data={"name": "坏代码", "credit_code": bad})


def test_visit_with_photo(place, grid_worker, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    house = place[A1]["houses"][(1, "101")]
    from gridgov.core.testing import image_upload

    jpeg = image_upload("v.jpg")
    visit = actions.record_visit(actor=grid_worker, house=house, note="入户走访", photo=jpeg, lng=111.7, lat=29.04)
    assert visit.photo.name.startswith("registry/visits/") and visit.division_code == A1
    fake = SimpleUploadedFile("v.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        actions.record_visit(actor=grid_worker, house=house, note="x", photo=fake)
    with pytest.raises(PermissionDenied):
        actions.record_visit(actor=grid_worker, house=place[C1]["houses"][(1, "101")], note="越权")

"""Sign-up, consent, real-name verification, family links, my data, deletion, rate limits."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gridgov.accounts.models import User
from gridgov.portal import actions, sms
from gridgov.portal.models import FamilyLink, ResidentProfile

from .conftest import COMMUNITY, ELDER_ID, PERSON_ID


def _code():
    return sms.outbox[-1][1].split("验证码是 ")[1][:6]


def test_signup_page_two_steps_then_verify_page(client, tree):
    url = reverse("portal:signup", args=[COMMUNITY])
    r = client.post(url, {"phone": "13900002222", "send": "1"})
    assert r.status_code == 200 and "验证码已发送" in r.content.decode()
    r = client.post(url, {"phone": "13900002222", "code": "000000" if _code() != "000000" else "111111",
                          "password": "Resident-2026", "agree": "on", "register": "1"})
    assert "短信验证码不正确" in r.content.decode()
    assert not ResidentProfile.objects.exists()
    sms.send_code("13900002222")
    r = client.post(url, {"phone": "13900002222", "code": _code(), "password": "Resident-2026", "agree": "on",
                          "register": "1"})
    assert r.status_code == 302 and r["Location"] == reverse("portal:verify")
    profile = ResidentProfile.objects.get()
    assert profile.consent_at and profile.phone_masked == "139****2222" and profile.division_code == COMMUNITY


def test_signup_needs_consent(client, tree):
    sms.send_code("13900003333")
    r = client.post(reverse("portal:signup", args=[COMMUNITY]), {
        "phone": "13900003333", "code": _code(), "password": "Resident-2026", "register": "1"})
    assert "请阅读并同意" in r.content.decode()
    assert not User.objects.filter(kind="resident").exists()


def test_duplicate_phone_refused(resident, tree):
    sms.send_code("13800001111")
    with pytest.raises(ValidationError, match="已注册"):
        actions.sign_up(actor=AnonymousUser(), phone="13800001111", code=_code(), password="Resident-2026",
                        community=tree[COMMUNITY])


def test_signup_rate_limited_per_address(client, tree, settings):
    settings.PORTAL_RATE_LIMITS = {"sms": (3, 3600)}
    url = reverse("portal:signup", args=[COMMUNITY])
    for i in range(3):
        assert "验证码已发送" in client.post(url, {"phone": f"1390000{i:04d}", "send": "1"}).content.decode()
    r = client.post(url, {"phone": "13900009999", "send": "1"})
    assert "操作过于频繁" in r.content.decode()


def test_verification_mismatch_changes_nothing(resident, person):
    with pytest.raises(ValidationError, match="姓名与身份证号码不匹配"):
        actions.verify_online(actor=resident.user, profile=resident, name="张冒名", id_number=PERSON_ID)
    resident.refresh_from_db()
    assert resident.person_id is None and resident.verified_at is None


def test_verification_matches_registry(verified, person):
    verified.refresh_from_db()
    assert verified.person == person and verified.household_id == person.household_id
    assert verified.division_code == person.division_code and verified.user.full_name == "李居民"


def test_verification_page_shows_error(client, resident, person):
    client.force_login(resident.user)
    r = client.post(reverse("portal:verify"), {"name": "李居民", "id_number": PERSON_ID[:-1] + (
        "0" if PERSON_ID[-1] != "0" else "1")})
    assert "姓名与身份证号码不匹配" in r.content.decode()


def test_verification_attempts_limited(resident, person, settings):
    settings.PORTAL_RATE_LIMITS = {"verify": (2, 3600)}
    for _ in range(2):
        with pytest.raises(ValidationError, match="不匹配"):
            actions.verify_online(actor=resident.user, profile=resident, name="错", id_number=PERSON_ID, ip="1.2.3.4")
    with pytest.raises(ValidationError, match="过于频繁"):
        actions.verify_online(actor=resident.user, profile=resident, name="李居民", id_number=PERSON_ID,
                              ip="1.2.3.4")


def test_counter_verification_by_staff(resident, person, make_user, tree):
    from gridgov.accounts.choices import RoleCode

    staff = make_user(RoleCode.COMMUNITY_STAFF, tree[COMMUNITY])
    outsider = make_user(RoleCode.COMMUNITY_STAFF, tree["430702005001"])
    with pytest.raises(PermissionDenied):
        actions.verify_at_counter(actor=outsider, profile=resident, person=person)
    actions.verify_at_counter(actor=staff, profile=resident, person=person)
    resident.refresh_from_db()
    assert resident.is_verified and resident.verification_method == "counter" and resident.verified_by == staff


def test_family_link_approved_by_staff_then_acting_for(verified, elder, make_user, tree):
    from gridgov.accounts.choices import RoleCode
    from gridgov.portal.access import acting_for

    with pytest.raises(ValidationError, match="不匹配"):
        actions.request_family_link(actor=verified.user, profile=verified, elder_name="王爷爷",
                                    elder_id_number=ELDER_ID, relation="子女")
    link = actions.request_family_link(actor=verified.user, profile=verified, elder_name="王奶奶",
                                       elder_id_number=ELDER_ID, relation="子女")
    assert elder not in acting_for(verified)
    with pytest.raises(PermissionDenied):  # the family member cannot approve their own request
        actions.decide_family_link(actor=verified.user, link=link, approve=True)
    staff = make_user(RoleCode.COMMUNITY_STAFF, tree[COMMUNITY])
    actions.decide_family_link(actor=staff, link=link, approve=True)
    assert set(acting_for(verified)) == {verified.person, elder}


def test_my_data_export_and_deletion_anonymises(client, verified, room):
    client.force_login(verified.user)
    r = client.get(reverse("portal:export"))
    data = json.loads(r.content)
    assert data["账号"]["手机号"] == "138****1111" and data["实名认证"]["已认证"] is True
    assert "13800001111" not in r.content.decode()
    r = client.post(reverse("portal:delete"), {"confirm": "注销"})
    assert r.status_code == 302
    verified.refresh_from_db()
    user = User.objects.get(pk=verified.user_id)
    assert not user.is_active and not user.has_usable_password() and user.username.startswith("deleted-")
    assert verified.person_id is None and verified.phone_masked == "" and verified.display_name == "已注销用户"
    assert not FamilyLink.objects.filter(proxy=verified).exists()
    # the number is free again, and the old account cannot sign in
    r = client.post(reverse("portal:login"), {"username": "13800001111", "password": "Resident-2026"})
    assert r.status_code == 200


def test_resident_required_redirects_and_refuses_staff(client, admin_user):
    r = client.get(reverse("portal:me"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("portal:login"))
    client.force_login(admin_user)
    assert client.get(reverse("portal:me")).status_code == 403


def test_elder_approves_on_own_page(client, verified, elder, tree):
    """The elder's own verified account sees the request on 我的 and approves it."""
    from gridgov.portal.access import acting_for

    link = actions.request_family_link(actor=verified.user, profile=verified, elder_name="王奶奶",
                                       elder_id_number=ELDER_ID, relation="子女")
    sms.send_code("13800002222")
    elder_profile = actions.sign_up(actor=AnonymousUser(), phone="13800002222", code=_code(), password="Elder-2026x",
                                    community=tree[COMMUNITY])
    actions.give_consent(actor=elder_profile.user, profile=elder_profile)
    actions.verify_online(actor=elder_profile.user, profile=elder_profile, name="王奶奶", id_number=ELDER_ID)
    client.force_login(elder_profile.user)
    assert "申请代您办理" in client.get(reverse("portal:me")).content.decode()
    client.post(reverse("portal:family_decide", args=[link.pk]), {"approve": "1"})
    assert elder in acting_for(verified)

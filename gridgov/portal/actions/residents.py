"""Resident accounts: sign-up (mobile + SMS code + password), the PIPL consent, real-name
verification (online against the registry by keyed hash, or at the counter by staff), family
members acting for an elderly relative, export and account deletion (ADR 0027)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from gridgov.accounts.choices import AccountKind
from gridgov.accounts.models import User
from gridgov.accounts.validators import validate_password
from gridgov.core import audit, clock, pii
from gridgov.core.access import require
from gridgov.core.actors import action
from gridgov.divisions.choices import Level

from .. import ratelimit, sms
from ..choices import PRIVACY_VERSION, FamilyLinkState, VerificationMethod
from ..models import FamilyLink, ResidentProfile

MISMATCH = "姓名与身份证号码不匹配，或您不在本区实有人口登记中。请核对后重试，或携带身份证到社区窗口认证。"


def username_for(phone):
    """The username of the resident account of a mobile number (derived from its keyed hash,
    so the users table holds no raw number)."""
    return "m-" + pii.keyed_hash(phone)[:40]


def normalise_mobile(phone):
    from gridgov.registry.identity import MOBILE_RE

    phone = "".join(str(phone or "").split())
    if not MOBILE_RE.match(phone):
        raise ValidationError({"phone": "请输入正确的 11 位手机号"})
    return phone


@action
def sign_up(*, actor, phone, code, password, community, display_name="", ip=""):
    """Create a resident account (kind=resident, no roles) and its profile, signed in by the
    view afterwards. The SMS code must match; sign-ups are limited per source address."""
    phone = normalise_mobile(phone)
    ratelimit.check("signup", ip)
    if community is None or community.level != Level.COMMUNITY:
        raise ValidationError({"community": "请选择所在社区"})
    if not sms.check_code(phone, code):
        raise ValidationError({"code": "短信验证码不正确或已过期"})
    phash = pii.keyed_hash(phone)
    if ResidentProfile.objects.filter(phone_hash=phash).exists():
        raise ValidationError({"phone": "该手机号已注册，请直接登录"})
    user = User(username=username_for(phone), kind=AccountKind.RESIDENT, full_name=display_name[:50])
    validate_password(password, user)
    user.set_password(password)
    try:
        user.save()
        profile = ResidentProfile.objects.create(
            user=user, community=community, division_code=community.code, display_name=display_name[:30],
            phone_hash=phash, phone_masked=pii.mask_phone(phone), phone_verified_at=clock.now())
    except IntegrityError:
        raise ValidationError({"phone": "该手机号已注册，请直接登录"})
    audit.record(actor if actor.is_authenticated else user, "portal.sign_up", profile)
    return profile


@action
def give_consent(*, actor, profile):
    """The resident accepts the privacy notice (PIPL): nothing else works before."""
    _own(actor, profile)
    profile.consent_at = clock.now()
    profile.consent_version = PRIVACY_VERSION
    profile.save(update_fields=["consent_at", "consent_version"])
    audit.record(actor, "portal.consent", profile, after={"version": PRIVACY_VERSION})
    return profile


def _own(actor, profile):
    if getattr(actor, "pk", None) != profile.user_id:
        raise PermissionDenied("只能操作本人的账号")


def _link_person(profile, person, method, by=None):
    if ResidentProfile.objects.filter(person=person).exclude(pk=profile.pk).exists():
        raise ValidationError("该人员已绑定其他居民账号；如有疑问请到社区窗口办理")
    profile.person = person
    profile.household_id = person.household_id
    profile.verified_at = clock.now()
    profile.verification_method = method
    profile.verified_by = by
    profile.division_code = person.division_code
    grid = person.grid
    profile.community_id = grid.parent_id if grid.level == Level.GRID else grid.pk
    profile.save()
    User.objects.filter(pk=profile.user_id).update(full_name=person.name)


@action
def verify_online(*, actor, profile, name, id_number, ip=""):
    """实名认证: the name and ID number must match an active registry person (looked up by the
    ID number's keyed hash). A mismatch changes nothing and says so; attempts are limited per
    address and per account."""
    from gridgov.registry.choices import PersonStatus
    from gridgov.registry.models import Person

    _own(actor, profile)
    ratelimit.check("verify", ip)
    ratelimit.check("verify", f"profile:{profile.pk}")
    name = (name or "").strip()
    if not name or not id_number:
        raise ValidationError("请填写姓名和身份证号码")
    person = Person.objects.select_related("grid").filter(
        id_hash=pii.keyed_hash(id_number), status=PersonStatus.ACTIVE).first()
    if person is None or person.name != name:
        raise ValidationError(MISMATCH)
    _link_person(profile, person, VerificationMethod.ONLINE)
    audit.record(actor, "portal.verify", profile, after={"method": "online", "person": person.pk})
    return profile


@action
def verify_at_counter(*, actor, profile, person):
    """Staff verify a resident at the counter (identity document seen): needs
    `portal.change_residentprofile` over the person's grid."""
    require(actor, "portal.change_residentprofile", person.division_code)
    _link_person(profile, person, VerificationMethod.COUNTER, by=actor)
    audit.record(actor, "portal.verify_counter", profile, after={"method": "counter", "person": person.pk})
    return profile


@action
def request_family_link(*, actor, profile, elder_name, elder_id_number, relation):
    """A verified resident asks to act for an elderly relative; staff (or the elder's own
    account) approve. The name and ID must match the registry, as for verification."""
    from gridgov.registry.models import Person

    _own(actor, profile)
    if not profile.is_verified:
        raise ValidationError("请先完成实名认证")
    ratelimit.check("verify", f"profile:{profile.pk}")
    elder = Person.objects.filter(id_hash=pii.keyed_hash(elder_id_number)).first()
    if elder is None or elder.name != (elder_name or "").strip():
        raise ValidationError("老人姓名与身份证号码不匹配")
    if elder.pk == profile.person_id:
        raise ValidationError("不能为本人申请代办")
    link, created = FamilyLink.objects.get_or_create(
        proxy=profile, elder=elder, defaults={"relation": relation[:20], "division_code": elder.division_code})
    if not created and link.state == FamilyLinkState.ACTIVE:
        raise ValidationError("已获得该老人的代办授权")
    if not created:
        link.state, link.relation, link.decided_at = FamilyLinkState.PENDING, relation[:20], None
        link.save()
    audit.record(actor, "portal.family_request", link)
    return link


@action
def decide_family_link(*, actor, link, approve):
    """Approve or revoke a family link: community staff of the elder's grid, or the elder's own
    verified resident account; the family member may revoke their own link."""
    profile = ResidentProfile.objects.filter(user_id=getattr(actor, "pk", None)).first()
    is_elder = profile is not None and profile.person_id == link.elder_id and profile.is_verified
    is_proxy = profile is not None and profile.pk == link.proxy_id
    if not (is_elder or (is_proxy and not approve)):
        require(actor, "portal.change_familylink", link.division_code)
    link.state = FamilyLinkState.ACTIVE if approve else FamilyLinkState.REVOKED
    link.approved_by = actor if approve else link.approved_by
    link.decided_at = clock.now()
    link.save()
    audit.record(actor, "portal.family_decide", link, after={"state": link.state})
    return link


@action
def record_export(*, actor, profile):
    """Log that the resident exported their data (the export itself is a read)."""
    _own(actor, profile)
    audit.record(actor, "portal.export_my_data", profile)


@action
def delete_account(*, actor, profile):
    """注销: the login goes (inactive, unusable password, anonymous username), the profile loses
    every personal field, family links end; bookings, ratings and other public records stay,
    shown as 已注销用户."""
    _own(actor, profile)
    user = profile.user
    user.username = f"deleted-{user.pk}"
    user.full_name = ""
    user.email = ""
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    profile.display_name = "已注销用户"
    profile.phone_hash = f"deleted-{profile.pk}"
    profile.phone_masked = ""
    profile.person = None
    profile.household = None
    profile.verified_at = None
    profile.save()
    FamilyLink.objects.filter(proxy=profile).delete()
    audit.record(actor, "portal.delete_account", profile)
    return profile

"""Reads of the portal shared by views, export and the API."""

from gridgov.core import clock

from .choices import FamilyLinkState
from .models import FamilyLink


def my_data(profile):
    """Everything the platform keeps about a resident's account ("my data", PIPL art. 45), as
    plain JSON-able values; personal numbers masked as on every page."""
    user = profile.user
    person = profile.person
    data = {
        "导出时间": clock.now().isoformat(),
        "账号": {"称呼": profile.display_name, "手机号": profile.phone_masked,
                 "注册时间": profile.created_at, "最近登录": user.last_login,
                 "所在社区": profile.community.name if profile.community_id else "",
                 "同意隐私政策": profile.consent_at, "隐私政策版本": profile.consent_version},
        "实名认证": {"已认证": profile.is_verified, "认证时间": profile.verified_at,
                     "认证方式": profile.get_verification_method_display(),
                     "姓名": person.name if person else "", "身份证号": person.id_masked if person else ""},
        "家属代办": [
            {"老人": link.elder.name, "关系": link.relation, "状态": link.get_state_display()}
            for link in FamilyLink.objects.filter(proxy=profile).select_related("elder")
        ],
    }
    for func in _extra_sections():
        data.update(func(profile))
    return data


def _extra_sections():
    from .bookings_data import sections

    return sections()


def pending_for_elder(profile):
    if not profile.is_verified:
        return FamilyLink.objects.none()
    return FamilyLink.objects.filter(elder_id=profile.person_id, state=FamilyLinkState.PENDING).select_related(
        "proxy")


def recent_notices(user, limit=5):
    """The newest notices to the resident's own account (e.g. 请补正办件材料), for 我的."""
    from gridgov.core.models import Notification

    return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit])

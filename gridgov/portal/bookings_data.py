"""Sections of "my data" (PIPL art. 45) beyond the account itself: the portal's own bookings and
session sign-ups, then whatever the other apps that serve residents keep about them. An app
declares `extra={"resident_data": ("dotted.path",)}` in its manifest: `f(user, person_ids) ->
{section title: [row dict]}`, the rows about the resident's own person or made by the account
(`person_ids`: the resident's own verified person, or empty). Values are plain (str, numbers,
datetimes); personal numbers never appear."""

from gridgov.core.manifest import all_contributions, resolve

MAX_ROWS = 500  # per section: an export is a page of data, not a dump of a table


def sections():
    """[f(profile) -> {title: rows}] in manifest order, the portal's own first."""
    return [_own_sections, *(_app_section(path) for c in all_contributions()
                             for path in (c.extra or {}).get("resident_data", ()))]


def _app_section(path):
    def read(profile):
        person_ids = [profile.person_id] if profile.person_id and profile.is_verified else []
        return resolve(path)(profile.user, person_ids)

    return read


def _own_sections(profile):
    from .models import Booking, SessionSignup

    bookings = Booking.objects.filter(resident=profile).select_related("facility").order_by("-starts_at")
    signups = (SessionSignup.objects.filter(resident=profile).select_related("slot__session", "for_person")
               .order_by("-created_at"))
    return {
        "场地预约": [{"设施": b.facility.name, "开始": b.starts_at, "结束": b.ends_at, "人数": b.attendees,
                      "用途": b.purpose, "状态": b.get_state_display(), "预约时间": b.created_at,
                      "评价": b.rating, "评价内容": b.rating_comment} for b in bookings[:MAX_ROWS]],
        "公益服务报名": [{"服务": s.slot.session.title, "时段": s.slot.starts_at,
                          "服务对象": s.for_person.name if s.for_person_id else "本人",
                          "报名时间": s.created_at, "已取消": s.cancelled_at is not None,
                          "评价": s.rating, "评价内容": s.rating_comment} for s in signups[:MAX_ROWS]],
    }

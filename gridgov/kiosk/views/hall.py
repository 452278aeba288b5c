"""预约签到 and 办事评价 (好差评) at the terminal, through the services app's actions
(`check_in_appointment`, `rate_application`, the same rules as at the counter and on the web).

- Check-in: the 6-digit code on the digit pad; the appointment must be this terminal's
  community's, for today; failed codes are rate-limited per terminal like 办件查询.
- Rating: the identified resident's finished applications not yet rated; the form names the
  application by a signed token (no numbers to enumerate); a bad rating needs a reason, picked
  from chips (no keyboard), and opens the rectification."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from gridgov.core import throttle

from ..device import kiosk_actor, kiosk_required
from .services import _need_person
from .terminal import _ctx

SALT = "kiosk.rate"
CODE_LIMIT = 10  # failed check-in codes per terminal per 15 minutes
REASONS = ("等候时间长", "材料要求没有一次说清", "办理超过承诺时限", "工作人员态度不好", "需要多次跑腿", "结果不满意")
LEVELS = ((5, "非常满意", "mood-happy"), (4, "满意", "mood-smile"), (3, "基本满意", "mood-empty"),
          (2, "不满意", "mood-sad"), (1, "非常不满意", "mood-cry"))
DIMENSIONS = (("efficiency", "服务效率"), ("quality", "服务水平"), ("attitude", "服务态度"))


@never_cache
@kiosk_required
def check_in(request):
    from gridgov.services.actions import check_in_appointment
    from gridgov.services.actions.appointments import find_for_check_in

    code = "".join((request.POST.get("code") or "").split())[:6]
    error = ""
    key = f"kiosk:checkinfail:{request.kiosk.pk}"
    if request.method == "POST":
        if throttle.blocked(key, CODE_LIMIT):
            error = "输入错误次数过多，请 15 分钟后再试或到导服台签到"
        elif (appt := find_for_check_in(request.kiosk.community.code, code)) is None:
            throttle.record(key, 15 * 60)
            error = "签到码不正确：没有找到您今天在本服务大厅的预约"
        else:
            try:
                appt = check_in_appointment(actor=kiosk_actor(request.kiosk), appointment=appt, device=request.kiosk)
            except ValidationError as exc:
                error = "；".join(exc.messages)
            else:
                from gridgov.core import clock
                from gridgov.services.models import Ticket

                t = appt.ticket
                ahead = Ticket.objects.filter(group=t.group, day=clock.today(), state="waiting", priority=True,
                                              taken_at__lt=t.taken_at).count()
                return render(request, "kiosk/screen/ticket_done.html", _ctx(
                    request, ticket=t, group=t.group, ahead=ahead, appointment=appt))
    return render(request, "kiosk/screen/check_in.html", _ctx(request, code=code, error=error))


def _rateable(person):
    from gridgov.services.choices import RATEABLE_STATES
    from gridgov.services.models import Application

    return (Application.objects.filter(person=person, state__in=RATEABLE_STATES, rating__isnull=True)
            .select_related("item").order_by("-submitted_at")[:10])


@never_cache
@kiosk_required
def rate_list(request):
    """办事评价: the identified resident's finished, unrated applications."""
    person, go = _need_person(request, reverse("kiosk:rate"))
    if go:
        return go
    rows = [{"app": a, "token": signing.dumps([a.pk, person.pk], salt=SALT)} for a in _rateable(person)]
    return render(request, "kiosk/screen/rate_list.html", _ctx(request, rows=rows, done=request.GET.get("done")))


@never_cache
@kiosk_required
def rate(request, token):
    from gridgov.services.actions import rate_application
    from gridgov.services.models import Application

    person, go = _need_person(request, reverse("kiosk:rate"))
    if go:
        return go
    try:
        pk, person_pk = signing.loads(token, salt=SALT, max_age=600)
    except (signing.BadSignature, TypeError, ValueError):
        raise Http404("评价链接已失效") from None
    app = Application.objects.select_related("item").filter(pk=pk, person=person).first()
    if app is None or person_pk != person.pk:
        raise Http404("找不到该办件")
    errors, posted = [], request.POST
    if request.method == "POST":
        reasons = [r for r in posted.getlist("reason") if r in REASONS]
        level = posted.get("level")
        try:
            rate_application(actor=kiosk_actor(request.kiosk), application=app, level=level,
                             efficiency=posted.get("efficiency") or level, quality=posted.get("quality") or level,
                             attitude=posted.get("attitude") or level, comment="；".join(reasons), channel="kiosk")
        except ValidationError as exc:
            errors = [m.replace("差评请说明不满意的原因", "请选择不满意的原因（可多选）") for m in exc.messages]
        else:
            return redirect(f"{reverse('kiosk:rate')}?done=1")
    return render(request, "kiosk/screen/rate.html", _ctx(
        request, app=app, token=token, levels=LEVELS, dimensions=DIMENSIONS, reasons=REASONS, errors=errors,
        posted=posted))

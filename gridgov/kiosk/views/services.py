"""办事申请, 办件查询 and 窗口取号 at the terminal, through the services app's actions
(`submit_application`, `take_ticket`) and reads (`status_for_public`). Filing needs the
resident identified at the terminal; materials are photographed on the terminal's document
camera (高拍仪: a file input with capture) and checked by the services app like any upload."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridgov.core import throttle
from gridgov.core.widgets import pinyin_keys

from ..device import kiosk_actor, kiosk_required
from .terminal import _ctx, current_person_id

SALT = "kiosk.application"
TRACK_LIMIT = 10  # failed look-ups by number per terminal per 15 minutes


def kiosk_items(q=""):
    from gridgov.services.models import ServiceItem

    items = [i for i in ServiceItem.objects.filter(is_active=True, current__isnull=False)
             .select_related("current", "department").order_by("sort", "code") if "kiosk" in (i.current.channels or [])]
    q = "".join((q or "").split()).lower()
    if q:
        items = [i for i in items if q in i.name.lower() or q in pinyin_keys(i.name).split(" ")[0]]
    return items


def _need_person(request, next_url):
    pid = current_person_id(request)
    if pid is None:
        return None, redirect(f"{reverse('kiosk:identify')}?next={next_url}")
    from gridgov.registry.models import Person

    return Person.objects.filter(pk=pid).first(), None


@never_cache
@kiosk_required
def apply(request):
    q = (request.GET.get("q") or "").strip()[:20]
    return render(request, "kiosk/screen/apply_list.html", _ctx(
        request, items=kiosk_items(q), q=q, letters="ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _fields(version, person):
    from gridgov.services.catalogue import registry_values

    fixed = registry_values(version, person)
    return [dict(f, fixed=fixed.get(f["key"])) for f in version.fields or []]


@never_cache
@kiosk_required
def apply_item(request, pk):
    from gridgov.services.actions import submit_application
    from gridgov.services.catalogue import eligibility_failures

    item = next((i for i in kiosk_items() if i.pk == pk), None)
    if item is None:
        raise Http404("该事项不能在自助终端办理")
    person, go = _need_person(request, reverse("kiosk:apply_item", args=[pk]))
    if go:
        return go
    version = item.current
    errors = []
    if request.method == "POST":
        answers = {f["key"]: (request.POST.get(f"f_{f['key']}") or "").strip()[:200]
                   for f in version.fields or [] if f.get("type") != "file"}
        files = [(key[2:], upload) for key, upload in request.FILES.items() if key.startswith(("m_", "f_"))][:20]
        try:
            app = submit_application(actor=kiosk_actor(request.kiosk), item=item, person=person, channel="kiosk",
                                     answers=answers, files=files, device=request.kiosk)
        except ValidationError as exc:
            for _key, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
                errors.extend(messages)
        else:
            return redirect("kiosk:apply_receipt", token=signing.dumps(app.pk, salt=SALT))
    from gridgov.core import clock

    failures = eligibility_failures(version, person, (person.division_code or "")[:12], clock.today())
    return render(request, "kiosk/screen/apply_form.html", _ctx(
        request, item=item, v=version, fields=_fields(version, person), errors=errors, failures=failures,
        posted=request.POST))


@never_cache
@kiosk_required
def apply_receipt(request, token):
    import segno

    from gridgov.services.models import Application
    from gridgov.services.queries import status_url

    try:
        pk = signing.loads(token, salt=SALT, max_age=3600)
    except signing.BadSignature:
        raise Http404("找不到该办件") from None
    app = Application.objects.select_related("item", "version", "community").filter(pk=pk, channel="kiosk").first()
    if app is None:
        raise Http404("找不到该办件")
    link = request.build_absolute_uri(status_url(app.number))
    return render(request, "kiosk/screen/apply_receipt.html", _ctx(
        request, app=app, qr=segno.make(link, error="m").svg_data_uri(scale=4),
        materials=[m["name"] for m in app.version.materials if m["key"] in app.materials_received]))


def _count(key):
    throttle.record(key, 15 * 60)


@never_cache
@kiosk_required
def track(request):
    """办件查询: by the application number (digit pad), or the identified resident's own."""
    from gridgov.services.queries import status_for_public

    number = "".join((request.GET.get("number") or "").split())[:30]
    rows, error = [], ""
    key = f"kiosk:trackfail:{request.kiosk.pk}"
    if request.GET.get("mine") == "1":
        person, go = _need_person(request, reverse("kiosk:track") + "?mine=1")
        if go:
            return go
        from gridgov.services.models import Application

        numbers = Application.objects.filter(person=person).order_by("-submitted_at").values_list("number", flat=True)
        rows = [status_for_public(n) for n in numbers[:10]]
        error = "" if rows else "没有查到您的办件"
    elif number:
        if throttle.blocked(key, TRACK_LIMIT):
            error = "查询过于频繁，请 15 分钟后再试"
        else:
            info = status_for_public(number)
            if info is None:
                _count(key)
                error = "没有找到该办件：请核对回执上的办件编号"
            else:
                rows = [info]
    return render(request, "kiosk/screen/track.html", _ctx(request, rows=rows, number=number, error=error))


@never_cache
@kiosk_required
def ticket(request):
    from gridgov.services.models import ServiceGroup

    groups = list(ServiceGroup.objects.filter(community_id=request.kiosk.community_id, is_active=True)
                  .order_by("sort", "prefix"))
    return render(request, "kiosk/screen/ticket.html", _ctx(request, groups=groups))


@require_POST
@kiosk_required
def ticket_take(request):
    from gridgov.core import clock
    from gridgov.services.actions import take_ticket
    from gridgov.services.models import ServiceGroup, Ticket

    group = ServiceGroup.objects.filter(community_id=request.kiosk.community_id, is_active=True,
                                        pk=request.POST.get("group") or 0).first()
    if group is None:
        raise Http404("没有该服务分组")
    pid = current_person_id(request)
    try:
        t = take_ticket(actor=kiosk_actor(request.kiosk), group=group, channel="kiosk", device=request.kiosk,
                        person=_person(pid))
    except ValidationError as exc:
        return render(request, "kiosk/screen/ticket.html", _ctx(
            request, groups=[group], error="；".join(exc.messages)))
    ahead = Ticket.objects.filter(group=group, day=clock.today(), state="waiting", taken_at__lt=t.taken_at).count()
    return render(request, "kiosk/screen/ticket_done.html", _ctx(request, ticket=t, group=group, ahead=ahead))


def _person(pid):
    if pid is None:
        return None
    from gridgov.registry.models import Person

    return Person.objects.filter(pk=pid).first()

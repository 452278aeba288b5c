"""Resident side of bookings and sessions: book a facility slot, sign up for a session, my
bookings with cancel and rating."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import actions
from ..access import resident_required
from ..actions.bookings import rule_for
from ..forms import BookingForm, RatingForm
from ..models import Booking, SessionSignup, SessionSlot
from .common import add_errors, community_or_404, error_text


@resident_required  # the facility's rule says whether verification is needed (the action checks it)
def book(request, code, pk):
    from gridgov.community.models import Facility

    community = community_or_404(code)
    facility = get_object_or_404(Facility, pk=pk, community=community, bookable=True)
    rule = rule_for(facility)
    form = BookingForm(request.POST or None, rule=rule,
                       initial={"starts_at": request.GET.get("start", ""), "attendees": 1})
    if request.method == "POST" and form.is_valid():
        try:
            booking = actions.book(actor=request.user, profile=request.resident, facility=facility,
                                   **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "预约成功，请按时使用" if booking.state == "confirmed"
                             else "已提交预约，等待社区审批")
            return redirect("portal:my_bookings")
    start = form["starts_at"].value()
    try:
        shown = timezone.localtime(form.fields["starts_at"].to_python(start)) if start else None
    except ValidationError:
        shown = None
    return render(request, "portal/booking/book.html", {"community": community, "facility": facility,
                                                         "rule": rule, "form": form, "shown": shown})


@require_POST
@resident_required(verified=True)
def session_signup(request, pk):
    slot = get_object_or_404(SessionSlot.objects.select_related("session"), pk=pk, session__is_published=True)
    try:
        actions.sign_up_session(actor=request.user, profile=request.resident, slot=slot)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("portal:sessions", slot.session.division_code[:12])
    messages.success(request, f"已报名：{slot.session.title}")
    return redirect("portal:my_bookings")


@resident_required
def my_bookings(request):
    profile = request.resident
    bookings = Booking.objects.filter(resident=profile).select_related("facility").order_by("-starts_at")[:50]
    signups = SessionSignup.objects.filter(resident=profile).select_related("slot__session").order_by(
        "-created_at")[:50]
    return render(request, "portal/booking/mine.html", {"bookings": bookings, "signups": signups,
                                                         "rating_form": RatingForm()})


@require_POST
@resident_required
def booking_action(request, pk):
    booking = get_object_or_404(Booking, pk=pk, resident=request.resident)
    try:
        if request.POST.get("do") == "cancel":
            actions.cancel_booking(actor=request.user, booking=booking)
            messages.success(request, "已取消预约")
        else:
            actions.rate_booking(actor=request.user, booking=booking, rating=request.POST.get("rating"),
                                 comment=request.POST.get("comment", ""))
            messages.success(request, "感谢您的评价")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("portal:my_bookings")


@require_POST
@resident_required
def signup_action(request, pk):
    signup = get_object_or_404(SessionSignup, pk=pk, resident=request.resident)
    try:
        if request.POST.get("do") == "cancel":
            actions.cancel_signup(actor=request.user, signup=signup)
            messages.success(request, "已取消报名")
        else:
            actions.rate_signup(actor=request.user, signup=signup, rating=request.POST.get("rating"),
                                comment=request.POST.get("comment", ""))
            messages.success(request, "感谢您的评价")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("portal:my_bookings")

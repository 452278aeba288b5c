"""The registry persons a resident account may act for: its own verified person and the
elderly relatives who authorised it (the portal app's resident profile and family links,
through `gridgov.core.residents`, ADRs 0027 and 0042); none when no app keeps resident accounts."""

from gridgov.core.residents import acting_for, current_resident


def persons_for(user):
    return list(acting_for(current_resident(user)))


def resident_data(user, person_ids):
    """"My data" sections for a resident account (declared as `resident_data` in the manifest):
    home-service and goods orders, doctor appointments and family-doctor signings of the
    resident's own person or made by the account, newest first (no phone numbers or addresses)."""
    from django.db.models import Q

    from .models import Appointment, Order, Signing

    orders = (Order.objects.filter(Q(person_id__in=person_ids) | Q(ordered_by=user))
              .select_related("provider", "person").order_by("-submitted_at", "-id")[:500])
    visits = (Appointment.objects.filter(Q(person_id__in=person_ids) | Q(booked_by=user))
              .select_related("doctor", "slot", "person").order_by("-booked_at", "-id")[:500])
    signings = Signing.objects.filter(person_id__in=person_ids).select_related("doctor").order_by("-signed_on")[:50]
    return {
        "上门服务订单": [{"类型": o.get_kind_display(), "服务商": o.provider.name,
                          "服务对象": o.person.name if o.person_id else "", "状态": o.status_label(),
                          "提交时间": o.submitted_at, "完成时间": o.done_at, "评分": o.rating} for o in orders],
        "预约看病": [{"医生": a.doctor.name, "就诊日期": a.slot.date, "就诊人": a.person.name, "状态": a.get_status_display(),
                      "预约时间": a.booked_at} for a in visits],
        "家庭医生签约": [{"医生": s.doctor.name, "签约日期": s.signed_on, "有效期至": s.valid_until,
                          "状态": s.get_status_display()} for s in signings],
    }

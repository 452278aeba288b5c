"""Reads shared by the pages, the kiosk and the public look-up.

Public look-ups (`bills_for_account`) are by account number, like paying a bill at a bank: the
caller shows only what a payer needs (period, amount, due date, the masked holder name). Staff
pages read through `visible_to`.
"""

from django.db.models import Q

from .choices import BillStatus
from .models import Bill, UtilityAccount

OPEN = (BillStatus.UNPAID, BillStatus.PENDING)


def _bills(qs, include_paid):
    qs = qs.exclude(status=BillStatus.CANCELLED).select_related("account", "utility")
    if not include_paid:
        qs = qs.filter(status__in=OPEN)
    return list(qs.order_by("utility__kind", "account__account_no", "period"))


def bills_for_account(account_no, *, utility=None, include_paid=False):
    """The bills of an account number (all utilities, or one `utility` code): unpaid and
    pending ones, or with `include_paid` every bill. An unknown number gives []."""
    account_no = (account_no or "").strip()
    if not account_no or len(account_no) > 30:
        return []
    qs = Bill.objects.filter(account__account_no=account_no, account__is_active=True)
    if utility:
        qs = qs.filter(utility__code=utility)
    return _bills(qs, include_paid)


def bills_for_house(house, *, include_paid=False):
    """The bills of every account linked to `house` (a registry House or its pk), directly or
    through a household living there."""
    pk = getattr(house, "pk", house)
    qs = Bill.objects.filter(Q(account__house_id=pk) | Q(account__household__house_id=pk), account__is_active=True)
    return _bills(qs, include_paid)


def accounts_for_house(house):
    pk = getattr(house, "pk", house)
    return list(UtilityAccount.objects.filter(Q(house_id=pk) | Q(household__house_id=pk))
                .select_related("utility").order_by("utility__kind", "account_no"))


def public_bill(bill):
    """What a payer may see of a bill (kiosk, public look-up): no full address or name."""
    return {
        "id": bill.pk, "utility": bill.utility.name, "kind": bill.utility.get_kind_display(),
        "account_no": bill.account.account_no, "holder": bill.account.holder_masked,
        "period": bill.period, "amount_fen": bill.amount_fen, "amount_yuan": bill.amount_yuan,
        "due_date": bill.due_date.isoformat(), "status": bill.status, "status_label": bill.get_status_display(),
    }

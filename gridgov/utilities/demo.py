"""Demo data: three utilities (water, electricity, gas), accounts for houses, and months of
bills, some paid at the counter or through the sandbox. The small demo takes a few hundred
houses; at district scale (`scale` ≥ 1) it writes 750,000 bills by COPY (core.bulk)."""

import datetime
import random

from django.db import connection, transaction

from gridgov.core import audit, clock
from gridgov.core.actors import system_actor
from gridgov.core.bulk import allocate_ids, bulk_mode, copy_escape, insert_rows, stored_datetime, table_size

UTILITIES = [
    ("water", "常德市自来水有限责任公司", "water", "0736-7222222", "W"),
    ("power", "国网常德供电公司", "electricity", "95598", "E"),
    ("gas", "常德华润燃气有限公司", "gas", "0736-7888888", "G"),
]
DISTRICT_BILLS = 750_000
AVERAGE_FEN = {"water": 4500, "electricity": 16000, "gas": 7000}


def _months(n, today):
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append((y, m))
    return list(reversed(out))


SCALE_FRACTIONS = {"tiny": 0.01, "quick": 0.02, "small": 0.05, "district": 1.0}


def generate(scale=0.05, seed=1, progress=None):
    from gridgov.registry.models import House

    from .models import Bill, Utility, UtilityAccount

    rng = random.Random(seed)
    actor = system_actor()
    utilities = []
    for code, name, kind, phone, prefix in UTILITIES:
        u, _ = Utility.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "phone": phone})
        utilities.append((u, prefix))
    # the demo passes its scale by name ("tiny", "quick", "small", "district"); a number is a
    # fraction of the district (benches)
    fraction = SCALE_FRACTIONS.get(scale, scale) if isinstance(scale, str) else float(scale)
    district = fraction >= 1
    target = DISTRICT_BILLS if district else max(300, int(6000 * min(fraction, 1)))
    months = 12 if district else 4
    n_accounts = -(-target // months)  # bills = accounts × months
    houses = list(House.objects.order_by("id").values_list("id", "grid_id", "division_code", "building__address", "unit",
                                                           "room")[: -(-n_accounts // 3)])
    if not houses:
        return {"bills": 0, "note": "没有房屋，跳过"}
    now = clock.now()
    existing = set(UtilityAccount.objects.values_list("utility_id", "account_no"))
    accounts = []
    for hid, gid, code, street_address, unit, room in houses:
        address = f"{street_address}{unit}单元{room}室"[:200]
        for u, prefix in utilities:
            if len(accounts) >= n_accounts:
                break
            no = f"{prefix}{10000000 + hid}"
            if (u.pk, no) not in existing:
                accounts.append((u, no, hid, gid, code, address))
    ids = allocate_ids(UtilityAccount, len(accounts))
    insert_rows(UtilityAccount, ["id", "utility_id", "account_no", "grid_id", "house_id", "household_id",
                                 "holder_name", "address", "is_active", "division_code"],
                [(pk, u.pk, no, gid, hid, None, "", address, True, code)
                 for pk, (u, no, hid, gid, code, address) in zip(ids, accounts, strict=True)])
    today = clock.today()
    periods = _months(months, today)
    # per month: the period and the due date as stored (text), the same for every account
    months_due = [(f"{y}-{m:02d}", datetime.date(y + (m == 12), m % 12 + 1, 25).isoformat()) for y, m in periods]
    n_bills = len(accounts) * len(periods)
    with transaction.atomic(), bulk_mode(Bill, enabled=n_bills >= 100_000 and n_bills >= table_size(Bill)) as locked:
        bill_ids = allocate_ids(Bill, n_bills, locked=locked)
        insert_rows(Bill, BILL_COLUMNS, _bills(rng, bill_ids, ids, accounts, months_due, stored_datetime(now),
                                               copy=connection.vendor == "postgresql"), copy_line=str, stored=True)
    paid = _pay_some(rng, actor, bill_ids, months_due, district)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE utilities_bill")
    audit.record(actor, "utilities.demo", ("utilities.bill", "-", "水电气缴费演示数据"),
                 after={"accounts": len(accounts), "bills": n_bills, "paid": paid})
    if progress:
        progress(f"水电气：{len(accounts)} 个户号，{n_bills} 张账单")
    return {"utility_accounts": len(accounts), "bills": n_bills, "paid": paid}


BILL_COLUMNS = ["id", "division_code", "account_id", "utility_id", "address", "period", "amount_fen", "due_date",
                "status", "payment", "paid_at", "imported_at"]


def _bills(rng, bill_ids, ids, accounts, months_due, now, *, copy=False):
    """Bill rows in the order the amounts are drawn (account by account, then month): tuples in
    BILL_COLUMNS order or, with `copy` (PostgreSQL), their COPY text lines built directly from
    each account's fixed part — what core's general path makes of the tuples (tested), without
    its per-value work over 750k rows."""
    gauss, pk = rng.gauss, iter(bill_ids)
    for aid, (u, _no, _hid, _gid, code, address) in zip(ids, accounts, strict=True):
        avg, uid = AVERAGE_FEN[u.kind], u.pk
        if copy:
            head = f"\t{copy_escape(code)}\t{aid}\t{uid}\t{copy_escape(address)}\t"
            tail = f"\tunpaid\t\\N\t\\N\t{now}"
            for period, due in months_due:
                yield f"{next(pk)}{head}{period}\t{max(100, int(gauss(avg, avg / 3)))}\t{due}{tail}"
        else:
            for period, due in months_due:
                yield (next(pk), code, aid, uid, address, period, max(100, int(gauss(avg, avg / 3))), due, "unpaid",
                       None, None, now)


def _pay_some(rng, actor, bill_ids, months_due, district):
    """Some older bills paid through the actions (the sandbox, auto-confirmed), for realistic
    payments, events and reconciliation."""
    from . import actions
    from .choices import Channel
    from .providers.sandbox import SandboxProvider

    per_account = len(months_due)  # bills are account by account, the latest month last
    candidates = [pk for i, pk in enumerate(bill_ids) if i % per_account != per_account - 1]
    done = 0
    sandbox = SandboxProvider(auto_confirm=True)
    for i, pk in enumerate(rng.sample(candidates, min(len(candidates), 300 if not district else 500))):
        try:
            actions.start_payment(actor=actor, bills=[pk], provider=sandbox, idempotency_key=f"demo-{pk}",
                                  channel=Channel.KIOSK if i % 2 else Channel.WEB)
            done += 1
        except actions.PaymentRefused:
            continue
    return done

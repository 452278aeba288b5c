"""Bill files from the utilities (docs/architecture.md §4, “Bad input gets a clear error and loses nothing”): 单位编码, 户号, 地址, 账期, 金额(元), 缴费截止日.

Every row is checked before anything is written: amounts are read as decimal strings (never a
float; at most two decimals, stored as integer fen), periods and dates are parsed, each account
must exist (set-based look-ups, one query per 50,000 keys) and lie in the importer's scope. A
file is applied all-or-nothing; re-importing it changes nothing — a bill is unique per (account,
period); an unpaid bill whose amount or due date changed is updated, a paid one is refused.
New bills go to PostgreSQL by COPY (core.bulk), a first big load in bulk mode.
"""

import re
from decimal import Decimal, InvalidOperation

from django.db import connection

from gridgov.core import clock
from gridgov.core.access import ALL, scope_prefixes
from gridgov.core.bulk import allocate_ids, bulk_mode, copy_escape, insert_rows, table_size, update_rows
from gridgov.core.importing import Column, ImportSpec, parse_date

from .choices import BillStatus
from .models import Bill, Utility, UtilityAccount, yuan

MAX_FEN = 100_000_000  # 1,000,000 元: a bill above it is a typing error
AMOUNT_RE = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
PERIOD_RE = re.compile(r"^(\d{4})\s*(?:[-/.年])?\s*(\d{1,2})\s*月?$")
FETCH = 50_000
BULK_MODE_MIN_ROWS = 100_000


def parse_amount_fen(text):
    """"123.45" → 12345 (元 as a decimal string → integer fen); more than two decimals, signs,
    exponents or thousands separators are refused."""
    text = text.strip().replace("¥", "").replace("￥", "")
    if not AMOUNT_RE.match(text):
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise ValueError("金额格式不正确，应为以元为单位的数字，例如 86.50") from None
        if d.is_finite() and d.as_tuple().exponent < -2:
            raise ValueError("金额最多两位小数（分）")
        raise ValueError("金额格式不正确，应为以元为单位的正数，例如 86.50")
    whole, _, frac = text.partition(".")
    fen = int(whole) * 100 + int((frac + "00")[:2])
    if fen <= 0:
        raise ValueError("金额应大于 0")
    if fen > MAX_FEN:
        raise ValueError("金额超过 1,000,000 元，请核对")
    return fen


def parse_period(text):
    m = PERIOD_RE.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise ValueError("账期格式不正确，应为 YYYY-MM，例如 2026-10")
    return f"{m.group(1)}-{int(m.group(2)):02d}"


ACCOUNT_RE = re.compile(r"[0-9A-Z\-]{1,30}")


def parse_account_no(text):
    if ACCOUNT_RE.fullmatch(text):  # the common case: already clean
        return text
    text = "".join(text.split()).upper()
    if not ACCOUNT_RE.fullmatch(text):
        raise ValueError("户号应为 1–30 位字母或数字")
    return text


class BillImport(ImportSpec):
    kind, title, permission = "utility-bills", "水电气账单", "utilities.import_bill"
    help = ("先导入缴费户号（关联房屋），再导入账单。金额以元为单位、最多两位小数；同一户号同一账期只记一次，"
            "重复导入不会重复记账；文件有任何错误时不写入。")
    natural_key = ("utility", "account", "period")
    derived_keys = ("account_id", "division_code", "utility_id")
    columns = [
        Column("utility", "单位编码", required=True, max_length=20, cache=True, example="water",
               help="公用事业单位编码，见“公用事业单位”页"),
        Column("account", "户号", required=True, parse=parse_account_no, example="W10000001"),
        Column("address", "地址", max_length=200, example="武陵区丹阳街道A社区1栋1单元101室"),
        Column("period", "账期", required=True, parse=parse_period, cache=True, example="2026-10"),
        Column("amount", "金额(元)", required=True, parse=parse_amount_fen, aliases=("金额",), example="86.50"),
        Column("due", "缴费截止日", required=True, parse=parse_date, cache=True, aliases=("截止日期",),
               example="2026-11-25"),
    ]

    def __init__(self, actor=None):
        self.actor = actor

    def _in_scope(self, code):
        if self.actor is None:
            return True
        prefixes = scope_prefixes(self.actor, self.permission)
        return prefixes == ALL or any(code.startswith(p) for p in prefixes)

    def validate(self, rows, report):
        utilities = {u.code: u.pk for u in Utility.objects.filter(is_active=True)}
        wanted = {}
        for row in rows:
            v = row.values
            uid = utilities.get(v["utility"])
            if uid is None:
                report.add_error(row.number, "单位编码", v["utility"], "公用事业单位不存在或已停用")
                continue
            v["utility_id"] = uid
            wanted.setdefault(uid, set()).add(v["account"])
        accounts = {}  # (utility id, account no) → (account id, division code)
        for uid, numbers in wanted.items():
            numbers = list(numbers)
            for i in range(0, len(numbers), FETCH):
                for pk, no, code in UtilityAccount.objects.filter(
                        utility_id=uid, is_active=True, account_no__in=numbers[i:i + FETCH]).values_list(
                        "pk", "account_no", "division_code"):
                    accounts[(uid, no)] = (pk, code)
        in_scope = {}
        for row in rows:
            v = row.values
            if v.get("utility_id") is None:
                continue
            found = accounts.get((v["utility_id"], v["account"]))
            if found is None:
                report.add_error(row.number, "户号", v["account"], "户号不存在（请先登记缴费户号）")
                continue
            code = found[1]
            ok = in_scope.get(code)
            if ok is None:
                ok = in_scope[code] = self._in_scope(code)
            if not ok:
                report.add_error(row.number, "户号", v["account"], "该户号不在您的管辖范围内")
                continue
            v["account_id"], v["division_code"] = found
        self._check_existing(rows, report)

    def _existing(self, account_ids):
        """{(account id, period): (bill id, amount fen, due date, status)}."""
        out = {}
        ids = list(account_ids)
        for i in range(0, len(ids), FETCH):
            for pk, aid, period, fen, due, status in Bill.objects.filter(account_id__in=ids[i:i + FETCH]).values_list(
                    "pk", "account_id", "period", "amount_fen", "due_date", "status"):
                out[(aid, period)] = (pk, fen, due, status)
        return out

    def _check_existing(self, rows, report):
        ids = {r.values.get("account_id") for r in rows} - {None}
        if not ids or not Bill.objects.exists():
            self.existing = {}
            return
        self.existing = existing = self._existing(ids)
        for row in rows:
            v = row.values
            old = existing.get((v.get("account_id"), v["period"]))
            if old is None:
                continue
            if old[3] != BillStatus.UNPAID and (old[1] != v["amount"] or old[2] != v["due"]):
                report.add_error(row.number, "金额(元)", yuan(v["amount"]),
                                 f"该账期账单已{BillStatus(old[3]).label}，不能修改金额或截止日")

    def apply(self, rows, *, actor, run):
        existing = getattr(self, "existing", None)
        if existing is None:
            existing = self._existing({r.values["account_id"] for r in rows})
        now = clock.now()
        new, changed, unchanged = [], [], 0
        for row in rows:
            v = row.values
            old = existing.get((v["account_id"], v["period"]))
            if old is None:
                new.append(v)
            elif old[1] != v["amount"] or old[2] != v["due"]:
                if old[3] == BillStatus.UNPAID:
                    changed.append((old[0], v["amount"], v["due"], v.get("address") or ""))
            else:
                unchanged += 1
        if changed:
            update_rows(Bill, ["id", "amount_fen", "due_date", "address"], changed)
        bulk = len(new) >= BULK_MODE_MIN_ROWS and len(new) >= table_size(Bill)
        with bulk_mode(Bill, enabled=bulk) as locked:
            ids = allocate_ids(Bill, len(new), locked=locked)
            stamp = str(now)
            columns = ["id", "division_code", "account_id", "utility_id", "address", "period", "amount_fen",
                       "due_date", "status", "payment", "paid_at", "imported_at"]

            def line(pair):
                pk, v = pair
                return (f"{pk}\t{v['division_code']}\t{v['account_id']}\t{v['utility_id']}\t"
                        f"{copy_escape(v.get('address') or '')}\t{v['period']}\t{v['amount']}\t{v['due']}\t"
                        f"unpaid\t\\N\t\\N\t{stamp}")

            if connection.vendor == "postgresql":
                insert_rows(Bill, columns, zip(ids, new, strict=True), copy_line=line)
            else:
                insert_rows(Bill, columns, [
                    (pk, v["division_code"], v["account_id"], v["utility_id"], v.get("address") or "", v["period"],
                     v["amount"], v["due"], BillStatus.UNPAID, None, None, now) for pk, v in zip(ids, new, strict=True)])
        if run is not None:
            run.advance(len(rows), force=True)
        return {"created": len(new), "updated": len(changed), "unchanged": unchanged}

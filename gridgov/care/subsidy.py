"""Government-subsidised home-care minutes: eligibility read from the rules (data) and the
registry (age from the birth date, care tags such as 残疾人 and 低保), and the minutes a person
has left in a month."""

import datetime

from django.db.models import Sum

from gridgov.core import clock

from .choices import CARE_CATEGORIES, OrderStatus
from .models import Order, SubsidyRule


def rules_for(person):
    """Active rules whose area covers the person's grid."""
    code = person.division_code or ""
    return [r for r in SubsidyRule.objects.filter(is_active=True).prefetch_related("required_tags")
            if code.startswith(r.division_code)]


def check(rule, person):
    """None when `person` is eligible for `rule`, else the Chinese reason naming the rule."""
    if not rule.is_active or not (person.division_code or "").startswith(rule.division_code):
        return f"补贴规则“{rule.name}”不适用于{person.name}所在的社区"
    missing = []
    if rule.min_age:
        age = person.age
        if age is None or age < rule.min_age:
            missing.append(f"须年满 {rule.min_age} 周岁（{person.name}" + (f"现年 {age} 周岁）" if age is not None
                                                                          else "的出生日期未登记）"))
    have = set(person.care_tags.values_list("id", flat=True))
    lacking = [t.name for t in rule.required_tags.all() if t.id not in have]
    if lacking:
        missing.append(f"须同时为{'、'.join(t.name for t in rule.required_tags.all())}（{person.name}不是"
                       f"{'、'.join(lacking)}）")
    if missing:
        return f"不符合补贴规则“{rule.name}”的条件：" + "；".join(missing)
    return None


def eligible_rules(person):
    return [r for r in rules_for(person) if check(r, person) is None]


def month_bounds(day):
    start = day.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def used_minutes(person, rule, day=None):
    """Subsidised minutes already taken by `person` under `rule` in the month of `day`."""
    start, end = month_bounds(day or clock.today())
    return Order.objects.filter(person=person, subsidy_rule=rule, submitted_at__date__gte=start,
                                submitted_at__date__lt=end).exclude(status=OrderStatus.CANCELLED).aggregate(
        n=Sum("subsidy_minutes"))["n"] or 0


def left_minutes(person, rule, day=None):
    return max(rule.monthly_minutes - used_minutes(person, rule, day), 0)


def apply(rule, lines, minutes_left):
    """Cover the lines of the rule's categories in order until the minutes run out; a line
    partly covered is paid pro rata. Returns (subsidy minutes, subsidy fen)."""
    categories = set(rule.categories or CARE_CATEGORIES)
    used = fen = 0
    for line in lines:
        if line["category"] not in categories or not line["minutes"]:
            continue
        take = min(line["minutes"], minutes_left - used)
        if take <= 0:
            break
        used += take
        fen += line["amount_fen"] * take // line["minutes"]
    return used, fen

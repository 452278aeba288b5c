"""Reads of the registry: the one-box search and the bounded querysets behind the lists and
drill-down pages. Everything starts from `visible_to(user)` (docs/architecture.md §4, “Reads go through one access chokepoint”)."""

import re

from django.db.models import Count, Q

from gridgov.core import pii

from .choices import HouseStatus, PersonStatus
from .models import Building, Component, House, Household, LegalEntity, Person

ID_RE = re.compile(r"^\d{17}[\dXx]$|^\d{15}$")
ID_SUFFIX_RE = re.compile(r"^\d{5}[\dXx]$")
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11})$")
CREDIT_RE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$")
LETTERS_RE = re.compile(r"^[a-z]+$")
PERSON_LIST_FIELDS = [
    "id", "name", "sex", "birth_date", "id_masked", "phone_masked", "division_code", "residence_type", "status",
    "house_id", "household_id", "relation",
]


def prefix_q(field, value):
    """`field` starts with `value`, answered from a btree index on both backends (`__prefix`)."""
    return Q(**{f"{field}__prefix": value})


def classify(q):
    """What a search string looks like: id / id_suffix / phone / phone_suffix / credit_code /
    building_code / letters / text."""
    q = "".join(q.split())
    if ID_RE.match(q):
        return "id"
    if CREDIT_RE.match(q.upper()) and not q.isdigit():
        return "credit_code"
    if PHONE_RE.match(q):
        return "phone"
    if ID_SUFFIX_RE.match(q):
        return "id_suffix"
    if re.fullmatch(r"\d{4}", q):
        return "phone_suffix"
    if re.fullmatch(r"\d{5}", q):
        return "building_code"
    if LETTERS_RE.match(q.lower()):
        return "letters"
    return "text"


def person_filter(q):
    """A Q for persons matching a search string (name, pinyin, initials, ID, phone) or None."""
    q = "".join(q.split())
    kind = classify(q)
    if kind == "id":
        # the repeated "not empty" term lets SQLite use the partial unique index on id_hash
        return Q(id_hash=pii.keyed_hash(q)) & ~Q(id_hash="")
    if kind == "phone":
        return Q(phone_hash=pii.keyed_hash(q))
    if kind == "id_suffix":
        return Q(id_last6=q.upper())
    if kind == "phone_suffix":
        return Q(phone_last4=q)
    if kind == "letters":
        q = q.lower()
        return Q(name_initials=q) | prefix_q("name_pinyin", q)
    if kind == "text" and q:
        return Q(name=q) | prefix_q("name", q)
    return None


def search(user, q, *, scope="", limit=50):
    """The one search box: persons, buildings and entities matching `q` within the user's view
    (and the active scope). Each list is bounded by `limit`."""
    q = " ".join(str(q or "").split())[:100]
    result = {"q_kind": classify(q) if q else "", "persons": [], "buildings": [], "entities": [], "houses": []}
    if not q:
        return result
    kind = result["q_kind"]
    pf = person_filter(q)
    if pf is not None:
        persons = Person.objects.visible_to(user).within(scope).filter(pf).order_by()
        result["persons"] = list(persons.only(*PERSON_LIST_FIELDS)[:limit])
    buildings = Building.objects.visible_to(user).within(scope).order_by()
    if kind == "building_code":
        result["buildings"] = list(buildings.filter(code=q)[:limit])
    elif kind == "text":
        # by address or building name (碧桂和园 → 碧桂和园1栋, 2栋 …): prefixes from the index first
        result["buildings"] = list(buildings.filter(prefix_q("address", q) | prefix_q("name", q))[:limit])
        if len(result["buildings"]) < limit and len(q) >= 2:
            more = buildings.filter(Q(address__contains=q) | Q(name__contains=q)).exclude(
                pk__in=[b.pk for b in result["buildings"]])
            result["buildings"] += list(more[: limit - len(result["buildings"])])
    entities = LegalEntity.objects.visible_to(user).within(scope).order_by()
    if kind == "credit_code":
        result["entities"] = list(entities.filter(credit_code=q.upper())[:limit])
    elif kind == "text":
        result["entities"] = list(entities.filter(prefix_q("name", q))[:limit])
        if len(result["entities"]) < limit and len(q) >= 2:
            more = entities.filter(name__contains=q).exclude(pk__in=[e.pk for e in result["entities"]])
            result["entities"] += list(more[: limit - len(result["entities"])])
    attach_addresses(result["persons"])
    return result


def attach_addresses(persons):
    """Set `address` on person objects with two queries in all (houses + buildings)."""
    house_ids = {p.house_id for p in persons if p.house_id}
    houses = {h.pk: h for h in House.objects.filter(pk__in=house_ids).select_related("building")}
    for p in persons:
        h = houses.get(p.house_id)
        p.address = h.address if h else ""
    return persons


def persons_in_house(user, house):
    """Households of a house and their members (3 queries)."""
    households = list(Household.objects.visible_to(user).filter(house=house).select_related("head"))
    members = Person.objects.visible_to(user).filter(house=house).order_by("household_id", "relation", "name")
    by_household = {}
    for p in members.prefetch_related("care_tags"):
        by_household.setdefault(p.household_id, []).append(p)
    for h in households:
        h.member_list = by_household.get(h.pk, [])
    loose = by_household.get(None, [])
    return households, loose


def occupancy(house):
    """(css state, label) of a house on the floor plan. The registered 居住状态 says how a house
    is used; whether anyone lives there is the register's active residents (`resident_count`):
    a house registered 空置 with residents shows as lived in, asking for the status to be checked
    (#12: 2603 stayed grey after two people were imported into it)."""
    if house.status == HouseStatus.VACANT and house.resident_count:
        return "occupied", f"有人居住（登记为空置，有 {house.resident_count} 人，请核实居住状态）"
    return house.status, house.get_status_display()


def floor_plan(user, building):
    """Units × floors grid of a building's houses with resident counts: {'floors': [...],
    'units': [...], 'cells': {(floor, unit): [house, ...]}} — two queries."""
    houses = list(
        House.objects.visible_to(user)
        .filter(building=building)
        .annotate(resident_count=Count("residents", filter=Q(residents__status=PersonStatus.ACTIVE)))
        .order_by("floor", "unit", "room")
    )
    units = sorted({h.unit for h in houses} | set(range(1, (building.units or 1) + 1)))
    floors = sorted({h.floor for h in houses} | set(range(1, (building.floors or 1) + 1)), reverse=True)
    cells = {}
    for h in houses:
        h.occupancy, h.occupancy_label = occupancy(h)
        cells.setdefault((h.floor, h.unit), []).append(h)
    rows = [{"floor": f, "cells": [cells.get((f, u), []) for u in units]} for f in floors]
    return {"units": units, "rows": rows, "count": len(houses)}


def component_list(user, scope=""):
    return Component.objects.visible_to(user).within(scope).select_related("component_class")

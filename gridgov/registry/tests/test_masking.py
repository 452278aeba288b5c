"""Issue 11, release blocker 2: the ID mask cannot be undone. A role without the reveal
permission collects everything it can see of a person (detail and list pages, the API, the
masked export, the audit log) and tries to rebuild each ID number from it, as the probe did
(mask + birth date + the district's region code + the check digit). It must fail."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse

from gridgov.accounts.choices import RoleCode
from gridgov.core import audit, pii
from gridgov.core.models import AuditEntry
from gridgov.registry import actions
from gridgov.registry.identity import _CHECK_DIGITS, make_resident_id, mask_id

from .conftest import A1

MASK_RE = re.compile(r"[0-9X]*\*{4,}[0-9X]*")
DATE_RE = re.compile(r"(19\d\d|20\d\d)-?(\d\d)-?(\d\d)")
REGION = "430702"  # the district's code, which every attacker knows


def check_ok(number):
    return _CHECK_DIGITS[(1 - 2 * int(number[:17], 13)) % 11] == number[17]


def rebuild(text, limit=100):
    """Every full ID number the text gives away: candidates from each 18-character mask, filled
    with the region and each date seen, with at most 4 unknown digits left, that pass the check
    digit — and only when there are few enough to try (`limit`)."""
    found = set()
    dates = {"".join(m) for m in DATE_RE.findall(text)} or {""}
    for mask in set(MASK_RE.findall(text)):
        if len(mask) != 18:
            continue
        for date in dates:
            known = list(mask)
            for i, ch in enumerate(REGION):
                if known[i] == "*":
                    known[i] = ch
            if date:
                for i, ch in enumerate(date, start=6):
                    if known[i] == "*":
                        known[i] = ch
            holes = [i for i, ch in enumerate(known) if ch == "*"]
            if len(holes) > 4:
                continue
            candidates = []
            for digits in itertools.product("0123456789", repeat=len(holes)):
                for i, d in zip(holes, digits, strict=True):
                    known[i] = d
                number = "".join(known)
                if check_ok(number):
                    candidates.append(number)
            if len(candidates) <= limit:
                found.update(candidates)
    return found


def test_the_rebuild_works_on_the_old_mask():
    # the attack itself, on what the pages showed before: region, birth date and last 4 beside it
    number = make_resident_id(REGION, datetime.date(1980, 1, 1), 1)
    assert check_ok(number)
    assert number in rebuild(f"{number[:6]}********{number[-4:]} 出生日期 1980-01-01")


def test_mask_shows_first_and_last_character_only():
    assert pii.mask_id_number("430702198001010016") == "4****************6"
    assert mask_id("430702198001010016") == "4****************6"
    assert pii.mask_id_number("E12345678") == "E*******8"


@pytest.fixture
def seen(client, place, make_user, tree, admin_user):
    """All a non-revealing role sees of the persons of grid A1: pages, API, masked export, audit."""
    person = place[A1]["head"]
    actions.update_person(actor=admin_user, person=person, data={"note": "编辑一次", "birth_date":
                                                                 datetime.date(1980, 1, 2)})
    actions.update_person(actor=admin_user, person=person, data={"birth_date": datetime.date(1980, 1, 1)})
    chunks = []
    leader = make_user(RoleCode.LEADER, tree["430702004001"])
    client.force_login(leader)
    for url in (reverse("registry:person_list"), reverse("registry:person_detail", args=[person.pk]),
                reverse("registry:person_edit", args=[person.pk]),
                "/api/registry/persons/", f"/api/registry/persons/{person.pk}/"):
        r = client.get(url)
        chunks.append(r.content.decode())
    staff = make_user(RoleCode.COMMUNITY_STAFF, tree["430702004001"])  # may export, masked by default
    client.force_login(staff)
    for fmt in ("csv", "xlsx"):
        r = client.post(reverse("registry:person_export"), {"format": fmt})
        assert r.status_code == 200
        if fmt == "csv":
            chunks.append(r.content.decode("utf-8-sig"))
        else:
            import io

            import openpyxl

            wb = openpyxl.load_workbook(io.BytesIO(r.content))
            chunks.append("\n".join(" ".join(str(c) for c in row) for row in wb.active.iter_rows(values_only=True)))
    for entry in AuditEntry.objects.filter(object_type="registry.person"):
        chunks.append(f"{entry.before} {entry.after}")
    return place, "\n".join(chunks)


def test_ids_cannot_be_rebuilt_from_what_a_non_revealing_role_sees(seen):
    place, text = seen
    ids = [place[A1]["head"].id_number_plain, place[A1]["spouse"].id_number_plain]
    assert place[A1]["head"].id_masked in text  # the masks are there …
    assert "岁" in text or "年龄" in text  # … and the age
    for number in ids:
        assert number not in text
        assert number[6:14] not in text  # no birth date, in any format
        assert f"{number[6:10]}-{number[10:12]}-{number[12:14]}" not in text
    assert not set(ids) & rebuild(text)


def test_birth_date_is_revealed_like_the_id(client, place, grid_worker):
    person = place[A1]["head"]
    client.force_login(grid_worker)
    r = client.post(reverse("registry:person_reveal", args=[person.pk]), {"field": "birth_date", "reason": "核实年龄"})
    assert person.birth_date.isoformat() in r.content.decode()
    assert AuditEntry.objects.filter(kind="reveal", object_id=str(person.pk)).exists()


def test_audit_snapshots_keep_no_birth_date_or_suffix(place):
    snap = audit.snapshot(place[A1]["head"])
    assert snap["birth_date"] == audit.HIDDEN
    assert "id_last6" not in snap and "id_number_enc" not in snap and "id_hash" not in snap


def test_data_migration_remasks_old_rows_and_scrubs_old_audit(place):
    import importlib

    from django.apps import apps

    from gridgov.registry.models import Person

    person = place[A1]["head"]
    number = person.id_number_plain
    old = number[:6] + "********" + number[-4:]
    Person.objects.filter(pk=person.pk).update(id_masked=old)
    entry = AuditEntry.objects.filter(object_type="registry.person", object_id=str(person.pk)).first()
    entry.after = {"id_masked": old, "birth_date": "1980-01-01", "id_last6": number[-6:], "name": "张三"}
    entry.save()
    importlib.import_module("gridgov.registry.migrations.0006_remask_ids").remask(apps, None)
    assert Person.objects.get(pk=person.pk).id_masked == mask_id(number)
    entry.refresh_from_db()
    assert entry.after == {"id_masked": mask_id(number), "birth_date": "（已隐藏）", "name": "张三"}

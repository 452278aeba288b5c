"""The maintained population sums (ADR 0025) equal a recount from the persons after every write
path: registration with care groups, edits of the groups, move out, move in from another grid,
death, birth, change of house, a person import; a rebuild equals the incremental refreshes; the
home counter and the care page read them."""

import datetime

import pytest

from gridgov.core.importing import run_import
from gridgov.core.menu import indicator_values
from gridgov.registry import actions, population
from gridgov.registry.importers import PersonImport
from gridgov.registry.models import CareTag, Person, PopulationSum

from .conftest import A1, A2, C1, rid
from .test_import import csv, person_rows

pytestmark = pytest.mark.django_db


def _sums():
    return {(s.division_code, s.key): s.value for s in PopulationSum.objects.all()}


def _recount():
    out = {}
    for p in Person.objects.prefetch_related("care_tags"):
        keys = [population.PERSONS]
        if p.status == "active":
            keys += [population.ACTIVE] + [population.care_key(t.pk) for t in p.care_tags.all()]
        for key in keys:
            out[(p.division_code, key)] = out.get((p.division_code, key), 0) + 1
    return out


def test_sums_equal_a_recount_after_every_write_path(place, admin_user, grid_worker):
    tags = list(CareTag.objects.filter(is_active=True)[:3])
    assert _sums() == _recount() and _sums()  # the fixture's registrations
    p = actions.register_person(actor=admin_user, grid=place[A2]["building"].grid, care_tags=tags[:2],
                                data={"name": "孙七", "id_number": rid(91)})
    assert _sums() == _recount()
    actions.update_person(actor=admin_user, person=p, data={}, care_tags=tags[1:])
    assert _sums() == _recount()
    head = place[A1]["head"]
    actions.update_person(actor=admin_user, person=head, data={}, care_tags=tags[:1])
    actions.move_out(actor=grid_worker, person=head, destination="长沙")
    assert _sums() == _recount()
    head.refresh_from_db()
    actions.move_in(actor=admin_user, house=place[C1]["houses"][(2, "302")], person=head)  # A1 → C1
    assert _sums() == _recount()
    actions.record_death(actor=admin_user, person=place[A2]["spouse"])
    baby = actions.record_birth(actor=grid_worker, household=place[A1]["household"], data={"name": "张小宝"},
                                occurred_on=datetime.date(2026, 1, 2))
    actions.change_house(actor=admin_user, person=p, house=place[A1]["houses"][(1, "201")])  # A2 → A1
    actions.change_house(actor=grid_worker, person=baby, house=place[A1]["houses"][(2, "202")])
    assert _sums() == _recount()
    report = run_import(PersonImport(admin_user), csv(person_rows(12)), actor=admin_user, apply=True,
                        filename="p.csv")
    assert report.ok, [str(e) for e in report.errors]
    assert _sums() == _recount()
    # a rebuild equals the incremental refreshes, and refreshing is idempotent
    incremental = _sums()
    population.rebuild()
    assert _sums() == incremental
    population.refresh({code for code, _ in incremental})
    population.rebuild(A1[:9])
    assert _sums() == incremental


def test_home_counter_and_care_counts_read_the_sums(client, place, admin_user, grid_worker):
    tag = CareTag.objects.filter(is_active=True).first()
    actions.update_person(actor=admin_user, person=place[A1]["spouse"], data={}, care_tags=[tag])
    actions.update_person(actor=admin_user, person=place[C1]["spouse"], data={}, care_tags=[tag])
    for user, persons, tagged in ((admin_user, 6, 2), (grid_worker, 2, 1)):
        counters = {c["key"]: c["num"] for c in indicator_values(user, "", home=True)}
        assert counters["registry.persons"] == persons == Person.objects.visible_to(user).count()
        summed = population.summed(user, "", [population.care_key(tag.pk)])
        assert summed[population.care_key(tag.pk)] == tagged
    # the scope switcher narrows the sums like the lists
    assert population.summed(admin_user, C1, [population.PERSONS])[population.PERSONS] == 2

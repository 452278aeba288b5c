"""Lists over the population fetch only their page and count no more than they show (issue 17):
the care page's counts equal a recount for each viewer and its list is exactly the selected
group in order, paged by that count; the person list's count stops at the cap."""

import pytest
from django.urls import reverse

from gridgov.core.paging import CappedPaginator
from gridgov.registry import population
from gridgov.registry.models import CareTag, Person

from .conftest import A1, A2, C1

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(place):
    """Tags on persons of three grids (one left, so it is not counted)."""
    tags = list(CareTag.objects.filter(is_active=True)[:2])
    assert len(tags) == 2
    for code, (first, second) in {A1: (tags, tags[:1]), A2: (tags[1:], []), C1: (tags[:1], tags)}.items():
        place[code]["head"].care_tags.set(first)
        place[code]["spouse"].care_tags.set(second)
    Person.objects.filter(pk=place[C1]["spouse"].pk).update(status="moved_out")
    population.rebuild()  # written outside the actions, as a bulk writer does
    return tags


def _recount(user, tag):
    return Person.objects.visible_to(user).filter(status="active", care_tags=tag).count()


def test_care_counts_and_list_equal_a_recount(client, place, tagged, admin_user, grid_worker):
    for user in (admin_user, grid_worker):
        client.force_login(user)
        for tag in tagged:
            r = client.get(reverse("registry:care_list"), {"tag": tag.pk})
            assert r.status_code == 200
            counts = {t.pk: t.count for t in r.context["tags"]}
            assert counts[tag.pk] == _recount(user, tag), (user, tag)
            want = list(Person.objects.visible_to(user).filter(status="active", care_tags=tag)
                        .order_by("division_code", "name").values_list("pk", flat=True))
            assert [p.pk for p in r.context["page"].object_list] == want
            assert r.context["page"].paginator.count == len(want)


def test_person_list_count_stops_at_the_cap(client, place, admin_user, monkeypatch):
    client.force_login(admin_user)
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    monkeypatch.setattr("gridgov.registry.views.common.PAGE_SIZE", 1)
    body = client.get(reverse("registry:person_list")).content.decode()
    assert "超过 2 条" in body and "下一页" in body
    monkeypatch.setattr(CappedPaginator, "cap", 100)
    assert "共 6 条" in client.get(reverse("registry:person_list")).content.decode()

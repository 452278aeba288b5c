"""Reporting near a grid's edge (issue 12): a grid worker may report anywhere in the district;
the case goes to the grid the point falls in, and she is told when that is not her grid."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gridgov.cases import actions
from gridgov.cases.choices import Channel
from gridgov.cases.models import Case

from .conftest import POINT

pytestmark = pytest.mark.django_db

NEXT_GRID = (111.709, 29.041)  # inside 430702004001002, the neighbour of the worker's grid 001
OTHER_STREET = (111.719, 29.041)  # inside 430702005001001 (白马湖街道)


def _form(category, point, **extra):
    return {"category": category.pk, "title": "路面塌陷", "attr_depth": "deep", "lng": point[0], "lat": point[1],
            "channel": "grid", **extra}


@pytest.mark.parametrize("point, grid", [(NEXT_GRID, "430702004001002"), (OTHER_STREET, "430702005001001")])
def test_a_grid_worker_reports_past_her_grid_and_the_case_goes_to_the_grid_of_the_point(
        client, grid_worker, category, point, grid):
    # given the worker of grid 001
    client.force_login(grid_worker)
    # when she reports a point in another grid of the district
    r = client.post(reverse("cases:report"), _form(category, point), follow=True)
    # then the case exists in the grid of the point, and she is told so on its progress page
    case = Case.objects.get()
    assert case.division_code == grid
    body = r.content.decode()
    assert "不在您负责的网格内" in body and case.grid.name in body and case.number in body
    assert r.redirect_chain[-1][0] == reverse("cases:public", args=[case.public_token])


def test_inside_her_grid_she_goes_to_the_case_page_without_a_notice(client, grid_worker, category):
    client.force_login(grid_worker)
    r = client.post(reverse("cases:report"), _form(category, POINT))
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("cases:detail", args=[case.pk])


def test_no_report_outside_the_district(grid_worker, category, tree):
    from gridgov.divisions.models import Division

    elsewhere = Division.objects.create(code="430703001001001", name="外区网格", level=4)
    with pytest.raises(PermissionDenied):
        actions.report_case(actor=grid_worker, category=category, title="外区", channel=Channel.GRID_WORKER,
                            grid=elsewhere, attributes={"depth": "deep"})
    assert not Case.objects.exists()


def test_solving_on_the_spot_stays_inside_her_grid(grid_worker, category, photo):
    with pytest.raises(ValidationError) as exc:
        actions.report_case(actor=grid_worker, category=category, title="已处理", channel=Channel.GRID_WORKER,
                            lng=NEXT_GRID[0], lat=NEXT_GRID[1], attributes={"depth": "deep"},
                            solve_evidence=[photo()], solve_note="当场处理")
    assert "不在您负责的网格内" in str(exc.value)
    assert not Case.objects.exists()

"""The proposal shows where grid boundaries leave the streets: the engine's in-block cuts, with
the final grid codes, on the proposal map and in the grid table."""

import json

import pytest
from django.urls import reverse

pytest.importorskip("gridgov.partition")
pytest.importorskip("gridgov.registry.models")

from gridgov.divisions.redraw.proposals import _renamed_cuts  # noqa: E402

from .test_redraw import draw, make_buildings  # noqa: E402


def test_cuts_take_the_final_codes():
    cuts = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
         "properties": {"grids": ["X001", "X002"], "length_m": 12.5}}]}
    out = _renamed_cuts(cuts, {"X001": "430702004001001", "X002": "430702004001003"})
    assert out["features"][0]["properties"] == {"grids": ["430702004001001", "430702004001003"], "length_m": 12.5}
    assert _renamed_cuts(None, {}) == {"type": "FeatureCollection", "features": []}


def test_proposal_map_carries_the_in_block_cuts(client, admin_user, tree):
    # given street blocks of 540 households (over the maximum): they must be cut between buildings
    make_buildings(tree, admin_user, heavy=30, light=10)
    proposal = draw(admin_user, tree)
    # then the proposal stores the cuts with the proposal's codes, and every grid its length
    codes = {f["properties"]["code"] for f in proposal.grids["features"]}
    cuts = proposal.report["in_block_cut_lines"]["features"]
    assert cuts, "the block is cut between buildings"
    assert all(set(c["properties"]["grids"]) <= codes and c["properties"]["length_m"] > 0 for c in cuts)
    assert all("in_block_cut_m" in f["properties"] for f in proposal.grids["features"])
    # and the review page hands them to the map (its own static script, no inline script)
    client.force_login(admin_user)
    body = client.get(reverse("divisions:partition_proposal", args=[proposal.pk])).content.decode()
    start = body.index('id="proposal-map-data"')
    data = json.loads(body[body.index(">", start) + 1 : body.index("</script>", start)])
    assert len(data["cuts"]["features"]) == len(cuts)
    assert "divisions/proposal_map.js" in body and "穿越街坊" in body
    assert "<script>" not in body


@pytest.mark.browser
def test_browser_grid_shows_its_in_block_cuts(browser_page, admin_user, tree):
    from gridgov.conftest import login

    make_buildings(tree, admin_user, heavy=30, light=10)
    proposal = draw(admin_user, tree)
    n = len(proposal.report["in_block_cut_lines"]["features"])
    page = browser_page
    login(page, "admin-test")
    page.goto(page.base_url + reverse("divisions:partition_proposal", args=[proposal.pk]))
    page.wait_for_selector("[data-testid=proposal-map][data-ready='1']", timeout=30000)
    assert page.locator("[data-testid=proposal-map]").get_attribute("data-cuts") == str(n)
    # clicking a grid that has cuts opens its popup with the length and highlights them
    code = proposal.report["in_block_cut_lines"]["features"][0]["properties"]["grids"][0]
    page.evaluate(
        """code => { const m = document.getElementById('proposal-map').ggMap;
                     m.eachLayer(l => { if (l.feature && l.feature.properties.code === code) l.fire('click'); }); }""",
        code,
    )
    assert page.locator("[data-testid=proposal-map]").get_attribute("data-selected") == code
    page.screenshot(path="/tmp/proposal_cuts.png", full_page=False)

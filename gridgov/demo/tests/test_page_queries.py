"""The page bench's CI guard: no page's SQL query count grows with the data.

The demo is loaded at two quick sizes (`tiny`: one street, two communities; `quick`: the same
street with more communities, grids, people, cases and members) and every page of every demo
role's menu, plus one detail page of each declared kind, is requested as that role at both (and
every public page the apps declare, signed out). A page
whose query count is higher at the larger size runs queries per row (per grid, per member …)
and will not stay fast at district scale: the test names it with both counts. Timing is not
checked here (CI machines are noisy); `bench/pages/run.py` times the same pages at district
scale.
"""

import pytest
from django.db import transaction
from django.test import Client

from gridgov.demo.generate import generate
from gridgov.demo.pages import ANONYMOUS, demo_roles, login_client, measure, pages_for, public_pages

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SIZES = ("tiny", "quick")


def _query_counts(scale):
    """{(username, page key): (url, queries, status)} for the demo at `scale`."""
    from gridgov.accounts.models import User

    generate(scale=scale, seed=7)
    counts = {}
    for _role, username in [*demo_roles(), ANONYMOUS]:
        if username:
            user = User.objects.get(username=username)
            client, pages = login_client(user), pages_for(user)
        else:  # the public pages the apps declare, signed out
            client, pages, username = Client(), public_pages(), "anonymous"
        for page in pages:
            m = measure(client, page.url, repeat=1, warmup=1)
            key = page.url if page.source == "menu" else f"detail:{page.kind}"
            counts[(username, key)] = (page.url, m.queries, m.status)
    return counts


def test_no_page_runs_more_queries_on_more_data(roles):
    # given the demo at two sizes (the first rolled back before the second is loaded)
    found = {}
    for scale in SIZES:
        sid = transaction.savepoint()
        found[scale] = _query_counts(scale)
        transaction.savepoint_rollback(sid)
    small, large = (found[s] for s in SIZES)
    # then every page answered, at both sizes, with no more queries on the larger data
    assert small, "no pages found: the demo roles have no menu"
    failing = [f"{user} {url}: HTTP {status}" for (user, _), (url, _, status) in {**small, **large}.items()
               if status >= 500]
    assert not failing, failing
    grown = [f"{user} {large[(user, key)][0]}: {small[(user, key)][1]} → {large[(user, key)][1]} queries"
             for (user, key) in small if (user, key) in large and large[(user, key)][1] > small[(user, key)][1]]
    assert not grown, "query count grows with the data:\n" + "\n".join(grown)

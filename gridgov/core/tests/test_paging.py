"""Every list pages through core.paging (issue 17: lists never count more than they show): the
count stops at the cap, the page says “超过 …”, and no module paginates with Django's plain
Paginator, whose count reads every matching row."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gridgov.core.notify import notify
from gridgov.core.paging import CappedPaginator

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_paginates_with_the_plain_paginator():
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel == "core/paging.py":
            continue
        if "django.core.paginator" in path.read_text(encoding="utf-8"):
            offenders.append(rel)
    assert offenders == [], f"paginate with gridgov.core.paging.CappedPaginator instead: {offenders}"


@pytest.mark.django_db
def test_the_count_stops_at_the_cap_and_says_so(client, admin_user, monkeypatch):
    for i in range(32):  # the notification centre shows 30 a page
        notify(admin_user, f"通知{i}")
    monkeypatch.setattr(CappedPaginator, "cap", 30)
    paginator = CappedPaginator(admin_user.notifications.all(), 2)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 31 and paginator.capped
    assert "LIMIT 31" in queries[0]["sql"].upper()
    assert paginator.count_label == "超过 30"

    client.force_login(admin_user)
    body = client.get(reverse("core:notifications")).content.decode()
    assert "超过 30 条" in body
    monkeypatch.setattr(CappedPaginator, "cap", 100)
    body = client.get(reverse("core:notifications")).content.decode()
    assert "共 32 条" in body and CappedPaginator(admin_user.notifications.all(), 2).count_label == "32"

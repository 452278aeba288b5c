"""Eight members claim the same proxy need at once: exactly one holds it (PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError

from gridgov.core.testing import race, require_postgresql
from gridgov.services import actions
from gridgov.services.choices import NeedEventKind, NeedState
from gridgov.services.models import ProxyNeed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_members_claim_one_need(party, grid_worker_a, make_person):
    require_postgresql("并发认领测试需要 PostgreSQL（设置 DATABASE_URL）")
    members = [party["member"]() for _ in range(8)]
    elder = make_person(name="王奶奶", age=85, tags=("elderly_alone",))
    need = actions.record_need(actor=grid_worker_a, person=elder, description="需代办高龄津贴", source="phone")
    r = race(lambda member: actions.claim_need(actor=member.user, need=need).member_id, members,
             refused=(ValidationError,))
    assert not r.errors, r.errors
    need.refresh_from_db()
    assert len(r.ok) == 1 and need.member_id == r.ok[0] and need.state == NeedState.ASSIGNED
    assert len(r.messages) == 7 and all("已被其他党员认领" in m for m in r.messages)
    assert need.events.filter(kind=NeedEventKind.CLAIM).count() == 1
    assert ProxyNeed.objects.count() == 1

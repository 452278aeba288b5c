"""Eight members claim the same proxy need at once: exactly one holds it (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from gridgov.services import actions
from gridgov.services.choices import NeedEventKind, NeedState
from gridgov.services.models import ProxyNeed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_members_claim_one_need(party, grid_worker_a, make_person):
    if connection.vendor != "postgresql":
        pytest.skip("并发认领测试需要 PostgreSQL（设置 DATABASE_URL）")
    members = [party["member"]() for _ in range(8)]
    elder = make_person(name="王奶奶", age=85, tags=("elderly_alone",))
    need = actions.record_need(actor=grid_worker_a, person=elder, description="需代办高龄津贴", source="phone")
    barrier = threading.Barrier(len(members))
    won, refused, errors = [], [], []

    def run(member):
        from django.core.exceptions import ValidationError
        from django.db import connections

        try:
            barrier.wait()
            actions.claim_need(actor=member.user, need=need)
            won.append(member.pk)
        except ValidationError as exc:
            refused.append(exc.messages[0])
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    need.refresh_from_db()
    assert len(won) == 1 and need.member_id == won[0] and need.state == NeedState.ASSIGNED
    assert len(refused) == 7 and all("已被其他党员认领" in m for m in refused)
    assert need.events.filter(kind=NeedEventKind.CLAIM).count() == 1
    assert ProxyNeed.objects.count() == 1

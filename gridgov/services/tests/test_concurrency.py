"""Eight counters calling next at once: every waiting ticket is called exactly once (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from gridgov.services import actions
from gridgov.services.choices import TicketState
from gridgov.services.models import Ticket

from .conftest import A


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_counters_never_share_a_ticket(tree, admin_user, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("行锁并发测试需要 PostgreSQL（设置 DATABASE_URL）")
    group = actions.save_group(actor=admin_user, community=tree[A], name="综合受理", prefix="A")
    counters = [actions.save_counter(actor=admin_user, community=tree[A], number=n, groups=[group])
                for n in range(1, 9)]
    for _ in range(60):
        actions.take_ticket(actor=admin_user, group=group, channel="kiosk")
    barrier = threading.Barrier(len(counters))
    called, errors = [], []

    def run(counter):
        from django.db import connections

        try:
            barrier.wait()
            while True:
                ticket = actions.call_next(actor=admin_user, counter=counter)
                if ticket is None:
                    break
                called.append(ticket.pk)
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in counters]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert len(called) == len(set(called)) == 60  # no duplicate, none lost
    assert not Ticket.objects.filter(state=TicketState.WAITING).exists()

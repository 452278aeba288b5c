"""Eight counters calling next at once: every waiting ticket is called exactly once (PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError

from gridgov.core.testing import race, require_postgresql
from gridgov.services import actions
from gridgov.services.choices import TicketState
from gridgov.services.models import Ticket

from .conftest import A


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_counters_never_share_a_ticket(tree, admin_user, make_user):
    require_postgresql("行锁并发测试需要 PostgreSQL（设置 DATABASE_URL）")
    group = actions.save_group(actor=admin_user, community=tree[A], name="综合受理", prefix="A")
    counters = [actions.save_counter(actor=admin_user, community=tree[A], number=n, groups=[group])
                for n in range(1, 9)]
    for _ in range(60):
        actions.take_ticket(actor=admin_user, group=group, channel="kiosk")

    def call_until_empty(counter):
        called = []
        while (ticket := actions.call_next(actor=admin_user, counter=counter)) is not None:
            called.append(ticket.pk)
        return called

    r = race(call_until_empty, counters)
    assert not r.errors, r.errors
    called = [pk for batch in r.ok for pk in batch]
    assert len(called) == len(set(called)) == 60  # no duplicate, none lost
    assert not Ticket.objects.filter(state=TicketState.WAITING).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bookings_never_overfill_a_slot(tree, admin_user):
    """Twelve residents book the last three places of a slot at once: exactly three succeed."""
    import datetime

    from gridgov.core import clock
    from gridgov.registry.models import Person
    from gridgov.services.models import Appointment, AppointmentSlot

    require_postgresql("行锁并发测试需要 PostgreSQL（设置 DATABASE_URL）")
    group = actions.save_group(actor=admin_user, community=tree[A], name="综合受理", prefix="A")
    day = clock.today() + datetime.timedelta(days=1)
    slot = AppointmentSlot.objects.create(group=group, division_code=group.division_code, day=day,
                                          start=datetime.time(9), end=datetime.time(9, 30), capacity=3)
    grid = tree[A + "001"]
    persons = [Person.objects.create(grid=grid, division_code=grid.code, name=f"居民{n}") for n in range(12)]
    r = race(lambda person: actions.book_appointment(actor=admin_user, slot=slot, person=person), persons,
             refused=(ValidationError,))
    assert not r.errors, r.errors
    slot.refresh_from_db()
    assert len(r.ok) == 3 == slot.booked == Appointment.objects.filter(slot=slot).count()
    assert len(r.messages) == 9 and all("已约满" in m for m in r.messages)

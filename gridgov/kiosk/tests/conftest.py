"""Kiosk test fixtures: a terminal in A社区 (430702004001) enrolled in the test client."""

import pytest

from gridgov.accounts.choices import RoleCode
from gridgov.kiosk import actions
from gridgov.kiosk.device import COOKIE

A, B = "430702004001", "430702004002"


@pytest.fixture
def a_staff(make_user, tree):
    return make_user(RoleCode.COMMUNITY_STAFF, tree[A], username="a-staff")


@pytest.fixture
def kiosk(a_staff, tree):
    """(device, key) registered by A社区's staff."""
    return actions.register_device(actor=a_staff, community=tree[A], data={"name": "A社区大厅终端", "location": "大厅"})


@pytest.fixture
def terminal(client, kiosk):
    """A test client enrolled as the terminal (the key in its cookie)."""
    client.cookies[COOKIE] = kiosk[1]
    return client

"""The system actor: one meaning for "acting without a person" (docs/architecture.md §4, “Writes go through actions”).

Every action takes a real actor. Work that no person does at that moment — background jobs,
the SLA sweep, scoring runs, command-line imports, the demo generator, the part of a grid
redraw that belongs to other apps — acts as the system actor: a real user row (`is_system`,
username `system`, unusable password, refused at login) holding the 系统 role over the whole
install. What the system may do is that role's permissions, declared by each app
(`RoleDefault("system", …)` in its contributions.py) and editable like any role: it is never
an "everything allowed" key. Audit entries name it 系统, and 系统（张三 发起） when a person's
request started the work (`started_by`).

A person never becomes the system actor to get past a check: only code that does system work
asks for it, and it says who started it.
"""

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

SYSTEM_ROLE = "system"


def system_actor(*, started_by=None):
    """The system user (created on first use), with `started_by` set for the audit log."""
    from .models import SYSTEM_USERNAME, User

    user = User.objects.filter(is_system=True).first()
    if user is None:
        taken = User.objects.filter(username=SYSTEM_USERNAME).exists()  # a person called "system"
        user = _create(User, "_system" if taken else SYSTEM_USERNAME)
    user.started_by = started_by if getattr(started_by, "pk", None) else None
    return user


def _create(User, username):
    from .models import RoleAssignment
    from .roles import ensure_roles

    try:
        with transaction.atomic():
            user = User.objects.create(username=username, full_name="系统", is_system=True,
                                       password=make_password(None))
            role = ensure_roles()[SYSTEM_ROLE]
            RoleAssignment.objects.create(user=user, role=role, division=None)
    except IntegrityError:  # another process made it first
        return User.objects.get(is_system=True)
    return user


def is_system(actor):
    return bool(getattr(actor, "is_system", False))

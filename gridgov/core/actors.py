"""Who acts (docs/architecture.md §4, “Writes go through actions”): every action takes a real actor.

- `@action` marks a write: it refuses a missing actor (`actor=None`) before anything else and
  runs the function in one transaction. Every function in an app's `actions` takes a
  keyword-only `actor` and carries it.
- The actor is a signed-in user; a resident on a public page (website, kiosk, Open311) is the
  request's anonymous user, which only the public channels accept; work no person does at that
  moment (jobs, the SLA sweep, scoring, command-line imports, the demo) acts as the *system
  actor* from `system_actor()`, with the permissions its 系统 role holds (data, declared by the
  apps). Core knows the user model only through `AUTH_USER_MODEL`: its manager's
  `system(started_by=)` gives the system actor (gridgov.accounts.system).
"""

import functools
import inspect

from django.core.exceptions import PermissionDenied
from django.db import transaction

NO_ACTOR = "缺少操作人：每个操作都必须由真实的操作人执行（后台任务请使用系统身份）"


class MissingActor(PermissionDenied):
    """An action was called with `actor=None`."""


def require_actor(actor):
    if actor is None:
        raise MissingActor(NO_ACTOR)
    return actor


def action(func=None, *, atomic=True):
    """Decorate a write: `actor` is required (None is refused) and, by default, the body runs in
    one transaction."""
    if func is None:
        return functools.partial(action, atomic=atomic)
    if "actor" not in inspect.signature(func).parameters:
        raise TypeError(f"{func.__qualname__}: an action takes a keyword-only `actor`")
    body = transaction.atomic(func) if atomic else func

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        require_actor(kwargs.get("actor"))
        return body(*args, **kwargs)

    wrapper.is_action = True
    return wrapper


def system_actor(*, started_by=None):
    """The system actor; `started_by` names the person whose request started the work."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.system(started_by=started_by)


def is_system(actor):
    return bool(getattr(actor, "is_system", False))

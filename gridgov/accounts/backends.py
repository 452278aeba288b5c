"""Authentication with lockout, and permissions from role assignments (permissions are data)."""

import datetime

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from gridgov.core import clock


class LockoutModelBackend(ModelBackend):
    """After LOGIN_MAX_FAILURES failed passwords for one account name from one client address,
    that client is locked out of that name for LOGIN_LOCKOUT_MINUTES (`LoginFailure`); even the
    right password is refused meanwhile. Other clients are not affected (nobody can lock a user
    out from anywhere), and unknown names are counted and locked alike (the answer never tells a
    locked account from an unknown one). An administrator's lock on the user (`locked_until`)
    still applies everywhere."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from gridgov.core import net, pii

        from .models import LoginFailure, User

        if username is None or password is None:
            return None
        now = clock.now()
        key = {"username_hash": pii.keyed_hash(f"login:{username.strip().lower()}"),
               "client_hash": pii.keyed_hash(f"client:{net.client_ip(request) if request is not None else ''}")}
        failure = LoginFailure.objects.filter(**key).first()
        if failure is not None and failure.locked_until and failure.locked_until > now:
            return self._locked(request, failure.locked_until)
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            User().set_password(password)  # same cost as a real check: no user enumeration by timing
            return self._failed(request, key, failure, now)
        if user.locked_until and user.locked_until > now:
            return self._locked(request, user.locked_until)
        if user.check_password(password) and self.user_can_authenticate(user):
            if failure is not None:
                LoginFailure.objects.filter(pk=failure.pk).delete()
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        return self._failed(request, key, failure, now)

    @staticmethod
    def _locked(request, until):
        if request is not None:
            request.login_locked_until = until
        return None

    def _failed(self, request, key, failure, now):
        from .models import LoginFailure

        failures = (failure.failures if failure is not None else 0) + 1
        locked = None
        if failures >= settings.LOGIN_MAX_FAILURES:
            locked = now + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            failures = 0
            self._locked(request, locked)
        LoginFailure.objects.update_or_create(**key, defaults={"failures": failures, "locked_until": locked})
        return None

    def user_can_authenticate(self, user):
        """The system actor never logs in (it has no usable password either)."""
        return super().user_can_authenticate(user) and not getattr(user, "is_system", False)

    def _get_group_permissions(self, user_obj):
        """Role permissions stand where Django puts group permissions, so `user.has_perm()`
        answers from the roles (scope aside; scoped checks use core.access.can)."""
        from .models import Role

        role_ids = {a.role_id for a in user_obj.active_assignments()}
        through = Role.permissions.through.objects.filter(role_id__in=role_ids)
        return Permission.objects.filter(id__in=through.values("permission_id"))

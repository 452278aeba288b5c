"""Authentication with lockout, and permissions from role assignments (permissions are data)."""

import datetime

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from gridgov.core import clock


class LockoutModelBackend(ModelBackend):
    """After LOGIN_MAX_FAILURES failed passwords the account is locked for
    LOGIN_LOCKOUT_MINUTES; a locked account cannot log in even with the right password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from .models import User

        if username is None or password is None:
            return None
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            User().set_password(password)  # same cost as a real check: no user enumeration by timing
            return None
        now = clock.now()
        if user.locked_until and user.locked_until > now:
            if request is not None:
                request.login_locked_until = user.locked_until
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        failures = user.failed_logins + 1
        locked = None
        if failures >= settings.LOGIN_MAX_FAILURES:
            locked = now + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            failures = 0
            if request is not None:
                request.login_locked_until = locked
        User.objects.filter(pk=user.pk).update(failed_logins=failures, locked_until=locked)
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

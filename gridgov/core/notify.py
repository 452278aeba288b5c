"""Notifications: in-app rows plus optional channels (e-mail, SMS) behind one interface."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from . import clock

log = logging.getLogger(__name__)


class Channel:
    """A delivery channel beyond the in-app centre. Subclass and list it in
    settings.NOTIFICATION_CHANNELS (dotted paths) to send e-mail, SMS, etc."""

    def send(self, notification):  # pragma: no cover - interface
        raise NotImplementedError


class LogChannel(Channel):
    """Writes a log line (the default extra channel in the demo)."""

    def send(self, notification):
        log.info("notification to user %s: %s", notification.recipient_id, notification.title)


def _channels():
    return [import_string(path)() for path in getattr(settings, "NOTIFICATION_CHANNELS", [])]


def notify(recipient, title, body="", *, url="", category="", dedupe_key=""):
    """Create an in-app notification (idempotent per recipient + dedupe_key) and hand it to the
    extra channels after commit. Returns the notification, or None if it was a duplicate."""
    from .models import Notification

    try:
        with transaction.atomic():
            n = Notification.objects.create(
                recipient=recipient, created_at=clock.now(), title=title[:200], body=body, url=url[:300],
                category=category, dedupe_key=dedupe_key[:120],
            )
    except IntegrityError:
        return None
    for channel in _channels():
        transaction.on_commit(lambda c=channel, n=n: c.send(n))
    return n

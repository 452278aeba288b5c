"""Notifications: in-app rows plus optional channels (e-mail, SMS) behind one interface."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from . import clock
from .actors import action

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


NOTIFICATION_COLUMNS = ["recipient_id", "created_at", "category", "title", "body", "url", "dedupe_key"]


def notify_many(notifications, *, dedupe_prefix="", channel_limit=500):
    """Create many in-app notifications at once — unsaved `Notification`s — idempotent per
    recipient + dedupe_key like `notify`: one query for the keys already sent (those starting
    with `dedupe_prefix`, or exactly the given keys), one bulk insert. The extra channels get the
    new ones after commit when there are at most `channel_limit` of them (per-message channels
    such as SMS are for ordinary volumes). Call inside the caller's transaction. Returns how
    many were new."""
    from .bulk import upsert_rows
    from .models import Notification

    wanted = list(notifications)
    if not wanted:
        return 0
    sent = Notification.objects.exclude(dedupe_key="")
    if dedupe_prefix:
        sent = sent.filter(dedupe_key__startswith=dedupe_prefix)
    else:
        sent = sent.filter(dedupe_key__in={n.dedupe_key for n in wanted if n.dedupe_key})
    done = set(sent.values_list("recipient_id", "dedupe_key"))
    new = []
    for n in wanted:
        key = (n.recipient_id, n.dedupe_key)
        if n.dedupe_key and key in done:
            continue
        done.add(key)
        n.created_at = n.created_at or clock.now()
        new.append(n)
    upsert_rows(Notification, NOTIFICATION_COLUMNS, [
        (n.recipient_id, n.created_at, n.category, n.title[:200], n.body, n.url[:300], n.dedupe_key[:120])
        for n in new], conflict=())
    channels = _channels()
    if channels and len(new) <= channel_limit:
        for n in new:
            for c in channels:
                transaction.on_commit(lambda c=c, n=n: c.send(n))
    return len(new)


@action
def mark_all_read(*, actor):
    """The user marks every notification of theirs read (通知中心 · 全部已读)."""
    from .models import Notification

    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=clock.now())

"""Capped pagination for lists over large tables (docs/ui.md): a count over every visible row
costs more than the page itself once there are hundreds of thousands, and nobody pages past the
ten thousandth. The shared pagination template (`core/_pagination.html`) says “more than …”
beyond the cap and asks for narrower filters."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 matching rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`)."""

    cap = 10_000

    def __init__(self, object_list, per_page, *, cap=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or self.cap

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "order_by"):  # a plain list
            return len(self.object_list)
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap


class KnownCountPaginator(Paginator):
    """Pages of a list whose length the view already knows (a count it shows anyway)."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known = count

    @cached_property
    def count(self):
        return self._known

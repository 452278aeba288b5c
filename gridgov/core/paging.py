"""Capped pagination for lists over large tables (docs/ui.md): a count over every visible row
costs more than the page itself once there are hundreds of thousands, and nobody pages past the
ten thousandth. The shared pagination template (`core/_pagination.html`) says “more than …”
beyond the cap and asks for narrower filters. Views paginate through this module only (a test in
core/tests/test_paging.py refuses `django.core.paginator.Paginator` anywhere else)."""

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

    @property
    def count_label(self):
        """The count as a page shows it: “超过 10000” past the cap."""
        return f"超过 {self.cap}" if self.capped else str(self.count)


class KnownCountPaginator(Paginator):
    """Pages of a list whose length the view already knows (a count it shows anyway)."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known = count

    @cached_property
    def count(self):
        return self._known


class KeysFirstPaginator(CappedPaginator):
    """A capped paginator that reads a page in two steps: the page's primary keys from the
    filtered, ordered queryset alone (no joins, so the database can walk the ORDER BY's index
    and stop at the page), then those rows through `fetch(keys)` (joins and all), in order."""

    def __init__(self, object_list, per_page, *, fetch, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.fetch = fetch

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.fetch(keys)}
        return self._get_page([rows[k] for k in keys if k in rows], number, self)

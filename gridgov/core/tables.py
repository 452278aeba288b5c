"""The table base of the design system (docs/ui.md): django-tables2 with the one template
(`ui/table.html`) whose rows stack as cards below 576 px.

A list view keeps its own queryset, filter and paginator (a capped or keyset paginator where
counting is slow) and hands the page's rows to the table, so a table adds no query:

    table = CaseTable(page.object_list)
"""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_tables2 import utils as tables_utils

_signature = tables_utils.signature


_signatures = {}


def _signature_by_function(fn):
    """django-tables2 inspects every render method's signature once per cell; a method's
    signature never changes, so it is computed once per function (a third of a list's render).
    Bound methods are keyed by their function (the signature is taken without `self`)."""
    key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
    found = _signatures.get(key)
    if found is None:
        found = _signatures[key] = _signature(fn)
    return found


tables_utils.signature = _signature_by_function


class BaseTable(tables.Table):
    """Rows of one page; ordering comes from the view's own sort parameter, not from the table."""

    class Meta:
        template_name = "ui/table.html"
        attrs = {"class": "table table-vcenter card-table table-stack"}
        orderable = False
        empty_text = "暂无数据"

    def rows_html(self):
        """The rows of the page as HTML, each cell labelled with its header (`data-label`) for
        the phone cards. Built here rather than cell by cell in the template: the same markup at
        a fraction of the template engine's cost (bench/ui/lists.py)."""
        columns = [(c, c.attrs["td"].as_html(), conditional_escape(c.header)) for c in self.columns]
        out = []
        for row in self.paginated_rows:
            cells = "".join(f'<td {attrs} data-label="{header}">{conditional_escape(row.get_cell(c.name))}</td>'
                            for c, attrs, header in columns)
            out.append(f"<tr {row.attrs.as_html()}>{cells}</tr>")
        return mark_safe("\n".join(out))


class LocalTimeColumn(tables.Column):
    """A date and time in Asia/Shanghai, always with the date ("2026-11-27 09:30"); a plain
    date (fmt="%Y-%m-%d") as it is."""

    def __init__(self, *args, fmt="%Y-%m-%d %H:%M", **kwargs):
        self.fmt = fmt
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        if hasattr(value, "tzinfo"):
            value = timezone.localtime(value)
        return value.strftime(self.fmt)


class MonoColumn(tables.Column):
    """Codes and masked numbers, in the monospace face."""

    def render(self, value):
        return format_html('<span class="mono">{}</span>', value)

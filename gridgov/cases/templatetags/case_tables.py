"""`{% case_table %}`: the page's cases (context `page`, `now`) as the design system's table."""

from django import template

from gridgov.cases.tables import CaseTable

register = template.Library()


@register.simple_tag(takes_context=True)
def case_table(context):
    table = CaseTable(list(context["page"]), now=context.get("now"))
    return table.as_html(context["request"])

"""Links other apps add to a community's website menu: `extra={"portal_links": ((label, url
name), …)}` in their contributions.py; each URL name takes the community code."""

from django import template
from django.urls import NoReverseMatch, reverse

from gridgov.core.manifest import all_contributions

register = template.Library()


@register.simple_tag
def portal_links(code):
    out = []
    for manifest in all_contributions():
        for label, url_name in manifest.extra.get("portal_links", ()):
            try:
                out.append((label, reverse(url_name, args=[code])))
            except NoReverseMatch:
                continue
    return out

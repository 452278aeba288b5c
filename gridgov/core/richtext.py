"""Rich text from staff (news, notices, policy documents): sanitised with nh3 (ammonia) to a small
allow-list of tags and attributes — no script, style, event handler, iframe or `javascript:` URL
survives. Links get rel="noopener noreferrer". `links=False` keeps only text structure (no links,
images or attributes at all: the kiosk's policy texts). One sanitiser for every app; render the
result with |safe only after it passed through `clean` in the action that saved it."""

import re

import nh3

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "h2", "h3", "h4", "ul", "ol", "li", "blockquote",
        "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr", "span"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "th": {"colspan", "rowspan"},
              "td": {"colspan", "rowspan"}}
SCHEMES = {"http", "https", "mailto", "tel"}


def clean(html, *, links=True):
    """Sanitised HTML, safe to render with |safe."""
    if not links:
        return nh3.clean(html or "", tags=TAGS - {"a", "img", "span", "hr", "h2", "s"}, attributes={},
                         link_rel=None, strip_comments=True).strip()
    return nh3.clean(html or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                     link_rel="noopener noreferrer", strip_comments=True).strip()


def plain_text(html):
    """The text of some HTML, tags dropped (for search indexes)."""
    return nh3.clean(html or "", tags=set()).replace("&nbsp;", " ")


_DANGEROUS_TAG = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style|frame|frameset|base|meta|link)\b", re.I)
_TAG = re.compile(r"<[^>]*>")
_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
_JS_URL = re.compile(r"(java|vb)script\s*:", re.I)


def had_unsafe(html):
    """True when the HTML carries active content — a script or similar element, an event-handler
    attribute or a `javascript:` URL in a tag: the action refuses it with a clear error instead
    of silently publishing less."""
    html = html or ""
    if _DANGEROUS_TAG.search(html):
        return True
    return any(_HANDLER.search(tag) or _JS_URL.search(tag) for tag in _TAG.findall(html))

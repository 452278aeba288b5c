"""GeoReport v2 bodies in XML and JSON, as the spec maps them (lists become wrapper elements
with singular children; booleans are true/false; times are ISO-8601 with offsets)."""

import json
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

CHILD = {"services": "service", "attributes": "attribute", "values": "value", "endpoints": "endpoint",
         "formats": "format", "service_requests": "request", "errors": "error"}


def iso(dt):
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


def _xml_value(parent, name, value):
    el = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_value(el, k, v)
    elif isinstance(value, list):
        child = CHILD.get(name, "item")
        for v in value:
            _xml_value(el, child, v)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)
    return el


def to_xml(root, payload):
    """`payload` is a list (→ root with singular children) or a dict (→ root with fields)."""
    el = ET.Element(root)
    if isinstance(payload, list):
        for item in payload:
            _xml_value(el, CHILD[root], item)
    else:
        for k, v in payload.items():
            _xml_value(el, k, v)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(el, encoding="utf-8")


def respond(fmt, root, payload, status=200):
    if fmt == "xml":
        return HttpResponse(to_xml(root, payload), content_type="text/xml; charset=utf-8", status=status)
    body = json.dumps(payload, ensure_ascii=False, default=str)
    return HttpResponse(body, content_type="application/json; charset=utf-8", status=status)


def error(fmt, status, description):
    return respond(fmt, "errors", [{"code": status, "description": description}], status=status)

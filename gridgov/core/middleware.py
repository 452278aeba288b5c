"""Request id (for audit and logs) and the viewer's active scope (the scope switcher)."""

import re

from .context import new_request_id, request_id_var


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = (request.headers.get("X-Request-Id") or "")[:32] or new_request_id()
        token = request_id_var.set(rid)
        request.request_id = rid
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-Id"] = rid
        return response


class ScopeMiddleware:
    """`request.active_scope` is the division code the viewer chose in the scope switcher
    (stored in the session). It only narrows lists; security is `visible_to(user)`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.active_scope = ""
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            request.active_scope = request.session.get("active_scope", "")
        return self.get_response(request)


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_too_deep(body, limit=None):
    """Does this JSON text nest deeper than `limit` (`limits.MAX_JSON_DEPTH`)? Measured on the
    bytes, without parsing (a parser recurses and a hostile document exhausts the stack)."""
    from .limits import MAX_JSON_DEPTH

    limit = limit or MAX_JSON_DEPTH
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", body)):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            return True
    return False


class JsonDepthMiddleware:
    """A JSON request body nested deeper than `limits.MAX_JSON_DEPTH` gets a 400 with a Chinese
    message before any view parses it (the API, `/api/token/`, plain views alike)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "json" in (request.content_type or "") and request.method in ("POST", "PUT", "PATCH"):
            from django.core.exceptions import RequestDataTooBig
            from django.http import JsonResponse

            from .limits import MAX_JSON_DEPTH

            try:
                body = request.body
            except RequestDataTooBig:  # Django's own limit answers it in the view
                body = b""
            if json_too_deep(body):
                return JsonResponse({"detail": f"JSON 嵌套层数超过 {MAX_JSON_DEPTH} 层"}, status=400,
                                    json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)

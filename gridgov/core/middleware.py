"""Request id (for audit and logs) and the viewer's active scope (the scope switcher)."""

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

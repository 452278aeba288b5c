"""API helpers shared by every app: the scoped viewset base and Chinese error bodies."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, viewsets
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "没有权限")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("对象不存在或无权访问")
    return drf_exception_handler(exc, context)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and details pass `visible_to(request.user)`; subclasses set `queryset`."""

    def get_queryset(self):
        qs = super().get_queryset().visible_to(self.request.user)
        scope = self.request.query_params.get("division")
        return qs.within(scope) if scope else qs

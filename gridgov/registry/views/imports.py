"""数据导入 moved to the one core import page (`core:import`, every app's import kinds); these
addresses stay so that bookmarks and old links land on it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse


@login_required
def import_page(request):
    kind = request.GET.get("kind", "")
    return redirect(reverse("core:import") + (f"?kind={kind}" if kind.replace("-", "").isalnum() else ""))


@login_required
def import_preview(request, pk):
    return redirect("core:import_preview", pk=pk)

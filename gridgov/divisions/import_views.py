"""导入区划 is the one core import page (kind `divisions`: validate → preview → apply as a job →
error file, the upload kept in the one core stash, which is cleaned); this address leads there."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse


@login_required
def division_import(request):
    return redirect(f"{reverse('core:import')}?kind=divisions")

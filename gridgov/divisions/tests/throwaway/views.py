from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from .models import StreetLamp


@login_required
def lamp_list(request):
    return HttpResponse(f"路灯 {StreetLamp.objects.visible_to(request.user).count()} 盏")


def lamp_count(user, scope_code):
    return StreetLamp.objects.visible_to(user).within(scope_code).count()

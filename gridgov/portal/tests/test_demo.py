"""The demo step: posts, sessions and booking rules per community, resident01 as a verified
resident; the public pages it declares for the UI test all answer."""

from django.urls import reverse

from gridgov.accounts.choices import AccountKind
from gridgov.accounts.models import User
from gridgov.portal import demo
from gridgov.portal.models import BookingRule, Post, ResidentProfile, Session


def test_demo_step_and_public_pages(client, tree, room, person):
    User.objects.create_user(username="resident01", password="Passw0rd-test", full_name="居民张三",
                             kind=AccountKind.RESIDENT)
    out = demo.generate(seed=1)
    assert out["posts"] == Post.objects.count() == 3 * 8 and Session.objects.count() == 3
    assert BookingRule.objects.filter(facility=room).exists()
    profile = ResidentProfile.objects.get(user__username="resident01")
    assert profile.is_verified and profile.consent_at
    demo.generate(seed=1)  # idempotent
    assert Post.objects.count() == 24
    for _name, path in demo.public_pages():
        assert client.get(path).status_code == 200, path
    client.force_login(profile.user)
    assert client.get(reverse("portal:me")).status_code == 200

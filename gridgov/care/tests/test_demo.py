import io

from django.core.management import CommandError, call_command

from gridgov.care.models import Order, Provider, Settlement, Signing


def test_demo_step_loads_providers_orders_and_the_provider_login(roles, client):
    # given the tiny demo district with every app's demo data
    out = io.StringIO()
    try:
        call_command("demo", scale="tiny", seed=7, stdout=out)
    except CommandError as exc:  # another app's failing step does not hide ours (the demo goes on)
        assert "care" not in str(exc), exc
    assert "便民服务" in out.getvalue(), out.getvalue()[-2000:]
    from gridgov.accounts.models import User
    from gridgov.demo.accounts import DEMO_PASSWORD

    assert Provider.objects.filter(kind="health").exists() and Order.objects.exists() and Signing.objects.exists()
    assert Settlement.objects.exists()
    # then provider01 logs in and sees only its own station's orders
    user = User.objects.get(username="provider01")
    mine = Order.objects.visible_to(user)
    assert mine.exists() and set(mine.values_list("provider__name", flat=True)) == {user.care_membership.provider.name}
    assert client.post("/accounts/login/", {"username": "provider01", "password": DEMO_PASSWORD}).status_code == 302
    for url in ["/", "/care/orders/", "/care/providers/", "/care/settlements/", "/care/appointments/",
                f"/care/orders/{mine.first().pk}/"]:
        assert client.get(url).status_code == 200, url

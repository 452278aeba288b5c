def test_demo_step_fills_every_state(tree, roles, make_person, catalogue):
    from gridgov.services import demo
    from gridgov.services.models import Application, Ticket

    for n in range(10):
        make_person(name=f"演示{n}", age=45)
    summary = demo.generate(scale=1, seed=3)
    assert summary["applications"] >= 6
    states = set(Application.objects.values_list("state", flat=True))
    assert {"submitted", "correction", "accepted", "rejected", "completed", "delivered"} <= states
    assert Ticket.objects.count() == 24

"""Every app's demo step runs at the tiny scale without raising (`gridgov demo` reports a failing
step and goes on, then ends in an error — so `make run` would stop). A step added by a later app
is run here with no list to update: the steps come from the manifests."""

import io

from django.core.management import call_command

from gridgov.demo.load import demo_steps


def test_every_app_demo_step_runs_at_the_tiny_scale(roles):
    out = io.StringIO()
    call_command("demo", scale="tiny", seed=11, stdout=out)  # raises CommandError naming a failed step
    text = out.getvalue()
    assert "生成失败" not in text, text[-3000:]
    for step in demo_steps():
        assert f"— {step.key} —" in text, step.key

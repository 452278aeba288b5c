"""`gridgov party_score [--kind month] [--no-notify] [--at 2026-05-15T12:00]`: score members now."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gridgov.core.actors import system_actor
from gridgov.party.actions.scoring import run_scoring


class Command(BaseCommand):
    help = "计算党员积分（按月度/季度/年度目标与进度），并提醒履职滞后的党员"

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", choices=["month", "quarter", "year"], help="只计算该周期")
        parser.add_argument("--no-notify", action="store_true", help="不发送提醒")
        parser.add_argument("--at", help="按该时间计算（ISO 格式，默认当前时间）")

    def handle(self, *args, **opts):
        now = None
        if opts["at"]:
            try:
                now = datetime.datetime.fromisoformat(opts["at"])
            except ValueError:
                raise CommandError("--at 格式应为 2026-05-15T12:00")
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = run_scoring(actor=system_actor(), now=now, kinds=opts["kind"], notify=not opts["no_notify"])
        self.stdout.write(f"导入平台事件记录 {result['imported_cases']} 条")
        for r in result["periods"].values():
            self.stdout.write(f"{r['period']}：{r['members']} 名党员，滞后 {r['behind']} 名，提醒 {r['notified']} 条")

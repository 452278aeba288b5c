"""`gridgov party_sums`: rebuild the monthly sums of verified service records (ADR 0021) from the
records — after a bulk load written outside the actions, or to check them."""

from django.core.management.base import BaseCommand

from gridgov.party import sums


class Command(BaseCommand):
    help = "按服务记录重建党员服务月汇总（组织架构页的统计来源）"

    def handle(self, *args, **opts):
        self.stdout.write(f"已重建 {sums.rebuild()} 个月汇总格")

"""`gridgov demo [--scale tiny|small|district] [--seed N] [--if-empty]`: load the demo district."""

from django.core.management.base import BaseCommand, CommandError

from gridgov.demo.plan import SCALES


class Command(BaseCommand):
    help = "生成演示区划（武陵区真实区划名称与代码 + 合成的边界、楼栋、网格、人口、事件、党建数据）"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="small",
                            help="规模：tiny（测试用）、small（两个街道，约 34 个网格）、district（全区）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有区划时什么也不做")
        parser.add_argument("--no-apps", action="store_true", help="只生成区划、网格、楼栋和账号")

    def handle(self, *args, scale, seed, if_empty, no_apps, **options):
        from gridgov.demo.generate import generate
        from gridgov.divisions.models import Division

        if Division.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有区划数据，跳过演示数据生成。")
                return
            raise CommandError("数据库中已有区划数据：演示数据只能载入空数据库（加 --if-empty 可静默跳过）。")

        def progress(msg):
            self.stdout.write(msg)
            self.stdout.flush()

        progress(f"生成演示区划：规模 {scale}，种子 {seed}")
        summary = generate(scale=scale, seed=seed, progress=progress, app_demos=not no_apps)
        progress("演示账号见：gridgov demo_accounts")
        if summary.get("failed_apps"):
            raise CommandError("以下演示模块生成失败（其余数据已载入）：" + "；".join(summary["failed_apps"]))

"""`gridgov demo_accounts`: print the demo logins (用户名 / 密码 / 角色 / 管辖范围)."""

import unicodedata

from django.core.management.base import BaseCommand


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "列出演示账号（用户名、密码、角色、管辖范围）"

    def handle(self, *args, **options):
        from gridgov.demo.accounts import accounts_count, accounts_table

        rows = accounts_table()
        if not rows:
            self.stdout.write("尚无演示账号（先运行 gridgov demo）。")
            return
        header = ("用户名", "密码", "角色", "管辖范围")
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(4)]
        line = "  ".join("-" * w for w in widths)
        named, folded = accounts_count(rows)
        more = f"，另有网格员 {folded} 个（表末一行）" if folded else ""
        self.stdout.write(f"演示账号：{named} 个{more}（仅供演示，正式使用前请修改密码或停用）：")
        self.stdout.write("  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)))
        self.stdout.write(line)
        for r in rows:
            self.stdout.write("  ".join(_pad(str(c), w) for c, w in zip(r, widths, strict=True)))

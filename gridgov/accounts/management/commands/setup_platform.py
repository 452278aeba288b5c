"""`gridgov setup_platform`: idempotent first-start set-up, run after `migrate`.

Creates the built-in roles with their default permissions (never overwriting edits made in the
UI). Safe to run on every start.
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "平台初始化（幂等）：创建内置角色及默认权限"

    def handle(self, *args, **options):
        from gridgov.accounts.roles import ensure_roles

        roles = ensure_roles()
        if options.get("verbosity", 1) > 1:
            self.stdout.write(f"内置角色：{len(roles)} 个")

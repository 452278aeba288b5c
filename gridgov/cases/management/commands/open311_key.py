"""`gridgov open311_key NAME` creates an Open311 API key and prints it once;
`--list` shows keys, `--revoke PREFIX` disables one."""

from django.core.management.base import BaseCommand, CommandError

from gridgov.cases import actions
from gridgov.cases.models import Open311ApiKey
from gridgov.core.actors import system_actor


class Command(BaseCommand):
    help = "创建、列出或停用 Open311 API 密钥"

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="密钥名称（例如客户端名称）")
        parser.add_argument("--list", action="store_true", help="列出密钥")
        parser.add_argument("--revoke", metavar="PREFIX", help="按前缀停用密钥")

    def handle(self, *args, name=None, list=False, revoke=None, **options):
        if list:
            for k in Open311ApiKey.objects.all():
                state = "启用" if k.is_active else "停用"
                self.stdout.write(f"{k.prefix}…\t{k.name}\t{state}\t{k.created_at:%Y-%m-%d}")
            return
        if revoke:
            key = Open311ApiKey.objects.filter(prefix=revoke).first()
            if key is None:
                raise CommandError(f"找不到前缀为 {revoke} 的密钥")
            actions.revoke_api_key(actor=system_actor(), key=key)
            self.stdout.write(f"已停用 {key}")
            return
        if not name:
            raise CommandError("请提供密钥名称，例如：gridgov open311_key 12345热线")
        key, plain = actions.create_api_key(actor=system_actor(), name=name)
        self.stdout.write(f"已创建 Open311 密钥“{key.name}”（只显示这一次）：\n{plain}")

"""`gridgov reencrypt`: rewrite every encrypted column (`*_enc`, core/crypto.py) with the first
key of FIELD_ENCRYPTION_KEYS — after putting a new key first, before removing an old one. Rows
already under the current key are skipped; `--check` only counts what would change."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from gridgov.core import crypto

BATCH = 2000


def encrypted_columns():
    """(model, field name, associated-data column name) of every `*_enc` text column."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.name.endswith("_enc") and isinstance(field, models.CharField | models.TextField):
                yield model, field.name, f"{model._meta.app_label}.{model._meta.model_name}.{field.name}"


def reencrypt(check=False, stdout=None):
    cipher = crypto.cipher()
    total = {}
    for model, name, column in encrypted_columns():
        changed = 0
        last = 0
        while True:
            rows = list(model._default_manager.filter(pk__gt=last).exclude(**{name: ""})
                        .order_by("pk").only("pk", name)[:BATCH])
            if not rows:
                break
            stale = [r for r in rows if not cipher.is_current(getattr(r, name))]
            for row in stale:
                setattr(row, name, cipher.encrypt(cipher.decrypt(getattr(row, name), column), column))
            if stale and not check:
                with transaction.atomic():
                    model._default_manager.bulk_update(stale, [name])
            changed += len(stale)
            last = rows[-1].pk
        total[column] = changed
        if stdout:
            stdout.write(f"{column}: {'待重新加密' if check else '已重新加密'} {changed} 行")
    return total


class Command(BaseCommand):
    help = "用 FIELD_ENCRYPTION_KEYS 的第一个密钥重新加密所有加密字段（轮换密钥后运行）"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只统计需要重新加密的行数")

    def handle(self, *args, check=False, **options):
        reencrypt(check=check, stdout=self.stdout)

"""`gridgov import KIND FILE [--dry-run] [--apply-valid] [--errors OUT.csv]` and
`gridgov import KIND --template OUT.csv|OUT.xlsx`.

KIND is one of the import kinds the apps declare in their contributions.py (`ImportKind`; grep
for `ImportKind(` to see them all). Exit code 1 when nothing was applied (errors found, or a dry
run that found errors); 0 for a clean dry run or a successful import.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.actors import system_actor

from ._common import TqdmRun


def load_spec(kind, actor=None):
    """Instantiate the ImportSpec for `kind`, or raise CommandError in Chinese."""
    from gridgov.core.importing import import_kinds
    from gridgov.core.importing import load_spec as load

    try:
        return load(kind, actor)
    except KeyError:
        raise CommandError(f"未知的导入类型“{kind}”，可选：{'、'.join(import_kinds())}")


class Command(BaseCommand):
    help = "导入 CSV/XLSX 文件（导入类型由各应用在 contributions.py 中声明；--list 列出全部）"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="导入类型（gridgov import --list 列出全部）", nargs="?")
        parser.add_argument("--list", action="store_true", help="列出可用的导入类型")
        parser.add_argument("file", nargs="?", help="CSV 或 XLSX 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--apply-valid", action="store_true", help="只写入有效行，错误行写入错误文件")
        parser.add_argument("--template", metavar="OUT", help="生成空白模板（.csv 或 .xlsx）后退出")
        parser.add_argument("--errors", metavar="OUT", help="把错误行及原因写入此文件")
        parser.add_argument("--user", help="以此用户身份导入（按其权限与管辖范围）；默认以系统身份（系统角色的权限）")

    def handle(self, *args, kind=None, file=None, dry_run=False, apply_valid=False, template=None, errors=None,
               user=None, **options):
        from gridgov.core.importing import import_kinds, run_import, write_error_file, write_template

        if options.get("list") or not kind:
            for key, k in import_kinds().items():
                self.stdout.write(f"{key}\t{k.label}")
            return
        spec = load_spec(kind)
        if template:
            write_template(spec, template)
            self.stdout.write(f"已生成模板：{template}")
            return
        if not file:
            raise CommandError("请指定要导入的文件")
        actor = system_actor()
        if user:
            from django.contrib.auth import get_user_model

            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户“{user}”不存在")
            spec = load_spec(kind, actor)
        run = TqdmRun(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)
        try:
            report = run_import(spec, file, actor=actor, apply=not dry_run, apply_valid=apply_valid, run=run)
        except FileNotFoundError:
            raise CommandError(f"文件不存在：{file}")
        finally:
            run.close()
        for e in report.errors[:200]:
            self.stdout.write(str(e))
        if len(report.errors) > 200:
            self.stdout.write(f"……另有 {len(report.errors) - 200} 条错误，请用 --errors 导出全部")
        for w in report.warnings:
            self.stdout.write(f"提示：{w}")
        if errors and report.errors:
            write_error_file(report, errors)
            self.stdout.write(f"错误文件：{errors}")
        self.stdout.write(report.summary())
        if report.applied:
            return
        if dry_run and report.ok:
            self.stdout.write("校验通过（试运行，未写入）")
            return
        sys.exit(1)

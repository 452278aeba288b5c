"""`gridgov calendar_load FILE.csv [--replace]`: load a published holiday schedule.

CSV columns: 日期 (YYYY-MM-DD), 类型 (节假日/调休上班, or holiday/workday), 名称, 官方 (是/否, optional,
default 是). With --replace, the years in the file are cleared first (e.g. replacing 2027's
provisional entries by the official notice).
"""

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.actors import system_actor
from gridgov.core.importing import ImportFileError, parse_bool, parse_date, read_table

KINDS = {"节假日": "holiday", "放假": "holiday", "holiday": "holiday", "调休上班": "workday", "上班": "workday",
         "workday": "workday"}


def parse_schedule(path):
    """[(date, kind, name, official)] from the file, or CommandError listing every bad row."""
    try:
        headers, rows = read_table(path)
    except (ImportFileError, FileNotFoundError) as exc:
        raise CommandError(str(exc))
    idx = {h.strip().lstrip("\ufeff"): i for i, h in enumerate(headers)}
    if "日期" not in idx or "类型" not in idx:
        raise CommandError("缺少必填列：日期、类型")
    entries, errors = [], []
    for n, cells in enumerate(rows, start=2):
        def cell(col, cells=cells):
            i = idx.get(col)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        try:
            day = parse_date(cell("日期"))
            kind = KINDS.get(cell("类型"))
            if kind is None:
                raise ValueError(f"类型“{cell('类型')}”不正确，应为 节假日 或 调休上班")
            official = parse_bool(cell("官方")) if cell("官方") else True
        except ValueError as exc:
            errors.append(f"第 {n} 行：{exc}")
            continue
        entries.append((day, kind, cell("名称")[:50], official))
    if errors:
        raise CommandError("文件有错误，未写入：\n" + "\n".join(errors))
    return entries


class Command(BaseCommand):
    help = "导入国务院办公厅发布的节假日安排（CSV：日期,类型,名称,官方）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--replace", action="store_true", help="先清除文件中涉及年份的已有安排")

    def handle(self, *args, file, replace=False, **options):
        from gridgov.core.calendar_actions import load_schedule

        entries = parse_schedule(file)
        result = load_schedule(actor=system_actor(), entries=entries, replace_years=replace)
        self.stdout.write(f"已导入 {result['loaded']} 条日历安排（清除 {result['removed']} 条）")

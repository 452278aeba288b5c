"""The design system's pieces (docs/ui.md): shells, stacked tables, times with date and zone,
pinyin search for large selects."""

import datetime
import logging
from pathlib import Path

import django_tables2 as tables
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory

from gridgov.core.tables import BaseTable, LocalTimeColumn
from gridgov.core.widgets import SearchableSelect, pinyin_keys

TEMPLATES = Path(settings.BASE_DIR) / "gridgov"


class _Table(BaseTable):
    name = tables.Column(verbose_name="姓名")
    at = LocalTimeColumn(verbose_name="时间")

    class Meta(BaseTable.Meta):  # tables2 reads Meta from the class itself: subclass it
        pass


def test_table_cells_carry_their_header_for_the_phone_cards():
    # given a row whose time is 01:30 UTC
    at = datetime.datetime(2026, 11, 27, 17, 30, tzinfo=datetime.UTC)
    html = _Table([{"name": "张三", "at": at}]).as_html(RequestFactory().get("/"))
    # then each cell is labelled and the time is Asia/Shanghai, with the date
    assert 'class="table table-vcenter card-table table-stack"' in html
    assert 'data-label="姓名">张三</td>' in html
    assert 'data-label="时间">2026-11-28 01:30</td>' in html


def test_empty_table_says_so_in_chinese():
    assert "暂无数据" in _Table([]).as_html(RequestFactory().get("/"))


def test_logs_state_their_zone():
    fmt = settings.LOGGING["formatters"]["plain"]
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", (), None)
    record.request_id = "-"
    line = logging.Formatter(fmt["format"], fmt["datefmt"]).format(record)
    assert line.split(" ")[2] == "+0800"


def test_pinyin_initials_and_full_pinyin_are_searchable():
    assert pinyin_keys("丹阳街道") == "dyjd danyangjiedao"
    html = SearchableSelect(choices=[("", "—"), ("1", "武陵区")]).render("grid", "1")
    assert "data-searchable" in html and "&quot;py&quot;: &quot;wlq wulingqu&quot;" in html


def test_three_shells_share_the_head_and_the_brand():
    for shell in ("base.html", "public_base.html", "display_base.html"):
        html = render_to_string(shell, {})
        assert "img/favicon.svg" in html and "css/gridgov.css" in html and "vendor/tabler/tabler.min.css" in html
    css = (TEMPLATES / "static" / "css" / "gridgov.css").read_text()
    assert "--gg-brand: #b71c1c" in css and "--tblr-primary: var(--gg-brand)" in css


def test_error_pages_render_without_a_request_context():
    # the 500 handler renders with no context processor at all
    html = render_to_string("500.html")
    assert "500" in html and "shell-error" in html and "返回首页" in html


def test_no_template_has_inline_script_or_event_attributes():
    import re

    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_every_vendored_script_the_shell_loads_is_used():
    """Alpine.js was loaded on every page and used by none (#12 UI leftovers): the shell loads
    no library that nothing uses, and package.json ships none."""
    import json

    root = Path(settings.BASE_DIR)
    head = (TEMPLATES / "templates" / "ui" / "_head.html").read_text()
    assert "alpine" not in head.lower()
    assert "alpinejs" not in json.loads((root / "package.json").read_text())["dependencies"]
    assert "alpinejs" not in (root / "Makefile").read_text()
    pages = [p.read_text() for p in TEMPLATES.rglob("*.html") if "vendor" not in p.parts]
    assert not any(attr in text for text in pages for attr in (" x-data", " x-show", " x-on:", " @click"))

"""The case list and the person list with rendering, after the move to Tabler + django-tables2.

    .venv/bin/python bench/ui/lists.py [--runs 30]

Runs in-process (Django test client: middleware, view, SQL, templates; no network) against the
configured database with the demo loaded (`make run` loads the small district: 37k persons,
400 cases; DATABASE_URL picks another). For each list and role it prints wall p50/p95 and the
process CPU per request, and, measured in the same run on the same rows, the cost of rendering
one page of the table through the new django-tables2 template beside the hand-written table
markup the lists used before (kept below as the baseline). The load average is printed with the
figures: the machine is shared.
"""

import argparse
import os
import statistics
import sys
import time

# the first UI's table markup, verbatim in substance (the baseline of the rendering figures)
OLD_CASE_TABLE = """<table class="list">
  <thead><tr><th>案卷号</th><th>标题</th><th>分类</th><th>网格</th><th>渠道</th><th>状态</th><th>处置部门</th><th>上报时间</th><th>环节时限</th></tr></thead>
  <tbody>
  {% for c in page %}<tr>
    <td><a href="{% url 'cases:detail' c.pk %}">{{ c.number }}</a></td>
    <td>{{ c.title }}{% if c.urgency == "urgent" %} <span class="tag tag-bad">紧急</span>{% endif %}</td>
    <td>{{ c.category.parent.name }}/{{ c.category.name }}</td>
    <td>{{ c.grid.name }}</td>
    <td>{{ c.get_channel_display }}</td>
    <td>{% include "cases/_state.html" %}</td>
    <td>{{ c.current_department.name|default:"—" }}</td>
    <td>{{ c.reported_at|date:"m-d H:i" }}</td>
    <td>{% if c.due_at and c.is_open %}{{ c.get_step_display }} {{ c.due_at|date:"m-d H:i" }}{% else %}—{% endif %}</td>
  </tr>{% empty %}<tr><td colspan="9" class="muted">没有符合条件的事件</td></tr>{% endfor %}
  </tbody>
</table>"""
OLD_PERSON_TABLE = """<table class="list registry-persons">
  <thead><tr><th>姓名</th><th>性别</th><th>出生日期</th><th>证件号码</th><th>联系电话</th><th>住址</th><th>网格</th><th>状态</th></tr></thead>
  <tbody>
  {% for p in persons %}<tr>
    <td><a href="{% url 'registry:person_detail' p.pk %}">{{ p.name }}</a></td>
    <td>{{ p.get_sex_display }}</td><td>{{ p.birth_date|date:"Y-m-d"|default:"—" }}</td>
    <td class="mono">{{ p.id_masked|default:"—" }}</td><td class="mono">{{ p.phone_masked|default:"—" }}</td>
    <td>{{ p.address|default:"—" }}</td><td class="mono">{{ p.division_code }}</td>
    <td>{% if p.status == "active" %}<span class="tag tag-ok">{{ p.get_status_display }}</span>{% else %}<span class="tag">{{ p.get_status_display }}</span>{% endif %}</td>
  </tr>{% empty %}<tr><td colspan="8" class="muted">没有符合条件的人员</td></tr>{% endfor %}
  </tbody>
</table>"""


def load_average():
    return "负载 " + " / ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fn, runs):
    fn()  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return walls, cpus


def line(label, walls, cpus):
    return (f"{label}: p50 {pct(walls, 50) * 1000:.1f} ms  p95 {pct(walls, 95) * 1000:.1f} ms  "
            f"CPU {statistics.mean(cpus) * 1000:.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.template import engines
    from django.test import Client, RequestFactory

    from gridgov.accounts.models import User
    from gridgov.cases import queries
    from gridgov.cases.models import Case
    from gridgov.cases.tables import CaseTable
    from gridgov.core import clock
    from gridgov.registry import queries as registry_queries
    from gridgov.registry.models import Person
    from gridgov.registry.tables import PersonTable

    engine = engines["django"]
    print(f"数据：事件 {Case.objects.count()} 件，人口 {Person.objects.count()} 人；{load_average()}")
    for username, url in [("admin", "/cases/"), ("leader", "/cases/"), ("admin", "/registry/persons/"),
                          ("gw001", "/registry/persons/")]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        assert client.get(url).status_code == 200
        walls, cpus = timed(lambda c=client, u=url: c.get(u), args.runs)
        print(line(f"整页 {url}（{username}，{args.runs} 次）", walls, cpus))

    request = RequestFactory().get("/")
    now = clock.now()
    cases = list(queries.list_related(Case.objects.all()).order_by("-reported_at")[:queries.PAGE_SIZE])
    old = engine.from_string(OLD_CASE_TABLE)
    w_old, c_old = timed(lambda: old.render({"page": cases, "now": now}), args.runs)
    w_new, c_new = timed(lambda: CaseTable(cases, now=now).as_html(request), args.runs)
    print(line(f"事件表格渲染 {len(cases)} 行，原手写模板", w_old, c_old))
    print(line(f"事件表格渲染 {len(cases)} 行，django-tables2", w_new, c_new))

    persons = list(Person.objects.only(*registry_queries.PERSON_LIST_FIELDS).order_by("division_code", "name_pinyin")[:50])
    registry_queries.attach_addresses(persons)
    old = engine.from_string(OLD_PERSON_TABLE)
    w_old, c_old = timed(lambda: old.render({"persons": persons}), args.runs)
    w_new, c_new = timed(lambda: PersonTable(persons).as_html(request), args.runs)
    print(line(f"人口表格渲染 {len(persons)} 行，原手写模板", w_old, c_old))
    print(line(f"人口表格渲染 {len(persons)} 行，django-tables2", w_new, c_new))
    print(load_average())


if __name__ == "__main__":
    main()

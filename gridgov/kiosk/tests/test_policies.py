import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gridgov.kiosk import actions
from gridgov.kiosk.demo import generate
from gridgov.kiosk.models import PolicyDocument

pytestmark = pytest.mark.django_db


def _save(actor, division, **data):
    base = {"title": "测试政策", "issuer": "武陵区民政局", "issued_on": datetime.date(2026, 1, 1), "category": "social",
            "body": "<p>正文</p>"}
    return actions.save_policy(actor=actor, division=division, data={**base, **data})


def test_body_is_sanitised_and_indexed(a_staff, tree):
    p = _save(a_staff, tree["430702004001"], title="高龄津贴发放办法",
              body='<p onclick="x()">八十周岁<script>alert(1)</script><a href="javascript:x">链接</a></p><img src=x>')
    assert "<script" not in p.body and "onclick" not in p.body and "href" not in p.body and "<img" not in p.body
    assert p.body.startswith("<p>八十周岁")
    assert p.initials == "gljtffbf"
    with pytest.raises(ValidationError) as exc:
        _save(a_staff, tree["430702004001"], title=" ")
    assert "标题" in str(exc.value)
    with pytest.raises(ValidationError):
        _save(a_staff, tree["430702004001"], valid_from=datetime.date(2026, 5, 1), valid_to=datetime.date(2026, 1, 1))


def test_kiosk_search_by_keyword_pinyin_and_category(terminal, tree, admin_user):
    generate(seed=1)  # the demo's policy library (published by the district)
    assert PolicyDocument.objects.count() >= 20
    url = reverse("kiosk:policies")
    page = terminal.get(url, {"q": "高龄津贴"}).content.decode()
    assert "高龄津贴发放办法" in page and "公共租赁住房" not in page
    page = terminal.get(url, {"q": "GLJT"}).content.decode()  # pinyin initials from the letter pad
    assert "高龄津贴发放办法" in page and "公共租赁住房" not in page
    page = terminal.get(url, {"category": "housing"}).content.decode()
    assert "公共租赁住房申请条件与流程" in page and "高龄津贴" not in page
    page = terminal.get(url, {"q": "zzz"}).content.decode()
    assert "没有找到相关政策" in page
    p = PolicyDocument.objects.get(title__startswith="高龄津贴")
    assert "100 周岁以上" in terminal.get(reverse("kiosk:policy", args=[p.pk])).content.decode()


def test_kiosk_shows_only_published_in_force_documents_of_its_places(terminal, a_staff, tree, make_user):
    from gridgov.accounts.choices import RoleCode

    mine = _save(a_staff, tree["430702004001"], title="本社区通知")
    actions.publish_policy(actor=a_staff, policy=mine)
    _save(a_staff, tree["430702004001"], title="未发布草稿")
    c_staff = make_user(RoleCode.COMMUNITY_STAFF, tree["430702005001"])
    other = _save(c_staff, tree["430702005001"], title="别的社区通知")
    actions.publish_policy(actor=c_staff, policy=other)
    expired = _save(a_staff, tree["430702004001"], title="已过期通知", valid_to=datetime.date(2020, 1, 1))
    actions.publish_policy(actor=a_staff, policy=expired)
    page = terminal.get(reverse("kiosk:policies")).content.decode()
    assert "本社区通知" in page
    assert "未发布草稿" not in page and "别的社区通知" not in page and "已过期通知" not in page
    assert terminal.get(reverse("kiosk:policy", args=[other.pk])).status_code == 404
    actions.withdraw_policy(actor=a_staff, policy=mine)
    assert "本社区通知" not in terminal.get(reverse("kiosk:policies")).content.decode()


def test_staff_publish_through_the_pages(client, a_staff, tree):
    client.force_login(a_staff)
    r = client.post(reverse("kiosk:policy_create"), {
        "division": tree["430702004001"].pk, "title": "社区养老驿站开放通知", "issuer": "A社区居委会",
        "issued_on": "2026-04-01", "category": "elderly", "summary": "", "body": "<p>每天 8:00 开放</p>",
        "valid_from": "", "valid_to": ""})
    p = PolicyDocument.objects.get(title="社区养老驿站开放通知")
    assert r.status_code == 302
    client.post(reverse("kiosk:policy_detail", args=[p.pk]), {"action": "publish"})
    p.refresh_from_db()
    assert p.status == "published"
    assert "社区养老驿站开放通知" in client.get(reverse("kiosk:policy_list"), {"q": "sqyl"}).content.decode()
    # a bad attachment is refused with the field named, nothing stored
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(reverse("kiosk:policy_detail", args=[p.pk]), {
        "action": "attach", "title": "x", "file": SimpleUploadedFile("a.pdf", b"not a pdf")}).content.decode()
    assert "附件须为 PDF、DOCX 或 XLSX 文件" in page and not p.attachments.exists()

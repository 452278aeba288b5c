"""Security regressions of the registry (issue 11): visit photos are real pictures, stored under
random names and served only to those who may see the visit."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.accounts.choices import RoleCode
from gridgov.core.testing import image_upload
from gridgov.registry import actions

from .conftest import A1

PAGE = b"<html><script>fetch('/api/me/').then(r => r.text()).then(alert)</script></html>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def visit(place, grid_worker):
    house = place[A1]["houses"][(1, "101")]
    return actions.record_visit(actor=grid_worker, house=house, note="入户走访", photo=image_upload("IMG_1234.jpg"))


def test_html_that_starts_with_jpeg_bytes_is_not_a_visit_photo(place, grid_worker):
    # given a page that begins with the JPEG magic bytes (passed the old leading-bytes check)
    fake = SimpleUploadedFile("IMG_1.jpg", b"\xff\xd8\xff\xe0" + PAGE, content_type="image/jpeg")
    # when / then
    with pytest.raises(ValidationError) as exc:
        actions.record_visit(actor=grid_worker, house=place[A1]["houses"][(1, "101")], note="x", photo=fake)
    assert "photo" in exc.value.message_dict


def test_visit_photo_name_is_random(visit):
    assert "IMG_1234" not in visit.photo.name
    assert visit.photo.name.startswith("registry/visits/") and visit.photo.name.endswith(".jpg")


@pytest.mark.parametrize("role,division,department", [
    (RoleCode.RESIDENT, None, None),
    (RoleCode.DEPARTMENT_HANDLER, None, "zjj"),
    (RoleCode.PARTY_STAFF, "430702004001", None),
    (RoleCode.GRID_WORKER, "430702005001001", None),
])
def test_media_is_not_open_to_every_signed_in_account(client, visit, make_user, role, division, department):
    from gridgov.accounts.models import Department

    dept = Department.objects.get_or_create(code=department, defaults={"name": department})[0] if department else None
    client.force_login(make_user(role, division, department=dept))
    assert client.get(visit.photo.url).status_code == 404


def test_media_is_served_to_who_may_see_the_visit_with_safe_headers(client, visit, grid_worker):
    client.force_login(grid_worker)
    r = client.get(visit.photo.url)
    assert r.status_code == 200
    assert r["Content-Type"] == "image/jpeg"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r["Content-Security-Policy"]
    assert b"".join(r.streaming_content)[:3] == b"\xff\xd8\xff"


def test_anonymous_gets_no_media(client, visit):
    assert client.get(visit.photo.url).status_code == 404


def test_a_file_stored_before_the_fix_is_a_download_never_a_page(client, visit, grid_worker, settings):
    # given a visit whose photo was stored (before the image helper) as an HTML page
    from gridgov.registry.models import Visit

    path = settings.MEDIA_ROOT / "registry/visits/2025/01"
    path.mkdir(parents=True)
    (path / "IMG_9.html").write_bytes(PAGE)
    Visit.objects.filter(pk=visit.pk).update(photo="registry/visits/2025/01/IMG_9.html")
    client.force_login(grid_worker)
    # when
    r = client.get("/media/registry/visits/2025/01/IMG_9.html")
    # then it is an attachment of no executable type
    assert r.status_code == 200
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff"


def test_paths_outside_media_are_refused(client, grid_worker):
    client.force_login(grid_worker)
    assert client.get("/media/registry/visits/../../secret_key").status_code == 404


def test_registering_an_id_from_another_street_reveals_nothing(place, make_user, tree):
    from gridgov.registry.actions.people import ALREADY_REGISTERED, CANNOT_REGISTER

    other = place["430702005001001"]["head"]  # registered in 芙蓉街道
    worker = make_user(RoleCode.GRID_WORKER, tree[A1], username="gw-probe")
    with pytest.raises(ValidationError) as exc:
        actions.register_person(actor=worker, grid=tree[A1], data={"name": "试探", "id_number": other.id_number_plain})
    assert exc.value.message_dict["id_number"] == [CANNOT_REGISTER]
    assert "已登记" not in CANNOT_REGISTER
    own = place[A1]["head"]
    with pytest.raises(ValidationError) as exc:  # inside the own scope the person is visible anyway
        actions.register_person(actor=worker, grid=tree[A1], data={"name": "重复", "id_number": own.id_number_plain})
    assert exc.value.message_dict["id_number"] == [ALREADY_REGISTERED]


def test_same_id_race_is_a_clear_conflict_not_a_500(place, grid_worker, tree, monkeypatch):
    # the second of two simultaneous registrations passes the check (the first is not yet
    # committed) and meets the unique index: simulate that window
    from gridgov.registry.actions import common, people

    own = place[A1]["head"]
    monkeypatch.setattr(people, "_clash", lambda *a, **k: None)
    monkeypatch.setattr(people, "clean_and_save", lambda obj, **kw: obj.save())
    with pytest.raises(ValidationError) as exc:
        actions.register_person(actor=grid_worker, grid=tree[A1], data={"name": "并发", "id_number": own.id_number_plain})
    assert "id_number" in exc.value.message_dict
    assert common  # the real clean_and_save stays in place for everyone else


@pytest.mark.parametrize("phone", ["１３８０７３６０００１", "138０7360001", "0736-７２２３４５６"])
def test_full_width_digits_in_phones_are_refused(phone):
    from gridgov.registry.identity import IdentityError, check_phone

    with pytest.raises(IdentityError):
        check_phone(phone)


def test_exact_phone_search_is_throttled_and_audited(client, place, grid_worker, settings):
    from django.core.cache import cache
    from django.urls import reverse

    from gridgov.core.models import AuditEntry
    from gridgov.registry.views import people

    cache.clear()
    client.force_login(grid_worker)
    r = client.post(reverse("registry:search"), {"q": "13807360001"})
    assert "张三" in r.content.decode()
    entry = AuditEntry.objects.get(action="registry.search_exact", actor=grid_worker)
    assert "13807360001" not in str(entry.after)
    for _ in range(people.EXACT_SEARCHES_PER_HOUR):
        r = client.post(reverse("registry:search"), {"q": "13807360002"})
    assert "过于频繁" in r.content.decode()
    cache.clear()

import pytest
from django.urls import reverse

from gridgov.community.models import Committee, Facility

from .conftest import A, B

pytestmark = pytest.mark.django_db


def test_profile_brings_the_parts_together(client, tree, facility, make_user, django_assert_max_num_queries):
    # given a committee with a member, and a facility
    committee = Committee.objects.create(community=tree[A], division_code=A, name="A社区居委会",
                                         term_start="2021-06-01", term_end="2026-05-31")
    committee.members.create(division_code=A, name="王丽", post="director")
    client.force_login(make_user("community_staff", A))
    # when the profile opens
    with django_assert_max_num_queries(40):
        r = client.get(reverse("community:profile", args=[A]))
    # then committee, facility, grids and compliance show, with a print button
    html = r.content.decode()
    assert r.status_code == 200
    for text in ("A社区居委会", "王丽", "A社区文体活动室", "A社区第一网格", "未达标", "data-print"):
        assert text in html


def test_profile_of_another_community_is_404(client, tree, make_user):
    client.force_login(make_user("community_staff", A))
    assert client.get(reverse("community:profile", args=[B])).status_code == 404


def test_facility_scope(client, tree, facility, make_user):
    # the other community's staff neither list nor open it; a street and the district do
    client.force_login(make_user("community_staff", B))
    assert facility.name not in client.get(reverse("community:facility_list")).content.decode()
    assert client.get(reverse("community:facility_detail", args=[facility.pk])).status_code == 404
    assert client.post(reverse("community:facility_delete", args=[facility.pk])).status_code == 404
    for role, code in (("street_staff", "430702004000"), ("district_admin", "430702000000")):
        client.force_login(make_user(role, code))
        assert facility.name in client.get(reverse("community:facility_list")).content.decode()
        assert client.get(reverse("community:facility_detail", args=[facility.pk])).status_code == 200
    assert client.get(reverse("facility-detail", args=[facility.pk])).json()["bookable"] is True


def test_create_facility_through_the_form(client, tree, types, make_user):
    client.force_login(make_user("community_staff", A))
    r = client.post(reverse("community:facility_create", args=[A]), {
        "facility_type": types["meeting_room"].pk, "name": "议事室", "status": "built", "area_m2": "45",
        "hours": "1-5 08:30-17:30\n6 09:00-12:00", "capacity": "20", "bookable": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    f = Facility.objects.get(name="议事室")
    assert f.opening_hours == [{"days": [1, 2, 3, 4, 5], "open": "08:30", "close": "17:30"},
                               {"days": [6], "open": "09:00", "close": "12:00"}]
    assert f.division_code == A and f.bookable


def test_bad_hours_are_reported_on_the_form(client, tree, types, make_user):
    client.force_login(make_user("community_staff", A))
    r = client.post(reverse("community:facility_create", args=[A]), {
        "facility_type": types["meeting_room"].pk, "name": "议事室", "status": "built", "area_m2": "45",
        "hours": "每天", "capacity": "0"})
    assert r.status_code == 200 and "无法识别" in r.content.decode()


def test_compliance_page_and_map(client, tree, facility, make_user):
    client.force_login(make_user("street_staff", "430702004000"))
    r = client.get(reverse("community:list"))
    html = r.content.decode()
    assert r.status_code == 200 and "compliance-geojson" in html and "A社区" in html and "C社区" not in html


def _png():
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_facility_photo_is_re_encoded_and_served_by_scope(client, tree, facility, make_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user("community_staff", A))
    r = client.post(reverse("community:facility_photo_add", args=[facility.pk]),
                    {"photo": SimpleUploadedFile("门口.png", _png(), "image/png"), "caption": "正门"})
    assert r.status_code == 302
    photo = facility.photos.get()
    assert photo.image.name.startswith("community/facilities/") and photo.image.name.endswith(".png")
    assert client.get(photo.image.url).status_code == 200
    # not a picture: refused
    client.post(reverse("community:facility_photo_add", args=[facility.pk]),
                {"photo": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", "image/png")})
    assert facility.photos.count() == 1
    # another community: the file is as missing as the facility
    client.force_login(make_user("community_staff", B))
    assert client.get(photo.image.url).status_code == 404

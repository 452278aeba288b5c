"""The core image helper (issue 11, blocker 1): only real pictures, re-encoded, no metadata."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.core import uploads
from gridgov.core.testing import image_bytes, image_upload

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/api/me/\')"><script>alert(1)</script></svg>'
HTML = b"<html><script>fetch('/api/me/').then(r=>r.text()).then(t=>alert(t))</script></html>"


@pytest.mark.parametrize("fmt,ext,ctype", [("JPEG", "jpg", "image/jpeg"), ("PNG", "png", "image/png"),
                                           ("WEBP", "webp", "image/webp")])
def test_real_images_are_reencoded_under_a_server_chosen_name(fmt, ext, ctype):
    # given a picture uploaded under a hostile name
    upload = image_upload("../../IMG_1234.html", fmt)
    # when
    image = uploads.clean_image(upload)
    # then the name is random with the extension of what we wrote, and it decodes as that kind
    assert image.name.endswith("." + ext) and "IMG" not in image.name and "/" not in image.name
    assert len(image.name) == 32 + 1 + len(ext)
    assert image.content_type == ctype
    assert Image.open(io.BytesIO(image.read())).format == fmt


@pytest.mark.parametrize("name,data", [
    ("x.svg", SVG), ("x.html", HTML), ("x.jpg", b"\xff\xd8\xff\xe0" + HTML),  # JPEG magic, then a page
    ("x.png", b"\x89PNG\r\n\x1a\n" + HTML), ("x.gif", b"GIF89a" + HTML), ("x.jpg", b""),
])
def test_anything_that_is_not_a_decodable_picture_is_refused(name, data):
    with pytest.raises(ValidationError):
        uploads.clean_image(SimpleUploadedFile(name, data, content_type="image/jpeg"))


def test_a_polyglot_keeps_no_trailing_bytes():
    # a real JPEG with a page appended after its end marker decodes, but only its pixels survive
    upload = SimpleUploadedFile("p.jpg", image_bytes() + HTML, content_type="image/jpeg")
    assert b"<script" not in uploads.clean_image(upload).read()


def test_exif_and_gps_are_stripped_and_gps_read_only_when_asked():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (29.0, 2.0, 24.0), 3: "E", 4: (111.0, 42.0, 0.0)}
    data = image_bytes(exif=exif)
    assert b"PhoneMaker" in data
    # when
    plain = uploads.clean_image(SimpleUploadedFile("g.jpg", data))
    with_gps = uploads.clean_image(SimpleUploadedFile("g.jpg", data), read_gps=True)
    # then
    body = plain.read()
    assert b"PhoneMaker" not in body and b"Exif" not in body
    assert not Image.open(io.BytesIO(body)).getexif()
    assert plain.gps is None
    assert with_gps.gps == (111.7, 29.04)
    assert b"Exif" not in with_gps.read()


def test_size_and_pixel_limits():
    with pytest.raises(ValidationError, match="不能超过"):
        uploads.clean_image(image_upload(), limits=uploads.ImageLimits(max_bytes=100))
    # a small file that claims many pixels is refused before it is decoded
    buf = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buf, "PNG")
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="像素"):
        uploads.clean_image(SimpleUploadedFile("bomb.png", buf.getvalue()))


def test_large_pictures_are_scaled_down_and_helper_is_idempotent():
    image = uploads.clean_image(image_upload(size=(3000, 1000)), limits=uploads.ImageLimits(max_side=600))
    assert (image.width, image.height) == (600, 200)
    assert uploads.clean_image(image) is image


def test_form_fields_give_clean_images_and_chinese_errors():
    from django import forms

    class F(forms.Form):
        one = uploads.ImageUploadField(required=False)
        many = uploads.MultiImageUploadField(required=False, max_count=2)

    from django.utils.datastructures import MultiValueDict

    ok = F(data={}, files=MultiValueDict({"one": [image_upload()], "many": [image_upload(), image_upload()]}))
    assert ok.is_valid(), ok.errors
    assert isinstance(ok.cleaned_data["one"], uploads.CleanImage)
    assert len(ok.cleaned_data["many"]) == 2
    bad = F(data={}, files=MultiValueDict({"many": [image_upload(), SimpleUploadedFile("a.svg", SVG)]}))
    assert not bad.is_valid()
    assert "第 2 个文件" in bad.errors["many"][0]

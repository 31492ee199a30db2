"""Images: checked by their content, re-encoded in a few widths, served with srcset."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from theodoi.testing import release

from .conftest import make_article

pytestmark = pytest.mark.django_db


def _png(width=1600, height=900) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (160, 20, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")


def test_an_image_is_stored_in_several_widths(client, world, news):
    article = make_article(news, title="Có ảnh")
    client.force_login(world.coordinator)
    response = client.post(
        f"/news/editor/{article.pk}/image/", {"image": _png(), "caption": "Hội nghị triển khai"}
    )
    assert response.status_code == 302
    image = article.images.get()
    assert sorted(int(w) for w in image.renditions) == [320, 640, 1024]
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'srcset="/news/media/portal/' in html and " 320w" in html and " 1024w" in html
    assert 'loading="lazy"' in html and "<figcaption>Hội nghị triển khai</figcaption>" in html
    small = client.get(image.src)
    assert small.status_code == 200 and small["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(small.streaming_content))) as got:
        assert got.width == 320
    release(small)


def test_a_small_image_is_not_enlarged(world, news):
    from theodoi.portal import actions

    article = make_article(news)
    image = actions.do_add_image(article, _png(500, 300), caption="", alt="", by=world.coordinator)
    assert sorted(int(w) for w in image.renditions) == [320, 500]


@pytest.mark.parametrize(
    "content",
    [
        b"<script>alert(1)</script>",
        b"%PDF-1.4 not an image",
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 20,
        b"GIF89a" + b"\x00" * 20,
    ],
)
def test_a_file_that_is_not_an_image_is_refused(client, world, news, content):
    article = make_article(news)
    client.force_login(world.coordinator)
    upload = SimpleUploadedFile("anh.png", content, content_type="image/png")
    response = client.post(f"/news/editor/{article.pk}/image/", {"image": upload})
    assert response.status_code == 400
    assert not article.images.exists()


@pytest.mark.parametrize(
    "path",
    ["../secret_key", "portal/../../secret_key", "other/x.jpg", "portal/none.jpg", "portal/x.png"],
)
def test_media_serves_portal_renditions_only(client, path):
    assert client.get(f"/news/media/{path}").status_code == 404

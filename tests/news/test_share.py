import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news.services import photo_add
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_link_previews_get_a_jpeg_without_metadata(client, staff_user):
    post = PostFactory()
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (2000, 1500), "orange").save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")

    photo = photo_add(post=post, actor=staff_user, upload=upload, alt_text="Balai desa")

    with Image.open(photo.image_share.path) as shared:
        assert shared.format == "JPEG" and shared.size == (1200, 900)
        assert not shared.getexif()
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="http://testserver{photo.image_share.url}">' in html
    assert '<meta property="og:image:type" content="image/jpeg">' in html

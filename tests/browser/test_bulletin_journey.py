"""Buletin KIM on a phone: from a KIM's profile to the month's PDF, ready to print or forward."""

import io
import subprocess

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import formats, timezone, translation
from PIL import Image

from news.models import Category
from news.services import photo_add, post_create, post_publish, post_submit
from tests.browser.conftest import assert_fits_the_screen
from tests.factories import DistrictFactory, KimFactory, MembershipFactory, VillageFactory


def jpeg(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (90, 120, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_villager_taps_the_bulletin_link_and_gets_the_months_pdf(
    live, phone_page, staff_user, tmp_path
):
    kim = KimFactory(
        name="KIM Bailangu Maju",
        slug="kim-bailangu-maju",
        village=VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu")),
    )
    author = MembershipFactory(kim=kim).user
    post = post_create(
        author=author,
        kim=kim,
        data={
            "title": "Warga Bailangu membersihkan saluran air",
            "lead": "Empat puluh warga bergotong royong menjelang musim hujan.",
            "body": "Kegiatan dimulai pukul tujuh pagi.",
            "kind": "berita",
            "category": Category.objects.first(),
        },
    )
    photo_add(post=post, actor=author, upload=jpeg("saluran.jpg"), alt_text="Warga bekerja")
    post_submit(post=post, actor=author)
    post_publish(post=post, actor=staff_user)
    with translation.override("id"):
        month = formats.date_format(timezone.localdate(), "F Y")

    page = phone_page
    page.goto(f"{live}/kim/{kim.slug}/")
    link = page.get_by_role("link", name=f"Buletin {month}, kertas A5 (PDF)")
    link.scroll_into_view_if_needed()
    assert_fits_the_screen(page)
    box = link.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    href = link.get_attribute("href")
    assert href == f"/kim/{kim.slug}/buletin/{timezone.localdate():%Y-%m}/a5.pdf"

    with page.expect_download() as download:
        link.tap()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)

    assert path.name == f"buletin-{kim.slug}-{timezone.localdate():%Y-%m}-a5.pdf"
    response = page.request.get(live + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == path.read_bytes()
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Warga Bailangu membersihkan saluran air" in text and month in text
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout
    assert len(images.splitlines()) == 3  # two header lines and the post's photo

"""Private files in a real browser: the pages that showed photos and documents before they
became private still show them to the people who may see them, through the checked view, and
the same addresses answer 404 to anyone else."""

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aspirations.models import Category, Submission
from aspirations.services import submission_create
from groups.models import Membership
from news.models import Category as NewsCategory
from news.services import photo_add, post_create
from tests.browser.conftest import PHONE, log_in
from tests.conftest import PASSWORD
from tests.factories import DistrictFactory, KimFactory, MembershipFactory, VillageFactory

# Loads every image served by the checked view at once (no lazy loading) and reports whether
# each arrived as a picture. (A function, not a string: the page's CSP refuses eval.)
LOADED_IMAGES = """
async () => {
  const images = [...document.images].filter(image => image.src.includes("/berkas/"));
  images.forEach(image => { image.loading = "eager"; });
  await Promise.all(images.map(image => image.complete ? null : new Promise(done => {
    image.addEventListener("load", done);
    image.addEventListener("error", done);
  })));
  return images.map(image => [image.getAttribute("src"), image.naturalWidth > 0]);
}
"""


def jpeg(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 120, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def phone(new_context):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def private_images(page) -> list:
    """[(src, loaded)] of the page's images served by the checked view."""
    return page.evaluate(LOADED_IMAGES)


def test_private_photos_and_documents_show_to_their_people_and_404_to_others(
    live, new_context, staff_user
):
    Category.objects.get_or_create(slug="infrastruktur", defaults={"name": "Infrastruktur"})
    village = VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))
    kim = KimFactory(name="KIM Bailangu", village=village)
    chair = MembershipFactory(kim=kim, role=Membership.Role.CHAIR).user
    author = MembershipFactory(kim=kim).user
    submission = submission_create(
        kind=Submission.Kind.HOAX,
        data={
            "text": "Pesan berantai bantuan tunai lewat tautan.",
            "circulated_on": "Grup WhatsApp",
            "village": village,
            "submitter_name": "Rudi",
            "submitter_email": "rudi@warga.test",
        },
        photo=jpeg("Screenshot_20261204_wa.jpg"),
    )
    post = post_create(
        author=author,
        kim=kim,
        data={
            "title": "Rapat pengurus KIM",
            "lead": "Pengurus membahas program bulan depan.",
            "body": "Rapat di balai desa.",
            "kind": "berita",
            "category": NewsCategory.objects.order_by("position").first(),
        },
    )
    photo_add(post=post, actor=author, upload=jpeg("gps-960.jpg"), alt_text="Rapat pengurus")
    kim.sk_document.save("sk.html", ContentFile(b"%PDF-1.4 <script>alert(1)</script>"))

    chair_page = phone(new_context)
    log_in(chair_page, live, chair.email, PASSWORD)
    chair_page.goto(f"{live}/aspirasi/kelola/{submission.pk}/")
    screenshot = private_images(chair_page)
    chair_page.goto(f"{live}/kim/{kim.slug}/kelola/")
    sk_link = chair_page.get_by_role("link", name="SK (PDF)")
    with chair_page.expect_download() as download:
        sk_link.click()
    sk_url = sk_link.get_attribute("href")

    author_page = phone(new_context)
    log_in(author_page, live, author.email, PASSWORD)
    author_page.goto(f"{live}/berita/{post.slug}/ubah/")
    draft_photos = private_images(author_page)

    assert screenshot and all(loaded for _src, loaded in screenshot), screenshot
    assert draft_photos and all(loaded for _src, loaded in draft_photos), draft_photos
    assert len(draft_photos) == 2  # the list of photos and the preview of the post
    assert download.value.suggested_filename == f"sk-{kim.slug}.pdf"
    assert sk_url.endswith(".pdf") and "sk.html" not in sk_url
    stranger = phone(new_context)
    for src in [*(s for s, _ in screenshot), *(s for s, _ in draft_photos), sk_url]:
        assert stranger.request.get(live + src).status == 404, src

import io
import re

from PIL import Image
from playwright.sync_api import expect

from groups.models import Membership
from news.models import Category, Post
from tests.browser.conftest import PHONE, assert_fits_the_screen, log_in
from tests.conftest import PASSWORD
from tests.factories import (
    DistrictFactory,
    KimFactory,
    MembershipFactory,
    UserFactory,
    VillageFactory,
)


def phone(new_context):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def phone_photo(tmp_path):
    """A JPEG like a phone's, with a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (2.0, 55.0, 12.0), 3: "E", 4: (103.0, 50.0, 6.0)}
    path = tmp_path / "posyandu.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1800, 1200), (90, 160, 90)).save(buffer, format="JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return path


def test_member_writes_with_a_photo_staff_publish_and_villagers_find_it(
    live, phone_page, new_context, staff_user, tmp_path
):
    # Transactional tests flush the tables, seeded categories included: make the one used here.
    Category.objects.get_or_create(slug="kesehatan", defaults={"name": "Kesehatan"})
    sekayu = DistrictFactory(name="Sekayu")
    kim = KimFactory(name="KIM Bailangu", village=VillageFactory(name="Bailangu", district=sekayu))
    MembershipFactory(kim=kim, user=UserFactory(name="Ani Lestari", email="ani@kim.test"))
    other_kim = KimFactory(name="KIM Lain")
    MembershipFactory(kim=other_kim, user=UserFactory(email="budi@lain.test"))

    # A member writes on a phone, with a photo, and submits for review.
    page = phone_page
    log_in(page, live, "ani@kim.test", PASSWORD)
    page.get_by_role("link", name="Tulis berita").click()
    page.get_by_label("Judul").fill("Posyandu Bailangu buka layanan imunisasi")
    page.get_by_label("Teras berita").fill("Posyandu membuka imunisasi setiap Selasa pagi.")
    page.get_by_label("Isi berita").fill("Layanan dibuka pukul 08.00.\n\n- buku KIA\n- KK")
    page.get_by_label("Kategori").select_option(label="Kesehatan")
    page.get_by_label("Foto sampul").set_input_files(str(phone_photo(tmp_path)))
    page.get_by_label("Isi foto").fill("Kader posyandu menimbang balita")
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Simpan draf").click()
    page.get_by_role("button", name="Simpan dan ajukan untuk ditinjau").click()
    post = Post.objects.get(title="Posyandu Bailangu buka layanan imunisasi")
    assert post.status == Post.Status.SUBMITTED
    photo = post.photos.get()
    with Image.open(photo.image.path) as stored:
        assert stored.format == "WEBP" and not stored.getexif()

    # Another KIM's member cannot open it for editing; a villager cannot see it yet.
    stranger = phone(new_context)
    log_in(stranger, live, "budi@lain.test", PASSWORD)
    assert stranger.goto(live + f"/berita/{post.slug}/ubah/").status == 404
    villager = phone(new_context)
    assert villager.goto(live + post.get_absolute_url()).status == 404

    # Staff publish it from the review queue.
    staff = phone(new_context)
    log_in(staff, live, staff_user.email, PASSWORD)
    staff.goto(live + "/berita/moderasi/")
    staff.get_by_role("link", name="Posyandu Bailangu buka layanan imunisasi").first.click()
    staff.get_by_role("button", name="Terbitkan sekarang").click()
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED

    # Villagers find it on the home page, in the district's list, in search and in the feed.
    villager.goto(live + "/")
    expect(villager.get_by_text("Posyandu Bailangu buka layanan imunisasi").first).to_be_visible()
    villager.goto(live + f"/berita/?wilayah={sekayu.code}")
    expect(villager.get_by_text("Posyandu Bailangu buka layanan imunisasi").first).to_be_visible()
    card_photo = villager.get_by_role("img", name="Kader posyandu menimbang balita")
    expect(card_photo).to_have_attribute("srcset", re.compile(r"480w"))
    expect(card_photo).to_have_attribute("width", "1600")
    assert_fits_the_screen(villager)
    villager.goto(live + "/cari/?q=imunisasi")
    expect(villager.get_by_text("Posyandu Bailangu buka layanan").first).to_be_visible()
    villager.get_by_role("link", name="Posyandu Bailangu buka layanan imunisasi").first.click()
    cover = villager.get_by_role("img", name="Kader posyandu menimbang balita").first
    expect(cover).to_have_attribute("srcset", re.compile(r"480w.*960w.*1600w"))
    expect(villager.get_by_role("link", name="Kirim lewat WhatsApp")).to_be_visible()
    feed = villager.request.get(live + "/berita/feed/")
    assert "Posyandu Bailangu buka layanan imunisasi" in feed.text()


def test_a_returned_post_shows_the_reviewers_note_to_its_author(live, phone_page, staff_user):
    from news.services import post_create, post_return, post_submit

    kim = KimFactory()
    author = MembershipFactory(
        kim=kim, role=Membership.Role.MEMBER, user=UserFactory(email="ani@kim.test")
    ).user
    post = post_create(
        author=author,
        kim=kim,
        data={
            "title": "Lomba kebersihan kampung",
            "lead": "Ayo ikut lomba.",
            "body": "Lomba digelar bulan depan.",
            "kind": Post.Kind.NEWS,
            "category": Category.objects.get_or_create(
                slug="sosial-budaya", defaults={"name": "Sosial budaya"}
            )[0],
        },
    )
    post_submit(post=post, actor=author)
    post_return(post=post, actor=staff_user, note="Mohon tambahkan tanggal dan tempat lomba.")

    log_in(phone_page, live, "ani@kim.test", PASSWORD)
    phone_page.goto(live + "/berita/saya/")

    expect(phone_page.get_by_text("Mohon tambahkan tanggal dan tempat lomba.")).to_be_visible()
    assert_fits_the_screen(phone_page)

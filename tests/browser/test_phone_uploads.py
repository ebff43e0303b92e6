"""Photos shrunk on the phone before they are sent (static/js/upload.js), in real Chromium at
360 px: what the server receives is at most 1600 px and about 300 KB, the form shows its
upload progress, and a file that is no image still gets the server's own message."""

import io
import os
import re

from PIL import Image
from playwright.sync_api import expect

from aspirations.models import Category as AspirationCategory
from aspirations.models import Submission
from groups.models import Membership
from news.models import Category, Post
from tests.browser.conftest import assert_fits_the_screen, log_in
from tests.conftest import PASSWORD
from tests.factories import (
    DistrictFactory,
    KimFactory,
    MembershipFactory,
    UserFactory,
    VillageFactory,
)

MAX_SIDE = 1600
MAX_BYTES = 300 * 1024
# On the slow line of slow_uploads() a photo and the page after it take several seconds, more
# on a busy test machine.
SLOW_LINE = 40_000


def big_photo(tmp_path, name="kegiatan.jpg"):
    """A 4000x3000 JPEG of about 3 MB, as a phone camera writes it: stored sideways with EXIF
    orientation 6 (turn 90° clockwise), so it is really a 3000x4000 portrait."""
    size = (500, 375)
    bands = (
        Image.effect_noise(size, 60),
        Image.linear_gradient("L").resize(size),
        Image.effect_noise(size, 40),
    )
    image = Image.merge("RGB", bands).resize((4000, 3000), Image.BICUBIC)
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92, exif=exif)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size > 2 * 1024 * 1024
    return path


def receiving(monkeypatch, target):
    """Record each photo the server's service gets (bytes, pixels, format), then process it
    as usual. The live server runs in this process, so the patch reaches its requests."""
    module, name = target.rsplit(".", 1)
    imported = __import__(module, fromlist=[name])
    original = getattr(imported, name)
    received = []

    def spy(upload, **kwargs):
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        with Image.open(io.BytesIO(data)) as image:
            received.append({"bytes": len(data), "size": image.size, "format": image.format})
        return original(upload, **kwargs)

    monkeypatch.setattr(imported, name, spy)
    return received


def assert_shrunk(photo):
    width, height = photo["size"]
    assert max(width, height) <= MAX_SIDE
    assert photo["bytes"] <= MAX_BYTES
    assert photo["format"] in ("WEBP", "JPEG")


def slow_uploads(page):
    """A slow line (about 1 Mbit/s up) so that the upload takes a few seconds, as in a village."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 150,
            "downloadThroughput": 2_000_000 / 8,
            "uploadThroughput": 1_000_000 / 8,
        },
    )


def expect_progress(page, name):
    """The progress bar is shown, named, and moves while the photo is sent."""
    progress = page.get_by_role("progressbar", name="Mengirim formulir")
    expect(progress).to_be_visible()
    page.wait_for_function(
        "() => { const bar = document.querySelector('progress.upload-progress-bar:not([hidden])');"
        " return bar && bar.value > 10 && bar.value < 100; }"
    )
    expect(page.get_by_role("status").filter(has_text="Mengirim:")).to_contain_text(" dari ")
    if os.environ.get("PHONE_SHOTS"):
        progress.scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(os.environ["PHONE_SHOTS"], f"{name}.png"))


def writer(live, page):
    Category.objects.get_or_create(slug="kesehatan", defaults={"name": "Kesehatan"})
    kim = KimFactory(name="KIM Bailangu", village=VillageFactory(name="Bailangu"))
    MembershipFactory(kim=kim, user=UserFactory(name="Ani Lestari", email="ani@kim.test"))
    log_in(page, live, "ani@kim.test", PASSWORD)
    page.goto(live + "/berita/tulis/")
    return kim


def fill_post(page, title):
    page.get_by_label("Judul").fill(title)
    page.get_by_label("Teras berita").fill("Posyandu membuka imunisasi setiap Selasa pagi.")
    page.get_by_label("Isi berita").fill("Layanan dibuka pukul 08.00 di balai desa.")
    page.get_by_label("Kategori").select_option(label="Kesehatan")


def test_a_big_photo_is_shrunk_on_the_phone_before_the_post_is_sent(
    live, phone_page, tmp_path, monkeypatch
):
    received = receiving(monkeypatch, "news.services.image_renditions")
    page = phone_page
    writer(live, page)
    fill_post(page, "Imunisasi di Posyandu Bailangu")
    page.get_by_label("Foto sampul").set_input_files(str(big_photo(tmp_path)))
    page.get_by_label("Isi foto").fill("Kader posyandu menimbang balita")
    # Decoding and encoding a 12-megapixel photo takes a moment on a slow phone (or machine).
    expect(
        page.get_by_text(re.compile(r"Foto diperkecil untuk dikirim: 2,\d MB → \d+ KB"))
    ).to_be_visible(timeout=SLOW_LINE)
    assert_fits_the_screen(page)

    slow_uploads(page)
    page.get_by_role("button", name="Simpan draf").click()
    expect_progress(page, "post-progress")

    # The server's answer is shown as after a normal submit: the draft's page and its message.
    expect(page.get_by_text("Draf Anda tersimpan.")).to_be_visible(timeout=SLOW_LINE)
    post = Post.objects.get(title="Imunisasi di Posyandu Bailangu")
    assert page.url.endswith(f"/berita/{post.slug}/ubah/")
    # One decode for the renditions, one for the share picture; both saw the shrunk photo.
    assert received
    for photo in received:
        assert_shrunk(photo)
        width, height = photo["size"]
        assert height > width, "the portrait photo is upright"
    stored = post.photos.get()
    assert (stored.width, stored.height) == (1200, 1600)

    # Another photo through the photo form of the draft: shrunk as well.
    received.clear()
    page.locator("#foto input[type=file]").set_input_files(str(big_photo(tmp_path, "kedua.jpg")))
    page.locator("#foto").get_by_label("Isi foto").fill("Antrean ibu dan balita")
    page.get_by_role("button", name="Tambahkan foto").click()
    expect(page.get_by_text("Foto sudah ditambahkan.")).to_be_visible(timeout=SLOW_LINE)
    # Back at the photos, as after a normal submit (the server redirects to #foto).
    assert page.url.endswith(f"/berita/{post.slug}/ubah/#foto")
    expect(page.get_by_role("heading", name=re.compile(r"^Foto \(2 dari"))).to_be_in_viewport()
    assert post.photos.count() == 2
    assert received and all(photo["bytes"] <= MAX_BYTES for photo in received)


def test_a_file_that_is_no_image_gets_the_servers_message_and_the_text_stays(
    live, phone_page, tmp_path
):
    page = phone_page
    writer(live, page)
    fill_post(page, "Tulisan dengan berkas yang salah")
    not_a_photo = tmp_path / "foto.jpg"
    not_a_photo.write_bytes(b"ini bukan foto, hanya teks biasa\n" * 20)
    page.get_by_label("Foto sampul").set_input_files(str(not_a_photo))
    page.get_by_label("Isi foto").fill("Sesuatu")
    page.get_by_role("button", name="Simpan draf").click()

    expect(page.get_by_text("Belum ada yang disimpan.", exact=False)).to_be_visible()
    expect(page.get_by_text(re.compile("bukan gambar|Unggah gambar"))).to_be_visible()
    expect(page.get_by_label("Judul")).to_have_value("Tulisan dengan berkas yang salah")
    expect(page.get_by_label("Isi berita")).to_have_value(
        "Layanan dibuka pukul 08.00 di balai desa."
    )
    assert not Post.objects.filter(title="Tulisan dengan berkas yang salah").exists()
    assert page.url.endswith("/berita/tulis/")


def test_an_aspiration_photo_is_shrunk_before_it_is_sent(live, phone_page, tmp_path, monkeypatch):
    received = receiving(monkeypatch, "aspirations.services.image_renditions")
    AspirationCategory.objects.get_or_create(
        slug="infrastruktur", defaults={"name": "Infrastruktur"}
    )
    village = VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))
    page = phone_page
    page.goto(live + f"/aspirasi/kirim/?desa={village.code}")
    page.get_by_label("Kategori").select_option(label="Infrastruktur")
    page.get_by_label("Judul").fill("Jalan menuju SD Bailangu rusak parah")
    page.get_by_role("textbox", name="Aspirasi Anda").fill("Jalan tanah berlubang dan licin.")
    page.get_by_label("Foto (tidak wajib)").set_input_files(str(big_photo(tmp_path)))
    page.get_by_label("Nama Anda").fill("Rudi Hartono")
    page.get_by_label("Nomor WhatsApp atau telepon").fill("0812 3456 7890")
    page.get_by_label(re.compile("Saya sudah membaca pemberitahuan privasi")).check()
    expect(page.get_by_text(re.compile("Foto diperkecil untuk dikirim"))).to_be_visible(
        timeout=SLOW_LINE
    )
    slow_uploads(page)
    page.get_by_role("button", name="Kirim").click()
    expect_progress(page, "aspiration-progress")

    expect(page.get_by_role("heading", name="Terima kasih, kiriman Anda terkirim")).to_be_visible(
        timeout=SLOW_LINE
    )
    submission = Submission.objects.get(title="Jalan menuju SD Bailangu rusak parah")
    assert submission.photo
    assert len(received) == 1
    assert_shrunk(received[0])
    assert received[0]["size"] == (1200, 1600)


def test_a_kim_logo_is_shrunk_before_it_is_sent(live, phone_page, tmp_path, monkeypatch):
    received = receiving(monkeypatch, "groups.services.image_to_webp")
    kim = KimFactory(name="KIM Bailangu")
    MembershipFactory(kim=kim, role=Membership.Role.CHAIR, user=UserFactory(email="ketua@kim.test"))
    page = phone_page
    log_in(page, live, "ketua@kim.test", PASSWORD)
    page.goto(live + f"/kim/{kim.slug}/kelola/profil/")
    page.get_by_label("Logo", exact=True).set_input_files(str(big_photo(tmp_path, "logo.jpg")))
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Profil KIM sudah disimpan.")).to_be_visible()
    kim.refresh_from_db()
    assert kim.logo
    assert len(received) == 1
    assert_shrunk(received[0])

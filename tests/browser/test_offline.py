"""A dropped signal on a phone (static/js/sw.js, static/js/outbox.js), in real Chromium at
360 px with the browser's network switched off and on: a post written offline waits in the
outbox, says so, survives a reload and is sent when the signal is back; public pages read
before open offline, logged-in pages never come from the phone's cache."""

import os
import re

from playwright.sync_api import expect

from news.models import Category, Post
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_phone_uploads import MAX_BYTES, SLOW_LINE, big_photo, receiving
from tests.conftest import PASSWORD
from tests.factories import KimFactory, MembershipFactory, PostFactory, UserFactory, VillageFactory

WAITING = "1 tulisan menunggu dikirim"


def phone_with_service_worker(new_context):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, service_workers="allow")
    context.set_default_timeout(15_000)
    return context, context.new_page()


def controlled(page):
    """Wait until the service worker controls the page (it claims pages when it starts)."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")


def shot(page, name, show=None):
    """A screenshot to look at (PHONE_SHOTS=dir), with ``show`` scrolled into view."""
    if show is not None:
        show.scroll_into_view_if_needed()
    if os.environ.get("PHONE_SHOTS"):
        page.screenshot(path=os.path.join(os.environ["PHONE_SHOTS"], f"{name}.png"))


def test_a_post_written_offline_waits_and_is_sent_when_the_signal_is_back(
    live, new_context, tmp_path, monkeypatch
):
    received = receiving(monkeypatch, "news.services.image_renditions")
    Category.objects.get_or_create(slug="kesehatan", defaults={"name": "Kesehatan"})
    kim = KimFactory(name="KIM Bailangu", village=VillageFactory(name="Bailangu"))
    MembershipFactory(kim=kim, user=UserFactory(name="Ani Lestari", email="ani@kim.test"))
    context, page = phone_with_service_worker(new_context)
    log_in(page, live, "ani@kim.test", PASSWORD)
    page.goto(live + "/berita/tulis/")
    controlled(page)

    page.get_by_label("Judul").fill("Gotong royong di Bailangu")
    page.get_by_label("Teras berita").fill("Warga membersihkan saluran air.")
    page.get_by_label("Isi berita").fill("Sebanyak 40 warga ikut bekerja sejak pagi.")
    page.get_by_label("Kategori").select_option(label="Kesehatan")
    page.get_by_label("Foto sampul").set_input_files(str(big_photo(tmp_path)))
    page.get_by_label("Isi foto").fill("Warga membersihkan saluran air")
    expect(page.get_by_text(re.compile("Foto diperkecil untuk dikirim"))).to_be_visible(
        timeout=SLOW_LINE
    )

    # The signal drops; the member sends anyway: the post waits on the phone, and says so.
    context.set_offline(True)
    page.get_by_role("button", name="Simpan draf").click()
    waiting = page.get_by_role("status").filter(has_text=WAITING)
    expect(waiting).to_be_visible()
    expect(waiting).to_contain_text("«Gotong royong di Bailangu»")
    expect(page.get_by_label("Judul")).to_have_value("Gotong royong di Bailangu")
    shot(page, "offline-waiting", waiting)
    assert not Post.objects.filter(title="Gotong royong di Bailangu").exists()

    # Reloaded without a signal, the phone still shows what waits.
    page.reload()
    expect(page.get_by_role("heading", name="Anda sedang offline")).to_be_visible()
    still_waiting = page.get_by_role("status").filter(has_text=WAITING)
    expect(still_waiting).to_be_visible()
    shot(page, "offline-reloaded", still_waiting)

    # The signal is back: the post is sent by itself, with its shrunk photo.
    context.set_offline(False)
    expect(page.get_by_role("status").filter(has_text="sudah terkirim")).to_contain_text(
        "Tulisan Anda «Gotong royong di Bailangu» yang menunggu sudah terkirim.", timeout=30_000
    )
    expect(page.get_by_text("Draf Anda tersimpan.")).to_be_visible()
    shot(page, "offline-sent")
    post = Post.objects.get(title="Gotong royong di Bailangu")
    assert post.body == "Sebanyak 40 warga ikut bekerja sejak pagi."
    assert post.lead == "Warga membersihkan saluran air."
    photo = post.photos.get()
    assert photo.alt_text == "Warga membersihkan saluran air"
    assert (photo.width, photo.height) == (1200, 1600)
    assert received and all(seen["bytes"] <= MAX_BYTES for seen in received)
    assert page.url.endswith(f"/berita/{post.slug}/ubah/")

    # Sent once; the draft is gone: the form is empty again.
    page.goto(live + "/berita/tulis/")
    expect(page.get_by_label("Judul")).to_have_value("")
    expect(page.get_by_role("status").filter(has_text=WAITING)).to_have_count(0)
    assert Post.objects.filter(title="Gotong royong di Bailangu").count() == 1


def test_a_draft_typed_on_the_phone_comes_back_when_the_form_is_opened_again(live, new_context):
    Category.objects.get_or_create(slug="kesehatan", defaults={"name": "Kesehatan"})
    kim = KimFactory(name="KIM Bailangu")
    MembershipFactory(kim=kim, user=UserFactory(email="ani@kim.test"))
    _context, page = phone_with_service_worker(new_context)
    log_in(page, live, "ani@kim.test", PASSWORD)
    page.goto(live + "/berita/tulis/")
    page.get_by_label("Judul").fill("Rapat KIM bulan ini")
    page.get_by_label("Isi berita").fill("Rapat membahas jadwal siaran.")
    page.wait_for_timeout(800)  # the draft is kept a moment after the last key

    page.goto(live + "/")
    page.goto(live + "/berita/tulis/")
    expect(page.get_by_text("Draf Anda yang belum terkirim dipulihkan")).to_be_visible()
    expect(page.get_by_label("Judul")).to_have_value("Rapat KIM bulan ini")
    expect(page.get_by_label("Isi berita")).to_have_value("Rapat membahas jadwal siaran.")
    page.get_by_role("button", name="Buang draf").click()
    expect(page.get_by_label("Judul")).to_have_value("")

    # Written again and saved with a signal (no photo): saved as usual, and the draft is gone.
    page.get_by_label("Judul").fill("Rapat KIM bulan depan")
    page.get_by_label("Teras berita").fill("Rapat membahas jadwal siaran radio desa.")
    page.get_by_label("Isi berita").fill("Rapat di balai desa pukul 19.00.")
    page.get_by_label("Kategori").select_option(label="Kesehatan")
    page.wait_for_timeout(800)
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_text("Draf Anda tersimpan.")).to_be_visible(timeout=30_000)
    post = Post.objects.get(title="Rapat KIM bulan depan")
    assert page.url.endswith(f"/berita/{post.slug}/ubah/")
    page.goto(live + "/berita/tulis/")
    expect(page.get_by_label("Judul")).to_have_value("")
    expect(page.get_by_text("Draf Anda yang belum terkirim dipulihkan")).to_be_hidden()


def test_public_pages_read_before_open_offline_but_private_pages_never(live, new_context):
    PostFactory(title="Posyandu Bailangu buka layanan imunisasi", slug="posyandu-bailangu")
    MembershipFactory(kim=KimFactory(), user=UserFactory(name="Ani Lestari", email="ani@kim.test"))
    context, page = phone_with_service_worker(new_context)

    # A villager reads the home page (the first page: kept once the worker is there) and a
    # post.
    page.goto(live + "/")
    controlled(page)
    page.goto(live + "/berita/posyandu-bailangu/")
    expect(
        page.get_by_role("heading", name="Posyandu Bailangu buka layanan imunisasi")
    ).to_be_visible()

    context.set_offline(True)
    page.goto(live + "/berita/posyandu-bailangu/")
    expect(
        page.get_by_role("heading", name="Posyandu Bailangu buka layanan imunisasi")
    ).to_be_visible()
    shot(page, "offline-post")
    page.goto(live + "/")
    expect(
        page.get_by_role("link", name="Posyandu Bailangu buka layanan imunisasi").first
    ).to_be_visible()
    # A page never read: the offline page says so.
    page.goto(live + "/pelatihan/")
    expect(page.get_by_role("heading", name="Anda sedang offline")).to_be_visible()
    shot(page, "offline-page")

    # Logged in, pages carry the member's name: never kept on the phone.
    context.set_offline(False)
    log_in(page, live, "ani@kim.test", PASSWORD)
    page.goto(live + "/dasbor/")
    expect(page.get_by_text("Ani Lestari").first).to_be_visible()
    page.goto(live + "/berita/posyandu-bailangu/")
    context.set_offline(True)
    page.goto(live + "/dasbor/")
    expect(page.get_by_role("heading", name="Anda sedang offline")).to_be_visible()
    expect(page.get_by_text("Ani Lestari")).to_have_count(0)
    # The public post read while logged in is the copy kept before, as anyone sees it.
    page.goto(live + "/berita/posyandu-bailangu/")
    expect(
        page.get_by_role("heading", name="Posyandu Bailangu buka layanan imunisasi")
    ).to_be_visible()
    expect(page.get_by_text("Ani Lestari")).to_have_count(0)


def test_a_waiting_post_is_sent_only_by_the_member_who_wrote_it(live, new_context):
    """A phone shared in the family: logged out meanwhile, the post waits and says why; the
    other member logged in neither sees nor sends it; its writer logged in again sends it."""
    Category.objects.get_or_create(slug="kesehatan", defaults={"name": "Kesehatan"})
    kim = KimFactory(name="KIM Bailangu")
    MembershipFactory(kim=kim, user=UserFactory(name="Ani Lestari", email="ani@kim.test"))
    MembershipFactory(kim=kim, user=UserFactory(name="Budi Santoso", email="budi@kim.test"))
    context, page = phone_with_service_worker(new_context)
    log_in(page, live, "ani@kim.test", PASSWORD)
    page.goto(live + "/berita/tulis/")
    controlled(page)
    page.get_by_label("Judul").fill("Jadwal ronda malam")
    page.get_by_label("Teras berita").fill("Ronda malam dimulai pekan ini.")
    page.get_by_label("Isi berita").fill("Setiap RT menyiapkan dua orang.")
    page.get_by_label("Kategori").select_option(label="Kesehatan")
    context.set_offline(True)
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_role("status").filter(has_text=WAITING)).to_be_visible()

    # Logged out (the session ended) before the signal came back.
    context.clear_cookies()
    context.set_offline(False)
    expect(
        page.get_by_text("Ada tulisan yang menunggu dikirim, tetapi Anda sudah tidak masuk.")
    ).to_be_visible(timeout=30_000)
    assert not Post.objects.filter(title="Jadwal ronda malam").exists()

    log_in(page, live, "budi@kim.test", PASSWORD)
    page.goto(live + "/berita/tulis/")
    expect(page.get_by_label("Judul")).to_have_value("")
    page.wait_for_timeout(1000)
    expect(page.get_by_role("status").filter(has_text=WAITING)).to_have_count(0)
    assert not Post.objects.filter(title="Jadwal ronda malam").exists()

    page.get_by_role("button", name="Keluar").first.click()
    page.wait_for_load_state()
    log_in(page, live, "ani@kim.test", PASSWORD)
    expect(page.get_by_text("«Jadwal ronda malam» yang menunggu sudah terkirim")).to_be_visible(
        timeout=30_000
    )
    post = Post.objects.get(title="Jadwal ronda malam")
    assert post.author.email == "ani@kim.test"

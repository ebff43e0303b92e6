"""The data budgets of issue 13, measured in Chromium at 360 px on the demo data: what the pages
really cost a phone on a small data plan, in bytes over the wire.

The pages come from a live server like production's: static files collected with the
production storage and served by whitenoise as their compressed copies, pages through the
gzip middleware, photos as stored. Bytes are Chromium's own count of what each request took
on the network (the DevTools protocol's ``encodedDataLength``: headers and compressed body),
with the browser cache off, so every page is measured as a first visit. (Over plain http
Chromium asks for gzip, not brotli: the numbers here are what gzip costs, brotli is smaller.)

Every public page of ``tests/browser/pages.py`` is held to the data saver budget.
"""

import io
import random
import time
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.test.testcases import LiveServerThread
from PIL import Image, ImageDraw

from accounts.models import User
from news.models import Category, Post, PostPhoto
from news.services import photo_add, post_create, post_submit
from tests.browser.conftest import PHONE
from tests.browser.pages import PUBLIC_PAGES

KB = 1024
HOME_BUDGET = 60 * KB  # HTML + CSS + JS of the home page on a first visit
HOME_REQUESTS_BEFORE_IMAGES = 10
IMAGE_BUDGET = 40 * KB  # each photo at phone width
HEMAT_BUDGET = 20 * KB  # everything a page loads in the data saver mode

PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"base_url": "/berkas/"},
    },
    "staticfiles": {"BACKEND": "core.static_storage.MinifiedCompressedManifestStorage"},
}


class _StaticAsInProduction(LiveServerThread):
    """Django's live server without its static files handler: whitenoise (in the middleware,
    as in production) serves the collected files and their .gz/.br copies."""

    def __init__(self, host):
        super().__init__(host, static_handler=lambda handler: handler)


@pytest.fixture(scope="module")
def production_like(collected_static, tmp_path_factory):
    """The base URL of a live server that serves static files as production does."""
    with override_settings(STATIC_ROOT=collected_static, STORAGES=PRODUCTION_STATIC):
        server = _StaticAsInProduction("127.0.0.1")
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield f"http://127.0.0.1:{server.port}"
        finally:
            server.terminate()


def phone_photo(seed: int) -> SimpleUploadedFile:
    """A 4000x3000 JPEG of about 1.2 MB with the texture of a phone photo: flat colours would
    compress far better than real photos do (its 480 px WebP is about 30 KB)."""
    rng = random.Random(seed)
    width, height = 4000, 3000
    sky = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(Image.new("RGB", (width, height), (90, 150, 210)), sky, 0.35)
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(1500, 1900)
    draw.rectangle([0, horizon, width, height], fill=(70, 120, 60))
    for _ in range(60):
        x, y = rng.randint(0, width), rng.randint(horizon - 600, height)
        size = rng.randint(80, 500)
        colour = tuple(rng.randint(40, 220) for _ in range(3))
        draw.rectangle([x, y - size, x + size, y], fill=colour)
    # Detail at the scale a phone screen shows it (grain finer than that averages away).
    texture = Image.effect_noise((width // 8, height // 8), 30).resize(
        (width, height), Image.Resampling.BICUBIC
    )
    image = Image.blend(image, Image.merge("RGB", (texture, texture, texture)), 0.3)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return SimpleUploadedFile(f"IMG_2026120{seed}.jpg", buffer.getvalue(), "image/jpeg")


@pytest.fixture
def demo(settings):
    """The demo regency (seed_demo refuses to run without DEBUG, so it is on meanwhile), and a
    featured post on top of the home page with two photos taken on a phone."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    staff = User.objects.get(email="staf@demo.test")
    post = post_create(
        author=staff,
        kim=None,
        data={
            "title": "Jembatan gantung Sungai Dawas selesai diperbaiki",
            "lead": "Warga kembali bisa menyeberang dengan aman setelah dua bulan.",
            "body": "Perbaikan dikerjakan bersama warga dan Dinas PUPR.",
            "kind": Post.Kind.NEWS,
            "category": Category.objects.order_by("position").first(),
        },
    )
    for seed in (1, 2):
        photo_add(
            post=post,
            actor=staff,
            upload=phone_photo(seed),
            alt_text="Warga menyeberangi jembatan gantung",
            caption="",
            credit="KIM Sungai Dawas",
        )
    post_submit(post=post, actor=staff)
    Post.objects.filter(pk=post.pk).update(is_featured=True)
    return post


def smallest_renditions() -> set[str]:
    """The names of the photos' 480 px renditions."""
    return set(PostPhoto.objects.values_list("image_480", flat=True))


@dataclass
class Transfer:
    url: str
    kind: str
    bytes: int = 0
    finished: bool = False
    error: str = ""


@dataclass
class Recorder:
    """What the page asked the network for, as Chromium counts it."""

    transfers: dict = field(default_factory=dict)

    def total(self, *kinds) -> int:
        return sum(t.bytes for t in self.transfers.values() if not kinds or t.kind in kinds)

    def of(self, *kinds) -> list:
        return [t for t in self.transfers.values() if t.kind in kinds]

    def clear(self):
        self.transfers.clear()

    def settle(self):
        """Wait until every request seen so far has finished."""
        for _attempt in range(50):
            if all(t.finished for t in self.transfers.values()):
                return
            time.sleep(0.1)

    def report(self) -> str:
        return "\n".join(f"  {t.kind:<10} {t.bytes:>7} B  {t.url}" for t in self.transfers.values())


def record(page) -> Recorder:
    recorder = Recorder()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def sent(event):
        if event["request"]["url"].startswith("http"):
            recorder.transfers[event["requestId"]] = Transfer(
                event["request"]["url"], event.get("type", "Other")
            )

    def finished(event):
        transfer = recorder.transfers.get(event["requestId"])
        if transfer is not None:
            transfer.bytes = int(event["encodedDataLength"])
            transfer.finished = True

    def failed(event):
        transfer = recorder.transfers.get(event["requestId"])
        if transfer is not None:
            transfer.finished = True
            transfer.error = event.get("errorText", "failed")

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)
    return recorder


def phone(new_context, **kwargs):
    # The portal's service worker (static/js/sw.js) would answer the pages after the first one,
    # and the page's DevTools session sees no bytes for those (the worker's own fetch carries
    # them): without it every page is measured as the network delivers it on a first visit.
    kwargs.setdefault("service_workers", "block")
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, **kwargs)
    context.set_default_timeout(15_000)
    return context.new_page()


def where_it_lands(address: str) -> str:
    """``address``, or where it redirects to (a village's address leads to its district's page
    today). Playwright drops its extra headers (Save-Data) on a redirect; a phone does not."""
    for _hop in range(3):
        response = Client().get(address)
        if response.status_code not in (301, 302):
            return address
        address = response["Location"]
    return address


def visit(page, recorder: Recorder, url: str):
    recorder.clear()
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200, url
    recorder.settle()


def test_home_page_first_visit_fits_a_phone_budget(production_like, new_context, demo):
    page = phone(new_context)
    recorder = record(page)

    visit(page, recorder, production_like + "/")

    before_images = [t for t in recorder.transfers.values() if t.kind != "Image"]
    text_bytes = recorder.total("Document", "Stylesheet", "Script", "Font")
    assert text_bytes <= HOME_BUDGET, f"{text_bytes} B of HTML, CSS and JS:\n{recorder.report()}"
    assert len(before_images) <= HOME_REQUESTS_BEFORE_IMAGES, recorder.report()
    documents = recorder.of("Document")
    assert len(documents) == 1 and documents[0].bytes < 10 * KB, recorder.report()

    # Every photo on the page, lazy ones too (scrolled into view), at phone width.
    page.evaluate(
        "async () => { for (let y = 0; y < document.body.scrollHeight; y += 400) {"
        " window.scrollTo(0, y); await new Promise(r => setTimeout(r, 50)); } }"
    )
    page.wait_for_load_state("networkidle")
    recorder.settle()
    photos = [t for t in recorder.of("Image") if "/media/" in t.url]
    assert len(photos) >= 5, recorder.report()
    too_big = [t for t in photos if t.bytes > IMAGE_BUDGET]
    assert not too_big, f"photos over {IMAGE_BUDGET} B:\n{recorder.report()}"
    smallest = smallest_renditions()
    assert all(t.url.split("/media/")[1] in smallest for t in photos), recorder.report()


def hemat_by_header(new_context, production_like):
    return phone(new_context, extra_http_headers={"Save-Data": "on"})


def hemat_by_button(new_context, production_like):
    """A reader without Save-Data turns the mode on with the footer's button."""
    page = phone(new_context)
    page.goto(production_like + "/privasi/")
    page.get_by_role("button", name="Nyalakan hemat kuota").click()
    page.wait_for_url(production_like + "/privasi/")
    assert page.get_by_text("Mode hemat kuota aktif").first.is_visible()
    return page


@pytest.mark.parametrize("turn_on", [hemat_by_header, hemat_by_button], ids=["header", "button"])
def test_every_public_page_in_data_saver_mode_is_under_20_kb_without_photos_or_scripts(
    production_like, new_context, demo, turn_on
):
    page = turn_on(new_context, production_like)
    recorder = record(page)

    over_budget = []
    for name, address in PUBLIC_PAGES:
        url = production_like + where_it_lands(address())
        visit(page, recorder, url)
        assert page.locator("script").count() == 0, f"{name}: a <script> in the data saver mode"
        assert not recorder.of("Image", "Script"), f"{name} loaded:\n{recorder.report()}"
        assert recorder.total() > 0, f"{name}: nothing measured\n{recorder.report()}"
        if recorder.total() >= HEMAT_BUDGET:
            over_budget.append(f"{name} {url}: {recorder.total()} B\n{recorder.report()}")
        assert page.get_by_text("Mode hemat kuota aktif").first.is_visible(), name
    assert not over_budget, "\n".join(over_budget)


def test_in_data_saver_mode_a_photo_loads_when_tapped_and_the_mode_turns_off(
    production_like, new_context, demo
):
    page = phone(new_context, extra_http_headers={"Save-Data": "on"})
    recorder = record(page)
    visit(page, recorder, production_like + demo.get_absolute_url())
    assert not recorder.of("Image")
    photo = page.get_by_role("img", name="Warga menyeberangi jembatan gantung").first
    assert not photo.is_visible()

    page.get_by_text("Tampilkan foto").first.tap()

    photo.wait_for(state="visible")
    page.wait_for_function("() => [...document.images].some(i => i.complete && i.naturalWidth > 0)")
    recorder.settle()
    [loaded] = recorder.of("Image")  # only the tapped one, its smallest rendition
    assert loaded.url.split("/media/")[1] in smallest_renditions()
    assert loaded.bytes <= IMAGE_BUDGET

    # The footer's button turns the mode off (over the browser's Save-Data) on the same page.
    page.get_by_role("button", name="Matikan hemat kuota").click()
    page.wait_for_url(production_like + demo.get_absolute_url())
    assert page.get_by_role("button", name="Nyalakan hemat kuota").is_visible()
    assert page.locator("details.hemat-photo").count() == 0
    assert page.locator("script[src]").count() >= 1


def test_the_footer_buttons_work_without_javascript(production_like, new_context):
    page = phone(new_context, java_script_enabled=False)
    page.goto(production_like + "/berita/?urut=terbaru")

    page.get_by_role("button", name="Nyalakan hemat kuota").click()

    page.wait_for_url(production_like + "/berita/?urut=terbaru")
    assert page.get_by_text("Mode hemat kuota aktif").first.is_visible()
    page.get_by_role("button", name="Matikan hemat kuota").click()
    page.wait_for_url(production_like + "/berita/?urut=terbaru")
    assert page.get_by_role("button", name="Nyalakan hemat kuota").is_visible()

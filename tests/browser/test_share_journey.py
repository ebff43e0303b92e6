"""A villager shares a fact check on WhatsApp from a 360 px phone: the copy button puts the
message on the clipboard, the page without JavaScript shows it in a text box, and the link
preview is a generated card."""

import io
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.utils.http import int_to_base36
from PIL import Image
from playwright.sync_api import expect

from news.models import Category, Post
from tests.browser.conftest import PHONE, assert_fits_the_screen
from tests.factories import DistrictFactory, KimFactory, PostFactory, VillageFactory

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"


def a_fact_check() -> Post:
    category = Category.objects.first() or Category.objects.create(name="Umum", slug="umum")
    village = VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))
    return PostFactory(
        kim=KimFactory(name="KIM Bailangu", village=village),
        category=category,
        kind=Post.Kind.FACT_CHECK,
        title="Bantuan tunai Rp 5 juta lewat tautan & formulir",
        lead="Dinas Sosial membantah pesan berantai yang beredar di grup warga.",
        claim="Warga dapat Rp 5 juta dengan mengisi tautan ini.",
        verdict=Post.Verdict.HOAX,
    )


def test_copy_for_whatsapp_on_a_phone_and_the_page_without_javascript(live, new_context):
    post = a_fact_check()
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live)
    context.set_default_timeout(10_000)
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.goto(live + post.get_absolute_url())
    button = page.get_by_role("button", name="Salin untuk WhatsApp")
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    assert button.bounding_box()["height"] >= 38
    text_link = page.get_by_role("link", name="Lihat teks untuk WhatsApp")
    assert text_link.bounding_box()["height"] >= 44
    page.locator(".post-share").screenshot(path=ARTIFACTS / "share-button-360.png")
    assert_fits_the_screen(page)
    button.tap()
    expect(page.get_by_role("button", name="Tersalin: tempel di WhatsApp")).to_be_visible()

    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("*Bantuan tunai Rp 5 juta lewat tautan & formulir*\n\n")
    assert "Klaim: Warga dapat Rp 5 juta dengan mengisi tautan ini.\n❌ Hasil: HOAKS\n" in copied
    short = f"{live}/s/p{int_to_base36(post.pk)}"
    assert copied.endswith(f"\n\n{short}")
    assert len(copied) <= 700 and "&amp;" not in copied

    # The short link at the end of the message opens the post.
    page.goto(short)
    expect(page).to_have_url(live + post.get_absolute_url())

    # The link preview: a 1200x630 JPEG card with the verdict.
    card_url = page.locator('meta[property="og:image"]').get_attribute("content")
    card = page.request.get(card_url)
    assert card.ok and card.headers["content-type"] == "image/jpeg"
    (ARTIFACTS / "share-card.jpg").write_bytes(card.body())
    with Image.open(io.BytesIO(card.body())) as image:
        assert image.format == "JPEG" and image.size == (1200, 630)
        image.save(ARTIFACTS / "share-card.png")

    # Without JavaScript: no copy button, the page with the message in a text box.
    plain = new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    plain.set_default_timeout(10_000)
    no_js = plain.new_page()
    no_js.goto(live + post.get_absolute_url())
    expect(no_js.get_by_role("button", name="Salin untuk WhatsApp")).to_be_hidden()
    no_js.get_by_role("link", name="Lihat teks untuk WhatsApp").click()
    box = no_js.get_by_label("Pesan")
    expect(box).to_be_visible()
    assert box.input_value() == copied
    expect(no_js.get_by_role("link", name="Kirim lewat WhatsApp")).to_have_attribute(
        "href", "https://wa.me/?text=" + quote(copied, safe="")
    )
    assert_fits_the_screen(no_js)
    no_js.screenshot(path=ARTIFACTS / "share-text-page-360.png", full_page=True)

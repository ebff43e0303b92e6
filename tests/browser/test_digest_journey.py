"""Weekly digest on a phone: read last week's digest of a KIM, subscribe, confirm from the
email, get the Monday email, stop it from its link."""

import re
from datetime import timedelta

from django.core import mail

from digests.models import Subscription
from digests.periods import week_label, week_last_finished, week_span
from digests.services import digest_week_build
from tests.browser.conftest import assert_fits_the_screen
from tests.factories import DistrictFactory, KimFactory, PostFactory, VillageFactory


def emailed_path(message) -> str:
    """The path of the portal link in an email (the emails link PORTAL_BASE_URL)."""
    return re.search(r"http://127\.0\.0\.1:8000(/\S+)", message.body)[1]


def test_a_villager_reads_subscribes_confirms_and_unsubscribes(live, phone_page, tmp_path):
    kim = KimFactory(
        name="KIM Bailangu Maju",
        slug="bailangu-maju",
        village=VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu")),
    )
    start = week_span(week_last_finished())[0]
    PostFactory(
        kim=kim,
        title="Warga Bailangu membersihkan saluran air",
        published_at=start + timedelta(days=2, hours=9),
    )
    week = week_label(week_last_finished())
    page = phone_page

    # From the KIM's profile to last week's digest.
    page.goto(f"{live}/kim/{kim.slug}/")
    page.get_by_role("link", name="Baca ringkasan minggu lalu").tap()
    page.wait_for_url(f"{live}/ringkasan/kim-{kim.slug}/{week}/")
    assert page.get_by_role("heading", name="Ringkasan mingguan KIM Bailangu Maju").is_visible()
    assert page.get_by_role("link", name="Warga Bailangu membersihkan saluran air").is_visible()
    assert_fits_the_screen(page)
    share = page.get_by_role("link", name="Kirim lewat WhatsApp").first
    box = share.bounding_box()
    assert box["height"] >= 44
    assert share.get_attribute("href").startswith("https://wa.me/?text=%2ARingkasan%20mingguan")
    text = page.locator("#whatsapp-text").input_value()
    assert text.startswith("*Ringkasan mingguan KIM Bailangu Maju")
    assert "• Warga Bailangu membersihkan saluran air http://127.0.0.1:8000/s/p" in text
    page.screenshot(path=tmp_path / "digest.png", full_page=True)

    # Subscribe to the district's digest from the same page.
    page.get_by_label("Email Anda").first.fill("warga.bailangu@contoh.test")
    page.get_by_label("Kecamatan Sekayu").check()
    page.get_by_role("button", name="Berlangganan").first.tap()
    page.get_by_role("heading", name="Periksa email Anda").wait_for()
    assert_fits_the_screen(page)
    [message] = mail.outbox
    assert message.to == ["warga.bailangu@contoh.test"]
    assert Subscription.objects.get().confirmed_at is None

    # The link in the email asks once more; the button confirms.
    page.goto(live + emailed_path(message))
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Ya, kirimi saya ringkasan").tap()
    page.get_by_role("heading", name="Langganan dikonfirmasi").wait_for()
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is not None and subscription.district == kim.district

    # Monday morning: the worker sends the district's digest, with a link to stop it.
    mail.outbox.clear()
    digest_week_build()
    [digest] = mail.outbox
    assert "Warga Bailangu membersihkan saluran air" in digest.body
    unsubscribe = digest.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in digest.body

    page.goto(unsubscribe.replace("http://127.0.0.1:8000", live))
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Hentikan email").tap()
    page.get_by_role("heading", name="Anda tidak akan menerima ringkasan lagi").wait_for()
    page.screenshot(path=tmp_path / "stopped.png", full_page=True)
    assert not Subscription.objects.exists()

import re

from playwright.sync_api import expect

from groups.models import Kim, Membership
from tests.browser.conftest import PHONE, assert_fits_the_screen, sign_up
from tests.browser.conftest import log_in as browser_log_in
from tests.conftest import PASSWORD
from tests.factories import (
    DistrictFactory,
    KimFactory,
    MembershipFactory,
    UserFactory,
    VillageFactory,
)


def phone_page_for(new_context):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def covered_villages(page) -> str:
    """The "X dari Y" (X of Y villages with an active KIM) of the coverage summary."""
    summary = page.locator(".coverage-summary").inner_text()
    return re.search(r"\d+ dari \d+", summary).group(0)


def log_in(page, live, email, password=PASSWORD):
    browser_log_in(page, live, email, password)
    expect(page.get_by_role("link", name="Akun saya")).to_be_visible()


def test_a_resident_joins_a_kim_becomes_secretary_and_staff_activate_a_kim(
    live, phone_page, new_context, mailoutbox, staff_user
):
    sekayu = DistrictFactory(name="Sekayu")
    bailangu = VillageFactory(name="Bailangu", district=sekayu)
    kim = KimFactory(
        name="KIM Bailangu Informatif", slug="kim-bailangu-informatif", village=bailangu
    )
    MembershipFactory(
        kim=kim, role=Membership.Role.CHAIR, user=UserFactory(name="Rudi", email="rudi@kim.test")
    )
    formed = KimFactory(
        name="KIM Lumpatan Maju",
        slug="kim-lumpatan-maju",
        village=VillageFactory(name="Lumpatan", district=sekayu),
        status=Kim.Status.FORMED,
    )

    # A villager signs up on a phone and confirms the address from the email.
    page = phone_page
    sign_up(page, live, name="Budi Santoso", email="budi@contoh.test", password="Sungai-Lilin-2026")
    link = re.search(r"https?://\S+/akun/confirm-email/\S+", mailoutbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Konfirmasi").click()
    log_in(page, live, "budi@contoh.test", "Sungai-Lilin-2026")

    # ... finds the KIM of the village in the directory and asks to join.
    page.get_by_role("link", name="KIM", exact=True).click()
    page.get_by_label("Nama atau desa").fill("Bailangu")
    page.get_by_role("main").get_by_role("button", name="Cari").click()
    assert_fits_the_screen(page)
    page.get_by_role("link", name="KIM Bailangu Informatif").click()
    page.get_by_role("link", name="Gabung").click()
    page.get_by_label("Pesan untuk pengurus KIM").fill("Saya warga Bailangu, ingin membantu.")
    page.get_by_role("button", name="Kirim permintaan").click()
    expect(page.get_by_text("Permintaan Anda sudah dikirim")).to_be_visible()

    # The chair accepts the request and makes Budi the secretary.
    chair_page = phone_page_for(new_context)
    log_in(chair_page, live, "rudi@kim.test")
    chair_page.get_by_role("link", name="Kelola").click()
    expect(chair_page.get_by_text("Saya warga Bailangu, ingin membantu.")).to_be_visible()
    chair_page.get_by_role("button", name="Terima Budi Santoso").click()
    expect(chair_page.get_by_text("Budi Santoso sekarang menjadi anggota.")).to_be_visible()
    chair_page.get_by_label("Jabatan Budi Santoso").select_option("sekretaris")
    budi = chair_page.locator("li.card", has_text="Budi Santoso")
    budi.get_by_role("button", name="Ubah jabatan").click()
    expect(chair_page.get_by_text("Jabatan Budi Santoso sudah diubah.")).to_be_visible()
    assert_fits_the_screen(chair_page)

    # The new secretary edits the public profile but cannot reach the status page.
    page.goto(live + "/dasbor/")
    page.get_by_role("link", name="Kelola").click()
    page.get_by_role("link", name="Ubah profil publik").click()
    expect(page.get_by_label("Status")).to_have_count(0)
    page.get_by_label("Deskripsi").fill("KIM Bailangu menyebarkan informasi desa setiap pekan.")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("menyebarkan informasi desa setiap pekan")).to_be_visible()
    response = page.goto(live + f"/kim/{kim.slug}/status/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Tidak diizinkan")).to_be_visible()

    # Staff activate the formed KIM with a reason; the coverage page counts it.
    staff_page = phone_page_for(new_context)
    log_in(staff_page, live, staff_user.email)
    staff_page.goto(live + "/kim/cakupan/")
    before = covered_villages(staff_page)
    staff_page.goto(live + formed.get_absolute_url())
    staff_page.get_by_role("link", name="Ubah status").click()
    staff_page.get_by_label("Status baru").select_option("aktif")
    staff_page.get_by_label("Alasan").fill("SK kepala desa sudah diterima.")
    staff_page.get_by_role("button", name="Ubah status").click()
    expect(staff_page.get_by_text("Status KIM sudah diubah.")).to_be_visible()
    staff_page.goto(live + "/kim/cakupan/")
    assert (before, covered_villages(staff_page)) == ("1 dari 2", "2 dari 2")
    assert_fits_the_screen(staff_page)

import re

from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import assert_fits_the_screen, sign_up
from tests.conftest import PASSWORD
from tests.factories import DistrictFactory, VillageFactory


def test_villager_reads_the_home_page_in_indonesian_and_switches_to_english(live, phone_page):
    district = DistrictFactory(name="Sungai Lilin")
    VillageFactory.create_batch(2, district=district)
    page = phone_page

    page.goto(live + "/")

    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("navigation", name="Menu utama")).to_contain_text("Beranda")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kelompok Informasi Masyarakat")
    expect(page.get_by_text("Sungai Lilin")).to_be_visible()
    expect(page.locator("footer")).to_contain_text("Open Database License")
    assert_fits_the_screen(page)

    page.get_by_role("link", name="EN", exact=True).click()

    expect(page).to_have_url(live + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main menu")).to_contain_text("Home")
    assert_fits_the_screen(page)

    page.get_by_role("link", name="ID", exact=True).click()
    expect(page).to_have_url(live + "/")


def test_skip_link_leads_to_the_content(live, desktop_page):
    page = desktop_page
    page.goto(live + "/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi halaman")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#main$"))


def test_staff_logs_in_and_reaches_the_admin(live, phone_page, staff_user):
    page = phone_page
    page.goto(live + "/")

    page.get_by_role("link", name="Masuk").click()
    page.get_by_label("Email").fill("meita@contoh.test")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_role("link", name="Akun saya")).to_be_visible()
    page.get_by_role("link", name="Administrasi").click()

    expect(page).to_have_title(re.compile("KIM Portal — Dinkominfo"))
    expect(page.get_by_role("link", name="Kecamatan")).to_be_visible()


def test_signup_with_bad_email_and_short_password_shows_indonesian_errors(live, phone_page):
    page = phone_page
    page.goto(live + "/akun/signup/")

    page.get_by_label("Nama lengkap").fill("Budi Santoso")
    page.get_by_label("Email").fill("budi@desa")
    page.get_by_label("Nomor WhatsApp").fill("0812 3456 7890")
    page.get_by_placeholder("Kata sandi", exact=True).fill("abc")
    page.get_by_label("Kata sandi (lagi)").fill("abc")
    page.get_by_role("button", name="Daftar").click()

    expect(page.get_by_text("Masukkan alamat email yang valid.")).to_be_visible()
    expect(page.get_by_text("Kata sandi terlalu pendek.")).to_be_visible()
    expect(page.get_by_label("Nama lengkap")).to_have_value("Budi Santoso")
    expect(page.get_by_label("Email")).to_have_value("budi@desa")
    expect(page.get_by_label("Nomor WhatsApp")).to_have_value("0812 3456 7890")
    assert_fits_the_screen(page)
    assert not User.objects.exists()


def test_resident_signs_up_and_sees_the_verification_notice(live, phone_page, mailoutbox):
    page = phone_page

    sign_up(page, live, name="Budi Santoso", email="budi@contoh.test", password="Sungai-Lilin-2026")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Verifikasi")
    assert User.objects.get(email="budi@contoh.test").name == "Budi Santoso"
    assert len(mailoutbox) == 1

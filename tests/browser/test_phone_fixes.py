"""What a villager found missing on a phone (issue 13, item 7), at 360 px: the tracking page
one tap away, village cards that lead somewhere, and a search box in the header."""

import re

from playwright.sync_api import expect

from news.services import _refresh_search_vector
from tests.aspirations.conftest import make_submission
from tests.browser.conftest import assert_fits_the_screen
from tests.factories import DistrictFactory, KimFactory, PostFactory, VillageFactory


def test_the_tracking_page_is_in_the_menu_and_on_the_home_page(live, phone_page):
    village = VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))
    submission = make_submission(village)
    page = phone_page

    page.goto(live + "/")
    menu = page.get_by_role("navigation", name="Menu utama")
    menu.get_by_role("link", name="Lacak aspirasi").click()
    expect(page).to_have_url(live + "/aspirasi/lacak/")
    expect(menu.get_by_role("link", name="Lacak aspirasi")).to_have_attribute(
        "aria-current", "page"
    )

    page.goto(live + "/")
    page.get_by_role("main").get_by_role("link", name="Lacak aspirasi Anda").click()
    expect(page).to_have_url(live + "/aspirasi/lacak/")
    page.get_by_label("Kode lacak").fill(submission.code)
    page.get_by_role("button", name="Tampilkan status").click()
    expect(page.get_by_text("Lampu jalan mati")).to_be_visible()
    assert_fits_the_screen(page)


def test_a_village_card_of_a_district_leads_to_the_village(live, phone_page):
    district = DistrictFactory(name="Sekayu")
    bailangu = VillageFactory(name="Bailangu", district=district)
    VillageFactory(name="Balai Agung", district=district, kind="kelurahan")
    kim = KimFactory(name="KIM Bailangu Maju", village=bailangu, district=district)
    PostFactory(title="Posyandu Bailangu buka setiap Selasa", kim=kim)
    page = phone_page

    page.goto(live + district.get_absolute_url())
    cards = page.get_by_role("link", name=re.compile(r"^(Bailangu|Balai Agung) (Desa|Kelurahan)"))
    expect(cards).to_have_count(2)
    for href in [cards.nth(i).get_attribute("href") for i in range(2)]:
        assert page.request.get(live + href).status == 200, href

    page.get_by_role("link", name=re.compile("^Bailangu Desa")).click()

    expect(page).to_have_url(live + bailangu.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Desa Bailangu")
    expect(page.get_by_role("link", name="KIM Bailangu Maju")).to_be_visible()
    expect(page.get_by_role("link", name="Posyandu Bailangu buka setiap Selasa")).to_be_visible()
    assert_fits_the_screen(page)
    page.get_by_role("link", name="Sampaikan aspirasi").click()
    expect(page.get_by_role("combobox", name="Desa")).to_have_value(bailangu.code)


def test_the_header_search_finds_a_post_without_javascript(live, new_context):
    for title in ("Panen raya kopi di Bailangu", "Gotong royong di Sekayu"):
        # Filled as news.services fills it on publishing.
        _refresh_search_vector(PostFactory(title=title))
    context = new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()

    page.goto(live + "/kim/")
    search = page.get_by_role("banner").get_by_role("search")
    search.get_by_label("Cari berita").fill("kopi")
    search.get_by_role("button", name="Cari").click()

    expect(page).to_have_url(re.compile(r"/cari/\?q=kopi$"))
    results = page.get_by_role("main")
    expect(results.get_by_role("link", name="Panen raya kopi di Bailangu")).to_be_visible()
    expect(results.get_by_text("Gotong royong di Sekayu")).to_have_count(0)
    assert_fits_the_screen(page)

import io
import os
import re
from urllib.parse import unquote

from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from aspirations.models import Category, Opd, Submission
from aspirations.services import submission_create
from groups.models import Membership
from tests.browser.conftest import PHONE, assert_fits_the_screen, log_in
from tests.conftest import PASSWORD
from tests.factories import (
    DistrictFactory,
    KimFactory,
    MembershipFactory,
    UserFactory,
    VillageFactory,
)

PHONE_NUMBER = "0812 3456 7890"
EMAIL = "rudi.warga@contoh.test"


def phone(new_context):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def road_photo(tmp_path):
    """A JPEG like a phone's, with a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (2.0, 55.0, 12.0), 3: "E", 4: (103.0, 50.0, 6.0)}
    path = tmp_path / "jalan-rusak.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 90, 60)).save(buffer, format="JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return path


def shot(page, tmp_path, name):
    """A full-page screenshot to look at (ASPIRATION_SHOTS=dir keeps them there)."""
    folder = os.environ.get("ASPIRATION_SHOTS") or str(tmp_path)
    page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def assert_no_contact(html):
    for private in ("0812 3456 7890", "+6281234567890", "081234567890", EMAIL):
        assert private not in html


def test_villager_sends_an_aspiration_kim_and_staff_answer_and_it_is_public(
    live, phone_page, new_context, staff_user, tmp_path
):
    Category.objects.get_or_create(slug="infrastruktur", defaults={"name": "Infrastruktur"})
    sekayu = DistrictFactory(name="Sekayu")
    bailangu = VillageFactory(name="Bailangu", district=sekayu)
    Opd.objects.create(name="Dinas PUPR", email="pupr@mubakab.go.id")
    kim = KimFactory(name="KIM Bailangu", village=bailangu)
    MembershipFactory(
        kim=kim,
        role=Membership.Role.CHAIR,
        user=UserFactory(name="Ani Lestari", email="ani@kim.test"),
    )
    elsewhere = submission_create(
        kind=Submission.Kind.ASPIRATION,
        data={
            "category": Category.objects.get(slug="infrastruktur"),
            "title": "Jembatan desa lain",
            "text": "Jembatan kayu lapuk.",
            "village": VillageFactory(name="Sungai Lilin", district=DistrictFactory()),
            "submitter_name": "Warga lain",
            "submitter_phone": "081399998888",
        },
    )

    # A villager, logged out, sends an aspiration with a photo from the home page.
    page = phone_page
    page.goto(live + "/")
    page.get_by_role("link", name="Sampaikan aspirasi").first.click()
    page.get_by_label("Kategori").select_option(label="Infrastruktur")
    page.get_by_label("Judul").fill("Jalan menuju SD Bailangu rusak parah")
    page.get_by_role("textbox", name="Aspirasi Anda").fill(
        "Jalan tanah dari dusun 3 ke SD berlubang dan licin saat hujan."
    )
    page.get_by_label("Foto (tidak wajib)").set_input_files(str(road_photo(tmp_path)))
    page.get_by_role("combobox", name=re.compile(r"^Desa")).select_option(label="Bailangu")
    page.get_by_label("Nama Anda").fill("Rudi Hartono")
    page.get_by_label("Nomor WhatsApp atau telepon").fill(PHONE_NUMBER)
    page.get_by_role("textbox", name="Email").fill(EMAIL)
    page.get_by_label(re.compile("Saya sudah membaca pemberitahuan privasi")).check()
    assert_fits_the_screen(page)
    shot(page, tmp_path, "1-form")
    page.get_by_role("button", name="Kirim").click()

    expect(page.get_by_role("heading", name="Terima kasih, kiriman Anda terkirim")).to_be_visible()
    code = page.locator("[data-code]").inner_text().strip()
    submission = Submission.objects.get(title="Jalan menuju SD Bailangu rusak parah")
    assert code == submission.display_code
    assert submission.photo.name.endswith(".webp")
    assert any(code in message.body and message.to == [EMAIL] for message in mail.outbox)
    # The code to the villager's own WhatsApp: a chat with their number, holding the code.
    to_self = page.get_by_role("link", name="Kirim kode ke WhatsApp saya")
    expect(to_self).to_have_attribute("href", re.compile(r"^https://wa\.me/6281234567890\?text="))
    assert code in unquote(to_self.get_attribute("href"))
    assert_fits_the_screen(page)
    shot(page, tmp_path, "2-code")
    page.get_by_role("link", name="Pantau sekarang").click()
    expect(page.get_by_text("Diterima", exact=True)).to_be_visible()

    # The manager of the village's KIM sees it, but not another village's submission.
    manager_page = phone(new_context)
    log_in(manager_page, live, "ani@kim.test", PASSWORD)
    manager_page.goto(live + "/aspirasi/kelola/")
    expect(
        manager_page.get_by_role("link", name="Jalan menuju SD Bailangu rusak parah")
    ).to_be_visible()
    expect(manager_page.get_by_text("Jembatan desa lain")).to_have_count(0)
    assert_fits_the_screen(manager_page)
    response = manager_page.goto(live + f"/aspirasi/kelola/{elsewhere.pk}/")
    assert response.status == 404

    # Staff see it too, forward it to an office and answer it.
    staff_page = phone(new_context)
    log_in(staff_page, live, staff_user.email, PASSWORD)
    staff_page.goto(live + "/aspirasi/kelola/")
    expect(staff_page.get_by_text("Jembatan desa lain")).to_be_visible()
    staff_page.get_by_role("link", name="Jalan menuju SD Bailangu rusak parah").click()
    staff_page.get_by_label("OPD tujuan penerusan").select_option(label="Dinas PUPR")
    staff_page.get_by_role("button", name="Teruskan", exact=True).click()
    expect(
        staff_page.get_by_text("Tersimpan: kiriman kini berstatus “Diteruskan”.")
    ).to_be_visible()
    [to_office] = [m for m in mail.outbox if m.to == ["pupr@mubakab.go.id"]]
    assert PHONE_NUMBER.replace(" ", "")[-6:] not in to_office.body.replace(" ", "")
    staff_page.get_by_label("Tanggapan publik").fill(
        "Dinas PUPR menjadwalkan penimbunan jalan ini pekan depan."
    )
    staff_page.get_by_role("button", name="Terbitkan tanggapan").click()
    expect(
        staff_page.get_by_text("Tersimpan: kiriman kini berstatus “Ditanggapi”.")
    ).to_be_visible()
    assert_fits_the_screen(staff_page)
    shot(staff_page, tmp_path, "3-staff")

    # The villager's tracking page and the public list show the answer, and no contact.
    page.goto(live + "/aspirasi/lacak/")
    page.get_by_label("Kode lacak").fill(code.lower())
    page.get_by_role("button", name="Tampilkan status").click()
    expect(
        page.get_by_text("Dinas PUPR menjadwalkan penimbunan jalan ini pekan depan.")
    ).to_be_visible()
    expect(page.get_by_text("Ditanggapi", exact=True)).to_be_visible()
    assert_no_contact(page.content())
    assert_fits_the_screen(page)
    shot(page, tmp_path, "4-track")

    page.goto(live + "/aspirasi/")
    expect(
        page.get_by_text("Dinas PUPR menjadwalkan penimbunan jalan ini pekan depan.")
    ).to_be_visible()
    assert_no_contact(page.content())
    assert_fits_the_screen(page)
    shot(page, tmp_path, "5-list")
    page.get_by_role("link", name="Baca selengkapnya").first.click()
    expect(page.get_by_role("heading", name="Jalan menuju SD Bailangu rusak parah")).to_be_visible()
    expect(page.get_by_text("Dikirim oleh Rudi Hartono")).to_be_visible()
    assert_no_contact(page.content())
    assert_fits_the_screen(page)
    shot(page, tmp_path, "6-detail")


def test_resident_reports_a_hoax_from_a_fact_check_and_staff_answer_with_it(
    live, phone_page, new_context, staff_user, tmp_path
):
    from news.models import Category as NewsCategory
    from news.models import Post
    from tests.factories import PostFactory

    NewsCategory.objects.get_or_create(slug="pemerintahan", defaults={"name": "Pemerintahan"})
    village = VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))
    fact_check = PostFactory(
        kim=None,
        author=staff_user,
        district=village.district,
        village=village,
        kind=Post.Kind.FACT_CHECK,
        title="Cek fakta: bantuan tunai lewat tautan",
        claim="Isi data di tautan dapat bantuan Rp1,5 juta",
        claim_source="Grup WhatsApp",
        verdict=Post.Verdict.HOAX,
        category=NewsCategory.objects.get(slug="pemerintahan"),
    )
    UserFactory(name="Siti Aminah", email="siti@warga.test", phone="+6281311112222")

    page = phone_page
    log_in(page, live, "siti@warga.test", PASSWORD)
    page.goto(live + fact_check.get_absolute_url())
    page.get_by_role("link", name="Laporkan hoaks").click()
    expect(page.get_by_role("textbox", name=re.compile("^Nama Anda"))).to_have_value("Siti Aminah")
    expect(page.get_by_role("combobox", name=re.compile(r"^Desa"))).to_have_value(village.code)
    page.get_by_role("textbox", name=re.compile("^Pesan yang Anda terima")).fill(
        "Katanya isi data di tautan ini dapat bantuan Rp1,5 juta."
    )
    page.get_by_role("combobox", name=re.compile("^Beredar di mana")).fill("Grup WhatsApp RT 02")
    page.get_by_label(re.compile("Saya sudah membaca pemberitahuan privasi")).check()
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Kirim").click()
    code = page.locator("[data-code]").inner_text().strip()
    report = Submission.objects.get(kind="hoaks")
    assert report.submitter.email == "siti@warga.test" and code == report.display_code

    staff_page = phone(new_context)
    log_in(staff_page, live, staff_user.email, PASSWORD)
    staff_page.goto(live + "/aspirasi/kelola/?jenis=hoaks")
    staff_page.get_by_role("link", name=re.compile("Dugaan hoaks")).click()
    staff_page.get_by_label("Tanggapan publik").fill("Pesan ini hoaks.")
    staff_page.get_by_label("Cek fakta yang menjawabnya").select_option(label=fact_check.title)
    staff_page.get_by_role("button", name="Terbitkan tanggapan").click()
    expect(
        staff_page.get_by_text("Tersimpan: kiriman kini berstatus “Ditanggapi”.")
    ).to_be_visible()

    page.goto(live + f"/aspirasi/lacak/?kode={code}")
    expect(page.get_by_role("link", name=re.compile("Baca cek fakta"))).to_have_attribute(
        "href", fact_check.get_absolute_url()
    )
    page.goto(live + "/aspirasi/?jenis=hoaks")
    expect(page.get_by_text("Pesan ini hoaks.")).to_be_visible()
    html = page.content()
    assert "siti@warga.test" not in html and "81311112222" not in html
    shot(page, tmp_path, "7-hoax-list")


def test_a_pasted_link_does_not_make_the_pages_scroll_sideways(live, phone_page, staff_user):
    """Hoax messages come with long links, and people type words without spaces: the public
    page, the queue and the handling page still fit a 360 px phone."""
    from aspirations.services import submission_answer

    Category.objects.get_or_create(slug="infrastruktur", defaults={"name": "Infrastruktur"})
    village = VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))
    link = "https://bit.ly/" + "bantuan-tunai-" * 12
    submission = submission_create(
        kind=Submission.Kind.HOAX,
        data={
            "text": f"Klik {link} untuk dapat bantuan",
            "link": link,
            "circulated_on": "GrupWhatsAppWargaDusunTigaBailanguSekayuMusiBanyuasin",
            "village": village,
            "submitter_name": "Rudi",
            "submitter_phone": PHONE_NUMBER,
        },
    )
    submission_answer(submission=submission, actor=staff_user, answer=f"Hoaks: {link}")

    phone_page.goto(live + submission.get_absolute_url())
    expect(phone_page.get_by_text("Klik https://bit.ly/")).to_be_visible()
    assert_fits_the_screen(phone_page)

    log_in(phone_page, live, staff_user.email, PASSWORD)
    phone_page.goto(live + "/aspirasi/kelola/")
    expect(phone_page.get_by_text("Klik https://bit.ly/")).to_be_visible()
    assert_fits_the_screen(phone_page)
    phone_page.goto(live + f"/aspirasi/kelola/{submission.pk}/")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    assert_fits_the_screen(phone_page)


def test_a_photo_over_the_limit_is_refused_before_it_is_sent(live, phone_page, tmp_path):
    """On slow data, a 9 MB photo would take minutes to send only to be refused: the phone
    says so as soon as it is chosen, and the file is not sent."""
    village = VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))
    big = tmp_path / "besar.jpg"
    big.write_bytes(b"\xff\xd8" + os.urandom(9 * 1024 * 1024))

    phone_page.goto(live + f"/aspirasi/kirim/?desa={village.code}")
    phone_page.locator("input[type=file]").set_input_files(str(big))

    expect(phone_page.get_by_role("alert")).to_have_text("Ukuran berkas lebih dari 8 MB.")
    assert phone_page.locator("input[type=file]").evaluate("input => input.files.length") == 0


def test_an_office_answers_a_forwarded_submission_through_its_link(
    live, new_context, staff_user, django_capture_on_commit_callbacks
):
    from aspirations.services import opd_answer_token, submission_forward

    Category.objects.get_or_create(slug="infrastruktur", defaults={"name": "Infrastruktur"})
    village = VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))
    pupr = Opd.objects.create(name="Dinas PUPR", email="pupr@mubakab.go.id")
    submission = submission_create(
        kind=Submission.Kind.ASPIRATION,
        data={
            "category": Category.objects.get(slug="infrastruktur"),
            "title": "Lampu jalan mati",
            "text": "Lampu di simpang pasar mati sebulan.",
            "village": village,
            "submitter_name": "Rudi",
            "submitter_phone": PHONE_NUMBER,
            "submitter_email": EMAIL,
        },
    )
    submission_forward(submission=submission, actor=staff_user, opd=pupr)
    link = live + f"/aspirasi/opd/{opd_answer_token(submission=submission, opd=pupr)}/"

    office = phone(new_context)
    office.goto(link)
    expect(office.get_by_role("heading", name="Lampu jalan mati")).to_be_visible()
    assert "0812" not in office.content() and EMAIL not in office.content()
    office.get_by_label("Tanggapan kantor Anda").fill("Lampu diganti pekan depan.")
    office.get_by_role("button", name="Terbitkan tanggapan").click()
    expect(office.get_by_text("Terima kasih: tanggapan sudah tayang")).to_be_visible()
    assert_fits_the_screen(office)

    submission.refresh_from_db()
    assert submission.answered_by_opd == pupr and submission.answer == "Lampu diganti pekan depan."
    office.goto(live + submission.get_absolute_url())
    expect(office.get_by_text("Tanggapan dari Dinas PUPR")).to_be_visible()

"""Sending an aspiration or a hoax report without an account: the form, photos, the code,
privacy, and the defences against abuse."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from aspirations.models import Category, Submission
from aspirations.services import CODE_ALPHABET
from aspirations.views.public import SENT_SESSION_KEY, SENT_SHOWN_FOR
from tests.aspirations.conftest import aspiration_data, indonesian, jpeg, send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def test_the_categories_are_seeded_and_staff_may_edit_them():
    assert list(Category.objects.values_list("name", flat=True)) == [
        "Infrastruktur",
        "Layanan publik",
        "Kesehatan",
        "Pendidikan",
        "Ekonomi",
        "Keamanan",
        "Lainnya",
    ]


def test_a_villager_sends_an_aspiration_and_sees_the_code_for_an_hour(
    client, village, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, village, category)

    submission = Submission.objects.get()
    assert response.status_code == 302 and response.url == reverse("aspirations:sent")
    assert submission.kind == "aspirasi" and submission.status == "diterima"
    assert submission.village == village and submission.district == village.district
    assert submission.title == "Jalan menuju sekolah rusak"
    assert submission.submitter_phone == "+6281234567890"
    assert submission.submitter is None
    assert len(submission.code) == 10 and set(submission.code) <= set(CODE_ALPHABET)
    assert submission.changes.get().to_status == "diterima"
    sent = client.get(response.url)
    assert submission.display_code in sent.content.decode()
    assert sent["Cache-Control"] == "private, no-store"
    # A cheap phone reloads the tab it left in the background: the code is still there.
    again = client.get(response.url).content.decode()
    assert submission.display_code in again
    session = client.session
    session[SENT_SESSION_KEY]["at"] -= SENT_SHOWN_FOR + 1
    session.save()
    an_hour_later = client.get(response.url).content.decode()
    assert submission.display_code not in an_hour_later
    assert submission.display_code not in Client().get(response.url).content.decode()
    # The code goes to the sender's email; nothing about the contact goes to the handlers.
    to_sender = [m for m in mail.outbox if m.to == ["rudi@warga.test"]]
    assert len(to_sender) == 1 and submission.display_code in to_sender[0].body


def test_the_code_page_names_only_the_kims_that_were_told(client, village, category):
    """Many villages have no KIM of their own: the page does not claim one was told."""
    from tests.factories import KimFactory

    def sent_page():
        response = send(client, village, category, text=f"Usulan {Submission.objects.count()}.")
        return client.get(response.url).content.decode()

    assert "Dinkominfo sudah diberi tahu." in sent_page()
    KimFactory(name="KIM Kecamatan Sekayu", village=None, district=village.district)
    assert "Dinkominfo dan KIM Kecamatan Sekayu sudah diberi tahu." in sent_page()
    KimFactory(name="KIM Bailangu", village=village)
    assert "KIM Bailangu dan Dinkominfo sudah diberi tahu." in sent_page()


def test_codes_are_unguessable_and_never_ambiguous(village):
    from aspirations.services import code_generate, code_normalise

    codes = {code_generate() for _ in range(300)}
    assert len(codes) == 300
    assert not set("".join(codes)) & set("01OIL")
    assert code_normalise(" abcde-23456 ") == "ABCDE23456"


def test_a_hoax_report_with_a_screenshot(client, village):
    response = client.post(
        reverse("aspirations:report-hoax"),
        {
            "text": "Pesan berantai: isi data di tautan ini untuk bantuan Rp1,5 juta.",
            "link": "https://bantuan-palsu.example/daftar",
            "circulated_on": "Grup WhatsApp RT 02",
            "photo": jpeg(name="tangkapan.png"),
            "village": village.code,
            "submitter_name": "Ani",
            "submitter_email": "ani@warga.test",
            "accept_privacy": "on",
        },
    )

    submission = Submission.objects.get()
    assert response.status_code == 302
    assert submission.kind == "hoaks" and submission.category is None
    assert submission.circulated_on == "Grup WhatsApp RT 02"
    assert submission.link == "https://bantuan-palsu.example/daftar"
    assert submission.photo and submission.submitter_phone == ""


def test_the_photo_is_stored_as_webp_renditions_without_metadata(client, village, category):
    send(client, village, category, photo=jpeg(gps=True))

    submission = Submission.objects.get()
    for field, width in [(submission.photo_480, 480), (submission.photo, 1280)]:
        with Image.open(field.path) as image:
            assert image.format == "WEBP" and image.width == width
            assert not image.getexif() and "exif" not in image.info
        assert b"PhoneMaker" not in field.read()
    assert "jalan" not in submission.photo.name


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("foto.jpg", b"bukan foto " * 100),
            "Berkas ini bukan gambar yang sah.",
        ),
        (
            lambda: SimpleUploadedFile("besar.jpg", jpeg().read() + b"\0" * (9 * MB)),
            "Ukuran berkas lebih dari 8 MB.",
        ),
    ],
    ids=["not-an-image", "too-large"],
)
def test_a_bad_photo_is_refused_in_indonesian_and_the_text_is_kept(
    client, village, category, upload, message
):
    response = send(client, village, category, photo=upload())

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert indonesian("Choose another photo. Everything else you typed is kept.") in html
    assert "Jalan tanah dari dusun 3 ke SD berlubang" in html
    assert 'value="Jalan menuju sekolah rusak"' in html
    assert not Submission.objects.exists()


def test_a_decompression_bomb_is_refused(client, village, category):
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    bomb = SimpleUploadedFile("peta.png", buffer.getvalue(), content_type="image/png")

    response = send(client, village, category, photo=bomb)

    assert "Resolusi gambar terlalu besar (paling banyak 40 megapiksel)." in (
        response.content.decode()
    )
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        (
            {"submitter_phone": "", "submitter_email": ""},
            "Give a phone number or an email address.",
        ),
        ({"accept_privacy": None}, "Please read and accept the privacy notice."),
        ({"village": "99.99.99.9999"}, None),
        ({"text": "x" * 3001}, None),
    ],
    ids=["no-contact", "privacy-not-accepted", "village-outside-area", "text-too-long"],
)
def test_incomplete_forms_are_refused_and_keep_the_typing(
    client, village, category, overrides, field_message
):
    response = send(client, village, category, **overrides)

    html = response.content.decode()
    assert response.status_code == 200
    if field_message:
        assert indonesian(field_message) in html
    assert 'value="Jalan menuju sekolah rusak"' in html
    assert not Submission.objects.exists()


@pytest.mark.parametrize("url_name", ["submit", "report-hoax"])
def test_a_text_too_long_is_refused_with_a_message_and_kept_whole(
    client, village, category, url_name
):
    """A browser would cut a pasted text at ``maxlength`` without a word; the form says how
    long it may be instead, and gives the whole text back to shorten."""
    from aspirations.forms import TEXT_MAX

    form_page = client.get(reverse(f"aspirations:{url_name}")).content.decode()
    textarea = form_page.split('<textarea name="text"', 1)[1].split(">", 1)[0]
    assert "maxlength" not in textarea

    long_text = "Pesan berantai panjang. " * 150
    data = aspiration_data(village, category, text=long_text, circulated_on="Facebook")
    response = client.post(reverse(f"aspirations:{url_name}"), data)

    html = response.content.decode()
    assert f"paling banyak {TEXT_MAX} karakter" in html
    assert long_text.strip() in html
    assert not Submission.objects.exists()


def test_the_honeypot_refuses_bots(client, village, category):
    response = send(client, village, category, website="http://spam.example")

    assert response.status_code == 200
    assert indonesian("This submission cannot be accepted.") in response.content.decode()
    assert not Submission.objects.exists()


def test_the_honeypot_message_is_above_the_form_not_on_the_hidden_field(client, village, category):
    """A browser that autofills the hidden field would leave a person with an error on a field
    they cannot see: the message is in the alert at the top, which points to no red field."""
    html = send(client, village, category, website="http://spam.example").content.decode()

    alert = html.split('<div class="alert alert-danger" role="alert">', 1)[1].split("</div>\n")[0]
    assert indonesian("This submission cannot be accepted.") in alert
    assert (
        indonesian("Nothing was sent yet. Please check the fields marked in red below.") not in html
    )
    assert "is-invalid" not in html


def test_a_refusal_of_the_whole_form_does_not_point_to_fields_marked_in_red(
    client, village, category, settings
):
    settings.PORTAL_ASPIRATION_LIMITS = {"address": (1, 600)}
    send(client, village, category)

    html = send(client, village, category, text="Usulan lain.").content.decode()

    assert indonesian("Nothing was sent yet.") in html
    assert (
        indonesian("Nothing was sent yet. Please check the fields marked in red below.") not in html
    )


def test_the_same_text_from_the_same_contact_within_a_day_is_a_duplicate(client, village, category):
    send(client, village, category)
    response = send(
        client,
        village,
        category,
        submitter_email="",
        text="  JALAN tanah dari dusun 3 ke SD berlubang dan licin saat hujan. ",
    )
    different = send(client, village, category, text="Jembatan kayu di dusun 2 lapuk.")

    assert "Anda sudah mengirim tulisan yang sama hari ini." in response.content.decode()
    assert Submission.objects.count() == 2
    assert different.status_code == 302


def test_the_text_is_stored_plain_and_always_shown_escaped(client, village, category, staff_user):
    send(client, village, category, title="<b>Jalan</b>", text='<script>alert("x")</script>\x07')

    submission = Submission.objects.get()
    assert submission.text == '<script>alert("x")</script>'
    html = Client()
    html.force_login(staff_user)
    page = html.get(reverse("aspirations:handle-detail", args=[submission.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "&lt;b&gt;Jalan&lt;/b&gt;" in page


def test_a_logged_in_resident_finds_the_form_filled_in(client_as, village):
    resident = UserFactory(name="Dewi Lestari", email="dewi@warga.test", phone="+6281311112222")

    html = client_as(resident).get(reverse("aspirations:submit")).content.decode()

    assert 'value="Dewi Lestari"' in html and 'value="dewi@warga.test"' in html
    assert 'value="+6281311112222"' in html


def test_the_village_can_be_chosen_by_a_link(client, village):
    html = client.get(reverse("aspirations:report-hoax") + f"?desa={village.code}").content.decode()

    assert f'<option value="{village.code}" selected>' in html


@pytest.mark.parametrize(
    ("url_name", "other_kind"), [("submit", "report-hoax"), ("report-hoax", "submit")]
)
def test_a_form_sent_back_links_to_the_chosen_village_not_the_one_of_its_address(
    client, village, url_name, other_kind
):
    """Opened from another village's page, then the villager picks their own village: the
    language switch and the link to the other kind carry the village on the page."""
    from tests.factories import VillageFactory

    linked = VillageFactory(name="Kayuara", district=village.district)
    path = reverse(f"aspirations:{url_name}")

    html = client.post(
        f"{path}?desa={linked.code}", {"village": village.code, "submitter_name": "Rudi"}
    ).content.decode()

    assert f'<option value="{village.code}" selected>' in html
    assert f'href="/en{path}?desa={village.code}"' in html
    assert f'href="{reverse(f"aspirations:{other_kind}")}?desa={village.code}"' in html
    assert f'?desa={linked.code}"' not in html


def test_the_privacy_notice_names_everyone_who_sees_the_contact(client, village):
    """The managers of the district KIM handle the district's villages too, so they see the
    phone number and email: the notice says so."""
    html = client.get(reverse("aspirations:submit")).content.decode()

    assert "staf Dinkominfo dan pengurus KIM desa dan KIM kecamatan Anda" in html


def test_the_form_is_csrf_protected(village, category):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("aspirations:submit"), aspiration_data(village, category))

    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_a_second_tap_on_send_shows_the_code_of_the_first_instead_of_a_duplicate_error(
    client, village, category
):
    """On a slow line the phone drops the first answer when "Send" is tapped again: the
    villager gets the code of what was saved, not "you already sent this"."""
    send(client, village, category)  # its answer never reaches the phone

    again = send(client, village, category)

    assert again.status_code == 302 and again.url == reverse("aspirations:sent")
    submission = Submission.objects.get()
    assert submission.display_code in client.get(again.url).content.decode()
    after_seeing_the_code = send(client, village, category)
    assert after_seeing_the_code.url == reverse("aspirations:sent")
    assert Submission.objects.count() == 1


def test_a_burst_of_20_from_one_address_is_cut_off_after_the_limit(client, village, category):
    responses = [
        send(
            client,
            village,
            category,
            title=f"Usulan nomor {number}",
            text=f"Isi usulan warga nomor {number} tentang jalan desa.",
            submitter_phone=f"08127000{number:04d}",
            submitter_email=f"warga{number}@warga.test",
        )
        for number in range(20)
    ]

    statuses = [response.status_code for response in responses]
    assert statuses == [302] * 10 + [429] * 10
    refused = responses[-1].content.decode()
    assert "Terlalu banyak kiriman" in refused
    assert "Isi usulan warga nomor 19 tentang jalan desa." in refused
    assert 'value="Usulan nomor 19"' in refused
    stored = Submission.objects.order_by("id")
    assert [s.title for s in stored] == [f"Usulan nomor {n}" for n in range(10)]
    assert [s.text for s in stored] == [
        f"Isi usulan warga nomor {n} tentang jalan desa." for n in range(10)
    ]
    assert [s.submitter_email for s in stored] == [f"warga{n}@warga.test" for n in range(10)]
    assert all(s.changes.count() == 1 for s in stored)


def test_a_burst_sent_all_at_once_is_cut_off_at_the_limit_too(
    client, village, category, monkeypatch
):
    """Submissions that arrive while the first one is still being saved (a burst sent in
    parallel) count against the same limit: ten get through, not eleven."""
    from aspirations.views import public

    real_create = public.submission_create
    arriving_meanwhile = []

    def create_while_others_arrive(**kwargs):
        if not arriving_meanwhile:
            arriving_meanwhile.append(None)
            for number in range(10):
                arriving_meanwhile.append(
                    send(
                        Client(),
                        village,
                        category,
                        text=f"Usulan yang datang bersamaan nomor {number}.",
                        submitter_phone=f"08127200{number:04d}",
                        submitter_email=f"bersamaan{number}@warga.test",
                    ).status_code
                )
        return real_create(**kwargs)

    monkeypatch.setattr(public, "submission_create", create_while_others_arrive)

    first = send(client, village, category).status_code

    assert [first, *arriving_meanwhile[1:]] == [302] + [302] * 9 + [429]
    assert Submission.objects.count() == 10


def test_a_refused_submission_does_not_use_up_the_limit(village, category):
    client = Client()
    for number in range(9):
        send(
            client,
            village,
            category,
            text=f"Usulan nomor {number}.",
            submitter_phone=f"08127300{number:04d}",
            submitter_email=f"w{number}@warga.test",
        )
    duplicates = [
        send(
            client,
            village,
            category,
            text="Usulan nomor 0.",
            submitter_phone="081273000000",
            submitter_email="w0@warga.test",
        ).status_code
        for _ in range(3)
    ]

    last = send(client, village, category, text="Usulan terakhir.", submitter_email="").status_code

    assert duplicates == [200] * 3
    assert last == 302
    assert Submission.objects.count() == 10


def test_one_contact_is_limited_even_from_many_addresses(village, category):
    statuses = []
    for number in range(7):
        client = Client(REMOTE_ADDR=f"10.0.0.{number + 1}")
        statuses.append(
            send(client, village, category, text=f"Usulan berbeda nomor {number}.").status_code
        )

    assert statuses == [302] * 5 + [429] * 2
    assert Submission.objects.count() == 5


def test_behind_a_proxy_each_villager_has_their_own_address_limit(settings, village, category):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="127.0.0.1")

    def send_from(address, number):
        return proxy.post(
            reverse("aspirations:submit"),
            aspiration_data(
                village,
                category,
                text=f"Usulan nomor {number} dari {address}.",
                submitter_phone=f"08127100{number:04d}",
                submitter_email=f"w{number}@warga.test",
            ),
            HTTP_X_FORWARDED_FOR=address,
        )

    first = [send_from("36.68.1.1", n).status_code for n in range(11)]
    second = send_from("36.68.2.2", 99).status_code

    assert first == [302] * 10 + [429]
    assert second == 302


def test_the_service_refuses_a_village_outside_the_area(db):
    from django.core.exceptions import ValidationError

    from aspirations.services import submission_create
    from tests.factories import DistrictFactory, RegencyFactory, VillageFactory

    outside = VillageFactory(district=DistrictFactory(regency=RegencyFactory(code="16.07")))

    with pytest.raises(ValidationError) as error:
        submission_create(
            kind="hoaks",
            data={
                "text": "Kabar bohong",
                "circulated_on": "Facebook",
                "village": outside,
                "submitter_name": "Ani",
                "submitter_email": "ani@warga.test",
            },
        )

    assert "village" in error.value.error_dict
    assert not Submission.objects.exists()


def test_a_logged_in_sender_lists_their_own_submissions_and_nobody_elses(
    client, client_as, village, category, django_assert_max_num_queries
):
    siti = UserFactory(name="Siti Rahmawati")
    mine = client_as(siti)
    for n in range(3):
        send(mine, village, category, text=f"Usulan Siti nomor {n}.")
    send(client, village, category, text="Usulan tanpa akun.")
    others = UserFactory()
    send(client_as(others), village, category, text="Usulan orang lain.")

    with django_assert_max_num_queries(8):
        page = mine.get(reverse("aspirations:mine"))

    listed = page.context["submissions"]
    assert [s.text for s in listed] == [f"Usulan Siti nomor {n}." for n in (2, 1, 0)]
    html = page.content.decode()
    assert all(s.display_code in html for s in listed)
    assert f'href="/aspirasi/lacak/?kode={listed[0].code}"' in html
    assert 'href="/aspirasi/saya/"' in mine.get(reverse("accounts:dashboard")).content.decode()
    assert client.get(reverse("aspirations:mine")).status_code == 302

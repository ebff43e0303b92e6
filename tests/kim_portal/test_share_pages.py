"""Sharing on WhatsApp: each page's message, its no-JavaScript page, short links, link-preview
tags and the generated cards, and the tracking code sent to the sender's own WhatsApp."""

import io
import re
import uuid
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import int_to_base36
from PIL import Image

from aspirations.models import Submission
from aspirations.services import submission_answer
from core import share_cards
from core.sharing import short_code
from groups.models import Kim
from news.models import Post
from news.services import photo_add
from tests.aspirations.conftest import aspiration_data, make_submission
from tests.factories import DistrictFactory, KimFactory, PostFactory, VillageFactory
from tests.trainings.factories import TrainingFactory
from trainings.models import Training

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db):
    from aspirations.models import Category

    return Category.objects.get(slug="infrastruktur")


@pytest.fixture
def kim(db):
    village = VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))
    return KimFactory(name="KIM Bailangu", village=village)


def fact_check(kim, **overrides):
    fields = {
        "kind": Post.Kind.FACT_CHECK,
        "title": "Bantuan tunai lewat tautan",
        "lead": "Dinas Sosial membantah pesan berantai itu.",
        "claim": "Warga dapat Rp 5 juta dengan mengisi tautan ini.",
        "verdict": Post.Verdict.HOAX,
    }
    return PostFactory(kim=kim, **{**fields, **overrides})


def answered(village, staff_user, **overrides):
    submission = make_submission(village, **overrides)
    submission_answer(submission=submission, actor=staff_user, answer="Lampu diganti Senin.")
    submission.refresh_from_db()
    return submission


def whatsapp_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["whatsapp_text"]


def meta(html: str, name: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', html)
    return found.group(1) if found else None


def short(obj, letter, language=""):
    prefix = f"{language}/" if language else ""
    return f"http://testserver/s/{prefix}{letter}{int_to_base36(obj.pk)}"


# --- The messages ------------------------------------------------------------------------------


def test_a_post_message_is_bold_title_lead_source_and_short_link(client, kim):
    post = PostFactory(kim=kim, title="Panen raya", lead="Warga memanen 20 ton padi.")

    text = whatsapp_text(client, reverse("news:post-whatsapp", args=[post.slug]))

    assert text == (
        "*Panen raya*\n\nWarga memanen 20 ton padi.\nKIM Bailangu · Kecamatan Sekayu\n\n"
        + short(post, "p")
    )


def test_a_fact_check_message_says_the_claim_and_the_verdict_in_words(client, kim):
    post = fact_check(kim)

    text = whatsapp_text(client, reverse("news:post-whatsapp", args=[post.slug]))

    assert text == (
        "*Bantuan tunai lewat tautan*\n\n"
        "Klaim: Warga dapat Rp 5 juta dengan mengisi tautan ini.\n"
        "❌ Hasil: HOAKS\n"
        "Dinas Sosial membantah pesan berantai itu.\n"
        "KIM Bailangu · Kecamatan Sekayu\n\n" + short(post, "p")
    )
    fact = fact_check(kim, verdict=Post.Verdict.FACT)
    assert "✅ Hasil: FAKTA" in whatsapp_text(client, f"/berita/{fact.slug}/whatsapp/")


def test_a_message_stays_within_700_characters_and_has_no_entities(client, kim):
    post = fact_check(
        kim,
        title='Jalan & jembatan <baru> "selesai" ' * 3,
        lead="Dibangun cepat & rapi. " * 20,
        claim="Klaim panjang & berulang. " * 80,
        body="Isi berita yang sangat panjang. " * 160,
    )
    assert len(post.body) > 5000

    text = whatsapp_text(client, reverse("news:post-whatsapp", args=[post.slug]))

    assert len(text) <= 700
    assert text.startswith('*Jalan & jembatan "selesai" Jalan')
    assert "❌ Hasil: HOAKS" in text and text.endswith("\n\n" + short(post, "p"))
    assert "&amp;" not in text and "&quot;" not in text and "&lt;" not in text


def test_a_training_message_gives_its_dates_and_place_in_indonesian(client):
    training = TrainingFactory(
        title="Pelatihan Jurnalistik Warga",
        start_date=date(2026, 12, 10),
        end_date=date(2026, 12, 11),
        description="Menulis berita untuk KIM.\n\nMembawa laptop.",
    )

    text = whatsapp_text(client, reverse("trainings:training-whatsapp", args=[training.slug]))

    assert text == (
        "*Pelatihan Jurnalistik Warga*\n\n"
        "📅 10–11 Desember 2026\n"
        "📍 Aula Pusat Belajar Guru, Jl. Kolonel Wahid Udin, Sekayu\n"
        "Menulis berita untuk KIM.\n\n" + short(training, "t")
    )


def test_a_cancelled_training_message_says_so(client):
    training = TrainingFactory(status=Training.Status.CANCELLED)

    text = whatsapp_text(client, reverse("trainings:training-whatsapp", args=[training.slug]))

    assert "\nDIBATALKAN\n" in text


def test_an_answered_aspiration_message_gives_the_question_and_who_answered(
    client, kim, staff_user
):
    submission = answered(kim.village, staff_user, text="Lampu jalan di simpang pasar mati.")

    text = whatsapp_text(client, reverse("aspirations:public-whatsapp", args=[submission.pk]))

    assert text == (
        "*Lampu jalan mati*\n\n"
        "Aspirasi · Bailangu · Kecamatan Sekayu\n"
        "Lampu jalan di simpang pasar mati.\n"
        "Tanggapan dari Dinkominfo: Lampu diganti Senin.\n\n" + short(submission, "a")
    )
    assert "081298765432" not in text and "Sari" not in text


def test_the_message_is_in_the_language_of_the_page(client, kim):
    post = fact_check(kim)

    text = whatsapp_text(client, f"/en/berita/{post.slug}/whatsapp/")

    assert "Claim: Warga dapat" in text and "❌ Verdict: HOAX" in text
    assert "District Sekayu" in text and text.endswith(short(post, "p", "en"))


def test_the_detail_pages_share_the_same_text(client, kim, staff_user):
    post = PostFactory(kim=kim)
    training = TrainingFactory()
    submission = answered(kim.village, staff_user)
    for page, whatsapp_page in [
        (post.get_absolute_url(), f"{post.get_absolute_url()}whatsapp/"),
        (training.get_absolute_url(), f"{training.get_absolute_url()}whatsapp/"),
        (submission.get_absolute_url(), f"{submission.get_absolute_url()}whatsapp/"),
    ]:
        response = client.get(page)
        html = response.content.decode()
        text = whatsapp_text(client, whatsapp_page)
        share = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', html).group(1)
        assert parse_qs(urlsplit(share.replace("&amp;", "&")).query)["text"] == [text]
        assert f'href="{whatsapp_page}"' in html  # the page without JavaScript
        assert f'data-copy-text="{escape(text)}"' in html  # what the copy button copies


def test_the_whatsapp_page_shows_the_text_in_a_textarea(client, kim):
    post = PostFactory(kim=kim, title="Panen & syukuran")

    html = client.get(reverse("news:post-whatsapp", args=[post.slug])).content.decode()

    assert re.search(
        r'<textarea id="whatsapp-text-page"[^>]*readonly>\*Panen &amp; syukuran\*', html
    )
    assert 'href="https://wa.me/?text=' in html and '<meta name="robots" content="noindex">' in html


def test_no_whatsapp_page_for_what_is_not_public(client, kim, staff_user):
    draft = PostFactory(kim=kim, status=Post.Status.DRAFT, published_at=None)
    client.force_login(staff_user)  # even staff, who may see the draft itself
    assert client.get(reverse("news:post-whatsapp", args=[draft.slug])).status_code == 404
    training = TrainingFactory(status=Training.Status.DRAFT)
    assert client.get(f"/pelatihan/{training.slug}/whatsapp/").status_code == 404
    private = answered(kim.village, staff_user)
    Submission.objects.filter(pk=private.pk).update(is_private=True)
    assert client.get(f"/aspirasi/{private.pk}/whatsapp/").status_code == 404


# --- Short links -------------------------------------------------------------------------------


def test_short_links_lead_to_public_pages(client, kim, staff_user):
    post = PostFactory(kim=kim)
    training = TrainingFactory()
    submission = answered(kim.village, staff_user)
    for obj, letter in [(post, "p"), (training, "t"), (submission, "a"), (kim, "k")]:
        response = client.get(f"/s/{letter}{int_to_base36(obj.pk)}")
        assert response.status_code == 302 and response["Location"] == obj.get_absolute_url()
    english = client.get(f"/s/en/p{int_to_base36(post.pk)}")
    assert english["Location"] == f"/en/berita/{post.slug}/"


def test_short_links_of_what_is_not_public_are_404(client, kim, staff_user):
    draft = PostFactory(kim=kim, status=Post.Status.DRAFT, published_at=None)
    returned = PostFactory(kim=kim, status=Post.Status.RETURNED, published_at=None)
    training = TrainingFactory(status=Training.Status.DRAFT)
    open_submission = make_submission(kim.village)
    private = answered(kim.village, staff_user, is_private=True)
    proposed = KimFactory(status=Kim.Status.PROPOSED)
    paths = [
        f"/s/p{int_to_base36(draft.pk)}",
        f"/s/p{int_to_base36(returned.pk)}",
        f"/s/t{int_to_base36(training.pk)}",
        f"/s/a{int_to_base36(open_submission.pk)}",
        f"/s/a{int_to_base36(private.pk)}",
        f"/s/k{int_to_base36(proposed.pk)}",
        "/s/x1",
        "/s/p",
        "/s/P1",
        "/s/id/p1",
        "/s/fr/p1",
    ]
    client.force_login(staff_user)
    for path in paths:
        assert client.get(path).status_code == 404, path


# --- Link previews -----------------------------------------------------------------------------


def test_every_shareable_page_has_absolute_preview_tags(client, kim, staff_user):
    post = PostFactory(kim=kim)
    check = fact_check(kim)
    training = TrainingFactory()
    submission = answered(kim.village, staff_user)
    for obj in (post, check, training, submission, kim):
        url = obj.get_absolute_url()
        html = client.get(url).content.decode()
        assert meta(html, "og:url") == f"http://testserver{url}", url
        assert meta(html, "og:title") and meta(html, "og:description"), url
        image = meta(html, "og:image")
        assert image.startswith("http://testserver/kartu/") and image.endswith(".jpg"), url
        assert meta(html, "og:image:width") == "1200" and meta(html, "og:image:height") == "630"
        assert meta(html, "twitter:card") == "summary_large_image", url


def card_file(html: str):
    """The card's address (a path served by core.share_cards.card_file) and its storage."""
    return meta(html, "og:image").removeprefix("http://testserver"), storages["private"]


def card_name(path: str) -> str:
    return path.removeprefix("/")


def test_the_card_is_a_real_jpeg_of_1200_by_630(client, kim):
    post = fact_check(kim)

    path, _storage = card_file(client.get(post.get_absolute_url()).content.decode())

    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    content = b"".join(response.streaming_content)
    assert len(content) < 100_000
    with Image.open(io.BytesIO(content)) as card:
        assert card.format == "JPEG" and card.size == (1200, 630)


def test_a_card_is_drawn_once_and_again_after_the_title_changes(client, kim, monkeypatch):
    drawn = []
    draw = share_cards.share_card_draw
    monkeypatch.setattr(
        share_cards, "share_card_draw", lambda **kwargs: drawn.append(kwargs) or draw(**kwargs)
    )
    # Titles no earlier run drew: the test media directory outlives a run.
    first_title, second_title = f"Judul pertama {uuid.uuid4()}", f"Judul kedua {uuid.uuid4()}"
    post = fact_check(kim, title=first_title)

    first, storage = card_file(client.get(post.get_absolute_url()).content.decode())
    cache.clear()  # another app server: it finds the stored card by its name
    again, _ = card_file(client.get(post.get_absolute_url()).content.decode())
    assert first == again and len(drawn) == 1 and storage.exists(card_name(first))

    Post.objects.filter(pk=post.pk).update(title=second_title)
    cache.clear()  # the news cache holds the post for a minute
    changed, _ = card_file(client.get(post.get_absolute_url()).content.decode())
    assert changed != first and len(drawn) == 2 and drawn[1]["title"] == second_title
    Post.objects.filter(pk=post.pk).update(verdict=Post.Verdict.FACT)
    cache.clear()
    verdict, _ = card_file(client.get(post.get_absolute_url()).content.decode())
    assert verdict not in (first, changed) and drawn[2]["verdict_true"] is True


def photo(post, staff_user):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), "orange").save(buffer, format="JPEG")
    upload = SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")
    return photo_add(post=post, actor=staff_user, upload=upload, alt_text="Balai desa")


def test_a_post_with_a_photo_keeps_its_photo_but_a_fact_check_shows_its_verdict(
    client, kim, staff_user
):
    post = PostFactory(kim=kim)
    shared = photo(post, staff_user)
    check = fact_check(kim)
    photo(check, staff_user)

    html = client.get(post.get_absolute_url()).content.decode()
    assert meta(html, "og:image") == f"http://testserver{shared.image_share.url}"
    html = client.get(check.get_absolute_url()).content.decode()
    assert "/kartu/" in meta(html, "og:image")


def test_a_card_is_served_only_while_its_post_is_public(client, kim):
    """The card shows the title: once the post is unpublished its card is gone with it, and
    it was never in the public storage."""
    post = fact_check(kim)
    path, storage = card_file(client.get(post.get_absolute_url()).content.decode())
    assert client.get(path).status_code == 200
    assert not storages["default"].exists(card_name(path))
    other = PostFactory(kim=kim)
    assert client.get(path.replace(path.split("/")[2], short_code(other))).status_code == 404

    Post.objects.filter(pk=post.pk).update(status=Post.Status.UNPUBLISHED)

    assert client.get(path).status_code == 404
    assert storage.exists(card_name(path))  # kept privately, as the post's photos are


def test_a_draft_gets_no_card_in_the_public_storage(client, kim, staff_user, monkeypatch):
    drawn = []
    monkeypatch.setattr(share_cards, "share_card_draw", lambda **kwargs: drawn.append(kwargs))
    draft = fact_check(kim, status=Post.Status.DRAFT, published_at=None)
    client.force_login(staff_user)

    html = client.get(draft.get_absolute_url()).content.decode()

    assert client.get(draft.get_absolute_url()).status_code == 200
    assert meta(html, "og:image") is None and drawn == []


def test_a_private_submission_gets_no_card(kim, staff_user):
    from aspirations.sharing import submission_share_card

    submission = answered(kim.village, staff_user, is_private=True)

    assert submission_share_card(submission) is None


@pytest.mark.parametrize("kind", ["post", "fact_check", "training", "submission", "kim"])
def test_sharing_adds_no_query_to_the_detail_pages(
    client, kim, staff_user, kind, django_assert_max_num_queries
):
    obj, queries = {
        "post": lambda: (PostFactory(kim=kim), 0),
        "fact_check": lambda: (fact_check(kim), 0),
        "training": lambda: (TrainingFactory(), 3),
        "submission": lambda: (answered(kim.village, staff_user), 1),
        "kim": lambda: (kim, 4),
    }[kind]()
    client.get(obj.get_absolute_url())  # the post in the cache, the card stored
    # The counts of the pages before sharing was added (measured on main).
    with django_assert_max_num_queries(queries):
        assert client.get(obj.get_absolute_url()).status_code == 200


# --- The tracking code to the sender's own WhatsApp --------------------------------------------


def test_the_sent_page_and_email_offer_the_code_to_the_senders_whatsapp(
    client, kim, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("aspirations:submit"),
            aspiration_data(kim.village, category, submitter_phone="0812-3456-7890"),
            follow=True,
        )

    submission = Submission.objects.get()
    html = response.content.decode()
    link = re.search(r'href="(https://wa\.me/6281234567890\?text=[^"]+)"', html).group(1)
    text = parse_qs(urlsplit(link.replace("&amp;", "&")).query)["text"][0]
    assert submission.display_code in text
    assert f"http://testserver/aspirasi/lacak/?kode={submission.code}" in text
    assert "Kirim kode ke WhatsApp saya" in html
    [email] = [m for m in mail.outbox if m.to == ["rudi@warga.test"]]
    assert "https://wa.me/6281234567890?text=" in email.body


def test_no_whatsapp_link_without_a_phone_number(
    client, kim, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("aspirations:submit"),
            aspiration_data(kim.village, category, submitter_phone=""),
            follow=True,
        )

    assert "wa.me/" not in response.content.decode()
    [email] = [m for m in mail.outbox if m.to == ["rudi@warga.test"]]
    assert "wa.me/" not in email.body

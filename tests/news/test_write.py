"""The writing pages of KIM members: write, photos, preview, submit, and "my posts"."""

import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from groups.models import Kim, Membership
from news import services
from news.models import Category, Post, PostPhoto
from tests.factories import KimFactory, MembershipFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def indonesian(msgid: str) -> str:
    """A message as the (Indonesian) site shows it, whether or not it is translated yet."""
    with translation.override("id"):
        return gettext(msgid)


def jpeg(size=(2000, 1500), *, gps=False, name="foto.jpg") -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    if gps:
        exif[0x8825] = {1: "S", 2: (2.0, 57.0, 48.0), 3: "E", 4: (103.0, 51.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture(scope="module")
def bomb_png() -> bytes:
    """20000 × 20000 pixels (400 megapixels) in a few kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def kim(db):
    return KimFactory(name="KIM Bailangu Informatif", slug="kim-bailangu-informatif")


@pytest.fixture
def member(kim):
    return MembershipFactory(kim=kim, user=UserFactory(name="Ani Lestari")).user


@pytest.fixture
def chair(kim):
    return MembershipFactory(kim=kim, role=Membership.Role.CHAIR).user


@pytest.fixture
def other_member(db):
    return MembershipFactory(kim=KimFactory(name="KIM Lain", slug="kim-lain")).user


@pytest.fixture
def draft(kim, member):
    return PostFactory(kim=kim, author=member, status=Post.Status.DRAFT, published_at=None)


def form_data(kim=None, **overrides) -> dict:
    data = {
        "kim": kim.pk if kim else "",
        "title": "Posyandu Mawar buka layanan imunisasi",
        "lead": "Posyandu Mawar di Desa Bailangu membuka layanan imunisasi setiap Sabtu.",
        "body": "Layanan dimulai pukul **08.00**.\n\n- Bawa buku KIA\n- Bawa KTP",
        "kind": Post.Kind.NEWS,
        "category": Category.objects.get(slug="kesehatan").pk,
        "tags": "posyandu, imunisasi",
        "claim": "",
        "claim_source": "",
        "verdict": "",
        "evidence": "",
        "photo_alt_text": "",
        "photo_caption": "",
        "photo_credit": "",
    }
    return {**data, **overrides}


def create(client, kim, **overrides):
    return client.post(reverse("news:post-create"), form_data(kim, **overrides))


# --- Writing a draft -----------------------------------------------------------------------


def test_member_saves_a_draft_with_a_cover_photo_as_webp_renditions(client_as, kim, member):
    response = create(
        client_as(member),
        kim,
        photo=jpeg(),
        photo_alt_text="Kader posyandu menimbang balita",
        photo_credit="Ani",
    )

    post = Post.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("news:post-update", args=[post.slug])
    assert (post.status, post.author, post.kim) == (Post.Status.DRAFT, member, kim)
    assert post.village == kim.village
    assert sorted(post.tags.values_list("name", flat=True)) == ["imunisasi", "posyandu"]
    assert "<strong>08.00</strong>" in post.body_html and "<li>Bawa KTP</li>" in post.body_html
    photo = post.photos.get()
    assert (photo.position, photo.alt_text, photo.credit) == (
        0,
        "Kader posyandu menimbang balita",
        "Ani",
    )
    for field, width in [(photo.image_480, 480), (photo.image_960, 960), (photo.image, 1600)]:
        with Image.open(field.path) as image:
            assert image.format == "WEBP"
            assert image.width == width
            assert not image.getexif() and "exif" not in image.info


def test_gps_position_of_a_phone_photo_is_removed(client_as, kim, member):
    create(client_as(member), kim, photo=jpeg(gps=True), photo_alt_text="Balai desa")

    photo = PostPhoto.objects.get()
    for field in (photo.image, photo.image_960, photo.image_480):
        with Image.open(field.path) as image:
            assert not image.getexif().get_ifd(0x8825)
        assert b"PhoneMaker" not in field.read()


def test_small_photos_are_never_enlarged(client_as, kim, member):
    create(client_as(member), kim, photo=jpeg(size=(640, 480)), photo_alt_text="Papan nama")

    photo = PostPhoto.objects.get()
    assert (photo.width, photo.height) == (640, 480)
    with Image.open(photo.image_960.path) as image:
        assert image.width == 640


def test_a_text_file_named_jpg_is_refused_and_the_typing_is_kept(client_as, kim, member):
    fake = SimpleUploadedFile("foto.jpg", b"ini bukan foto " * 100, content_type="image/jpeg")

    response = create(client_as(member), kim, photo=fake, photo_alt_text="Foto kegiatan")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Berkas ini bukan gambar yang sah." in html
    assert indonesian("Choose another photo. Everything else you typed is kept.") in html
    assert 'value="Posyandu Mawar buka layanan imunisasi"' in html
    assert "Bawa buku KIA" in html and 'value="Foto kegiatan"' in html
    assert not Post.objects.exists()


def test_a_decompression_bomb_is_refused(client_as, kim, member, bomb_png):
    bomb = SimpleUploadedFile("peta.png", bomb_png, content_type="image/png")

    response = create(client_as(member), kim, photo=bomb, photo_alt_text="Peta desa")

    assert response.status_code == 200
    assert "Resolusi gambar terlalu besar (paling banyak 40 megapiksel)." in (
        response.content.decode()
    )
    assert not Post.objects.exists()


def test_a_30_mb_upload_gets_the_too_large_message_not_an_error_page(client_as, kim, member):
    # Django limits request bodies by DATA_UPLOAD_MAX_MEMORY_SIZE without counting files, so
    # the upload reaches the form; its validator answers in Indonesian.
    big = SimpleUploadedFile("besar.jpg", jpeg().read() + b"\0" * (30 * MB))

    response = create(client_as(member), kim, photo=big, photo_alt_text="Foto besar")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ukuran berkas lebih dari 8 MB." in html
    assert 'value="Posyandu Mawar buka layanan imunisasi"' in html
    assert not Post.objects.exists()


def test_a_photo_needs_a_description(client_as, kim, member):
    response = create(client_as(member), kim, photo=jpeg())

    html = response.content.decode()
    assert indonesian("Describe the photo for people who cannot see it.") in html
    assert indonesian("Choose the photo again: the browser cannot keep it.") in html
    assert not Post.objects.exists()


def test_a_photo_that_fails_after_the_draft_was_made_leaves_nothing(client_as, kim, member):
    # A truncated JPEG passes Pillow's verify(); only decoding it in photo_add finds the damage.
    buffer = io.BytesIO()
    Image.effect_noise((800, 600), 50).convert("RGB").save(buffer, format="JPEG")
    broken = SimpleUploadedFile("rusak.jpg", buffer.getvalue()[:8000])

    response = create(client_as(member), kim, photo=broken, photo_alt_text="Foto rusak")

    assert response.status_code == 200
    assert "Berkas ini bukan gambar yang sah." in response.content.decode()
    assert not Post.objects.exists() and not PostPhoto.objects.exists()


def test_a_fact_check_needs_claim_and_verdict(client_as, kim, member):
    client = client_as(member)

    refused = create(client, kim, kind=Post.Kind.FACT_CHECK)
    create(
        client,
        kim,
        kind=Post.Kind.FACT_CHECK,
        claim="Vaksin mengandung chip",
        claim_source="Grup WhatsApp",
        verdict=Post.Verdict.HOAX,
        evidence="Keterangan Dinas Kesehatan.",
    )

    assert refused.status_code == 200 and 'value="Posyandu Mawar' in refused.content.decode()
    post = Post.objects.get()
    assert (post.kind, post.verdict, post.claim_source) == ("cek_fakta", "hoaks", "Grup WhatsApp")


def test_body_markup_that_could_run_script_never_reaches_the_page(client_as, kim, member):
    body = (
        "Halo <script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        '[klik di sini](javascript:alert(1)) dan <a href="javascript:alert(2)">ini</a>'
    )
    client = client_as(member)

    create(client, kim, body=body)

    post = Post.objects.get()
    html = client.get(reverse("news:post-update", args=[post.slug])).content.decode()
    preview = re.search(r'<div class="post-body">(.*?)</div>', html, re.S).group(1)
    for rendered in (post.body_html, preview):
        assert "<script" not in rendered and "onerror" not in rendered
        assert "javascript:" not in rendered
    assert "klik di sini" in preview


def test_the_kim_choice_lists_only_kims_where_the_user_may_write(client_as, kim, member):
    inactive = KimFactory(name="KIM Tidur", status=Kim.Status.INACTIVE)
    MembershipFactory(kim=inactive, user=member)
    KimFactory(name="KIM Orang Lain")

    response = client_as(member).get(reverse("news:post-create"))

    choices = [label for _value, label in response.context["form"].fields["kim"].choices]
    assert choices == ["KIM Bailangu Informatif"]
    assert create(client_as(member), inactive).status_code == 200
    assert not Post.objects.exists()


def test_staff_write_for_dinkominfo_itself(client_as, staff_user, kim):
    client = client_as(staff_user)

    page = client.get(reverse("news:post-create")).content.decode()
    create(client, None)

    assert indonesian("Dinkominfo (no KIM)") in page and "KIM Bailangu Informatif" in page
    post = Post.objects.get()
    assert (post.kim, post.district) == (None, None)


@pytest.mark.parametrize("status", [Kim.Status.INACTIVE, Kim.Status.FORMED])
def test_members_of_a_kim_that_is_not_active_may_not_write(client_as, status):
    user = MembershipFactory(kim=KimFactory(status=status)).user

    assert client_as(user).get(reverse("news:post-create")).status_code == 403


def test_a_resident_without_a_kim_gets_403(client_as, resident):
    response = client_as(resident).get(reverse("news:post-create"))

    assert response.status_code == 403
    assert "Tidak diizinkan" in response.content.decode()


def test_anonymous_villagers_are_sent_to_log_in(client, draft):
    for url in (reverse("news:post-create"), reverse("news:post-update", args=[draft.slug])):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/login/" in response.url


def test_the_forms_are_csrf_protected(kim, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    assert create(client, kim).status_code == 403
    assert not Post.objects.exists()


# --- Editing, photos, preview --------------------------------------------------------------


def test_editing_a_draft_saves_and_shows_the_preview(client_as, draft, member):
    client = client_as(member)
    url = reverse("news:post-update", args=[draft.slug])

    page = client.get(url)
    response = client.post(url, form_data(title="Judul baru", body="Isi **baru**", tags="air"))

    assert page.status_code == 200 and page.context["form"]["title"].value() == draft.title
    draft.refresh_from_db()
    assert response.status_code == 302
    assert (draft.title, draft.status) == ("Judul baru", Post.Status.DRAFT)
    assert list(draft.tags.values_list("name", flat=True)) == ["air"]
    html = client.get(reverse("news:post-update", args=[draft.slug])).content.decode()
    assert "Isi <strong>baru</strong>" in html
    assert draft.get_absolute_url() in html


def test_an_invalid_edit_changes_nothing_and_keeps_the_typing(client_as, draft, member):
    original = draft.title

    response = client_as(member).post(
        reverse("news:post-update", args=[draft.slug]),
        form_data(title="Judul yang diketik", category=""),
    )

    assert response.status_code == 200
    assert 'value="Judul yang diketik"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == original


def test_photos_are_added_and_removed_on_the_edit_page(client_as, draft, member):
    client = client_as(member)
    add = reverse("news:photo-add", args=[draft.slug])

    client.post(add, {"image": jpeg(), "alt_text": "Foto pertama"})
    client.post(add, {"image": jpeg(size=(900, 600)), "alt_text": "Foto kedua"})
    first = draft.photos.get(position=0)
    response = client.post(reverse("news:photo-remove", args=[draft.slug, first.pk]))

    assert response.status_code == 302
    assert list(draft.photos.values_list("alt_text", "position")) == [("Foto kedua", 0)]


def test_a_refused_extra_photo_keeps_its_description(client_as, draft, member):
    fake = SimpleUploadedFile("foto.jpg", b"bukan foto", content_type="image/jpeg")

    response = client_as(member).post(
        reverse("news:photo-add", args=[draft.slug]), {"image": fake, "alt_text": "Foto rapat"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Berkas ini bukan gambar yang sah." in html and 'value="Foto rapat"' in html
    assert not draft.photos.exists()
    # Saving the post from this page still goes to the post's own form, not the photo URL.
    assert f'action="{reverse("news:post-update", args=[draft.slug])}"' in html


def test_a_post_has_at_most_max_photos(client_as, draft, member):
    client = client_as(member)
    for number in range(services.MAX_PHOTOS):
        services.photo_add(
            post=draft, actor=member, upload=jpeg(size=(60, 40)), alt_text=f"Foto {number}"
        )

    page = client.get(reverse("news:post-update", args=[draft.slug]))
    response = client.post(
        reverse("news:photo-add", args=[draft.slug]),
        {"image": jpeg(size=(60, 40)), "alt_text": "Satu lagi"},
    )

    assert page.context["can_add_photo"] is False
    assert response.status_code == 200
    assert draft.photos.count() == services.MAX_PHOTOS


def test_writing_pages_change_state_only_by_post(client_as, draft, member):
    client = client_as(member)
    photo = services.photo_add(post=draft, actor=member, upload=jpeg(), alt_text="Foto")

    for url in (
        reverse("news:post-submit", args=[draft.slug]),
        reverse("news:photo-add", args=[draft.slug]),
        reverse("news:photo-remove", args=[draft.slug, photo.pk]),
    ):
        assert client.get(url).status_code == 405


# --- Submitting ----------------------------------------------------------------------------


def test_submitting_sends_the_post_for_review(client_as, draft, member):
    response = client_as(member).post(reverse("news:post-submit", args=[draft.slug]), follow=True)

    draft.refresh_from_db()
    assert draft.status == Post.Status.SUBMITTED and draft.submitted_at is not None
    assert response.redirect_chain[-1][0] == reverse("news:post-mine")
    assert (
        indonesian(
            "Your post was sent to Dinkominfo for review. You will get an email when it is "
            "published or returned to you."
        )
        in response.content.decode()
    )


def test_save_and_submit_keeps_the_last_changes(client_as, draft, member):
    client_as(member).post(
        reverse("news:post-submit", args=[draft.slug]), form_data(title="Perubahan terakhir")
    )

    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Perubahan terakhir", Post.Status.SUBMITTED)


def test_save_and_submit_with_errors_submits_nothing(client_as, draft, member):
    response = client_as(member).post(
        reverse("news:post-submit", args=[draft.slug]), form_data(title="")
    )

    draft.refresh_from_db()
    assert response.status_code == 200 and draft.status == Post.Status.DRAFT


def test_a_manager_of_a_trusted_kim_publishes_directly(client_as, kim, chair):
    kim.is_trusted = True
    kim.save()
    post = PostFactory(kim=kim, author=chair, status=Post.Status.DRAFT, published_at=None)

    response = client_as(chair).post(reverse("news:post-submit", args=[post.slug]), follow=True)

    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.is_public
    assert (
        indonesian("Your post is published: your KIM may publish without review.")
        in response.content.decode()
    )


def test_a_plain_member_of_a_trusted_kim_still_goes_through_review(client_as, kim, draft, member):
    kim.is_trusted = True
    kim.save()

    client_as(member).post(reverse("news:post-submit", args=[draft.slug]))

    draft.refresh_from_db()
    assert draft.status == Post.Status.SUBMITTED


def test_a_submitted_post_can_no_longer_be_edited(client_as, draft, member):
    client = client_as(member)
    client.post(reverse("news:post-submit", args=[draft.slug]))
    photo_add = reverse("news:photo-add", args=[draft.slug])

    assert client.get(reverse("news:post-update", args=[draft.slug])).status_code == 403
    assert (
        client.post(reverse("news:post-update", args=[draft.slug]), form_data()).status_code == 403
    )
    assert client.post(reverse("news:post-submit", args=[draft.slug])).status_code == 403
    assert client.post(photo_add, {"image": jpeg(), "alt_text": "x"}).status_code == 403
    draft.refresh_from_db()
    assert draft.title != form_data()["title"] and not draft.photos.exists()


def test_a_returned_post_is_revised_and_submitted_again(client_as, draft, member, staff_user):
    services.post_submit(post=draft, actor=member)
    services.post_return(post=draft, actor=staff_user, note="Tambahkan nama narasumber.")
    client = client_as(member)

    page = client.get(reverse("news:post-update", args=[draft.slug])).content.decode()
    client.post(
        reverse("news:post-submit", args=[draft.slug]),
        form_data(body="Menurut Bu Sari, kader posyandu, layanan gratis."),
    )

    assert "Tambahkan nama narasumber." in page
    draft.refresh_from_db()
    assert draft.status == Post.Status.SUBMITTED and "Bu Sari" in draft.body


@pytest.mark.parametrize("name", ["post-update", "post-submit", "photo-add"])
def test_a_member_of_another_kim_finds_nothing(client_as, draft, other_member, name):
    client = client_as(other_member)
    url = reverse(f"news:{name}", args=[draft.slug])

    if name == "post-update":
        assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Post.Status.DRAFT and draft.title != form_data()["title"]


def test_another_kims_photo_is_not_found_through_this_post(client_as, draft, member, kim):
    other_post = PostFactory(status=Post.Status.DRAFT, published_at=None)
    other_photo = services.photo_add(
        post=other_post, actor=other_post.author, upload=jpeg(), alt_text="Foto lain"
    )

    response = client_as(member).post(
        reverse("news:photo-remove", args=[draft.slug, other_photo.pk])
    )

    assert response.status_code == 404 and other_post.photos.exists()


def test_drafts_stay_hidden_from_residents_and_fellow_members(client_as, draft, resident, kim):
    fellow = MembershipFactory(kim=kim).user

    for user in (resident, fellow):
        assert (
            client_as(user).get(reverse("news:post-update", args=[draft.slug])).status_code == 404
        )


def test_a_kim_manager_may_edit_a_members_draft(client_as, draft, chair):
    response = client_as(chair).get(reverse("news:post-update", args=[draft.slug]))

    assert response.status_code == 200


# --- My posts ------------------------------------------------------------------------------


def test_my_posts_show_status_and_the_reviewers_note(client_as, kim, member, staff_user):
    client = client_as(member)
    returned = PostFactory(kim=kim, author=member, title="Berita yang dikembalikan")
    services.post_return(post=returned, actor=staff_user, note="Foto kurang jelas.")
    PostFactory(kim=kim, author=member, title="Berita yang terbit")
    PostFactory(kim=kim, title="Berita orang lain")

    response = client.get(reverse("news:post-mine"))

    html = response.content.decode()
    assert [post.title for post in response.context["posts"]] == [
        "Berita yang terbit",
        "Berita yang dikembalikan",
    ]
    assert "Foto kurang jelas." in html and "Berita orang lain" not in html
    assert reverse("news:post-update", args=[returned.slug]) in html
    assert reverse("news:post-create") in html


def test_my_posts_cost_the_same_queries_for_1_or_10_posts(
    client_as, kim, member, django_assert_num_queries
):
    client = client_as(member)
    url = reverse("news:post-mine")
    PostFactory(kim=kim, author=member, status=Post.Status.RETURNED, review_note="Ubah judul.")
    with CaptureQueriesContext(connection) as one_post:
        client.get(url)
    PostFactory.create_batch(4, kim=kim, author=member, status=Post.Status.DRAFT)
    PostFactory.create_batch(5, kim=kim, author=member)

    with django_assert_num_queries(len(one_post)):
        response = client.get(url)

    assert len(response.context["posts"]) == 10


def test_my_posts_are_paginated(client_as, kim, member):
    PostFactory.create_batch(21, kim=kim, author=member)

    response = client_as(member).get(reverse("news:post-mine"), {"page": 2})

    assert len(response.context["posts"]) == 1


# --- The member area -----------------------------------------------------------------------


def test_the_dashboard_offers_writing_to_members_of_an_active_kim(client_as, member, resident):
    inactive_member = MembershipFactory(kim=KimFactory(status=Kim.Status.INACTIVE)).user

    def offers_writing(user):
        html = client_as(user).get(reverse("accounts:dashboard")).content.decode()
        return reverse("news:post-create") in html and reverse("news:post-mine") in html

    assert offers_writing(member)
    assert not offers_writing(resident)
    assert not offers_writing(inactive_member)


def test_the_dashboard_offers_writing_to_staff(client_as, staff_user):
    html = client_as(staff_user).get(reverse("accounts:dashboard")).content.decode()

    assert reverse("news:post-create") in html


def _media_files() -> set:
    from django.conf import settings

    root = settings.MEDIA_ROOT
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def test_a_photo_whose_row_cannot_be_saved_leaves_no_files(draft, member, monkeypatch):
    from django.db import DatabaseError

    before = _media_files()

    def refuse(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(PostPhoto, "save", refuse)
    with pytest.raises(DatabaseError):
        services.photo_add(post=draft, actor=member, upload=jpeg(), alt_text="Warga bekerja")

    assert _media_files() == before


def test_a_photo_removal_deletes_its_files_only_once_committed(
    draft, member, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        photo = services.photo_add(post=draft, actor=member, upload=jpeg(), alt_text="Warga")
    photo_pk = photo.pk
    files = [field.path for field in (photo.image, photo.image_960, photo.image_480)]
    assert all(os.path.exists(path) for path in files)

    with pytest.raises(RuntimeError), transaction.atomic():
        services.photo_remove(photo=photo, actor=member)
        raise RuntimeError("the request failed after the removal")
    assert PostPhoto.objects.filter(pk=photo_pk).exists()
    assert all(os.path.exists(path) for path in files)

    with django_capture_on_commit_callbacks(execute=True):
        services.photo_remove(photo=PostPhoto.objects.get(pk=photo_pk), actor=member)
    assert not any(os.path.exists(path) for path in files)

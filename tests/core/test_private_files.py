"""Private files: every kind of file the matrix keeps private answers 404 to everyone outside
the roles that may see the thing it belongs to, and 200 to those roles, only through the
checked view; public copies exist only for what is published."""

import importlib
import io
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from aspirations.models import Category, Submission
from aspirations.services import submission_answer, submission_create
from news.models import Category as NewsCategory
from news.models import Post, PostPhoto
from news.services import photo_add, post_create, post_publish, post_submit, post_unpublish
from tests.factories import (
    KimFactory,
    PostFactory,
)
from tests.groups.test_admin import form_data
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.models import Material, Registration

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "resident",
    "other_kim_member",
    "kim_member",
    "author",
    "kim_manager",
    "district_manager",
    "participant",
    "staff",
]
RANDOM_NAME = re.compile(r"^[a-z/]+/([0-9a-f]{2})/\1[0-9a-f]{30}\.(webp|jpg|pdf|pptx)$")


def jpeg(name="gps-960.jpg", size=(640, 480)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "seagreen").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def private_root() -> Path:
    return Path(storages["private"].location)


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def in_private_storage_only(fieldfile) -> bool:
    """The file is under the private root and nowhere under MEDIA_ROOT (which the proxy serves
    to anyone at /media/)."""
    return (private_root() / fieldfile.name).is_file() and not (
        media_root() / fieldfile.name
    ).exists()


def draft_post(people, status=Post.Status.DRAFT):
    author = people["users"]["author"]
    post = post_create(
        author=author,
        kim=people["kim"],
        data={
            "title": "Gotong royong di Bailangu",
            "lead": "Warga membersihkan saluran air.",
            "body": "Kegiatan pagi hari.",
            "kind": "berita",
            "category": NewsCategory.objects.order_by("position").first(),
        },
    )
    photo_add(post=post, actor=author, upload=jpeg(), alt_text="Warga bekerja bakti")
    if status == Post.Status.SUBMITTED:
        post_submit(post=post, actor=author)
    return post


def make_submission(people, *, kind=Submission.Kind.ASPIRATION, **data):
    return submission_create(
        kind=kind,
        data={
            "category": Category.objects.get(slug="infrastruktur")
            if kind == Submission.Kind.ASPIRATION
            else None,
            "title": "Jembatan rusak" if kind == Submission.Kind.ASPIRATION else "",
            "text": f"Jembatan dusun 2 patah ({kind}, {data}).",
            "circulated_on": "Grup WhatsApp" if kind == Submission.Kind.HOAX else "",
            "village": people["village"],
            "submitter_name": "Rudi",
            "submitter_email": "rudi@warga.test",
            **data,
        },
        photo=jpeg("IMG_20261204_rumah-pak-rt.jpg"),
    )


def pdf_upload(name="sk.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 surat keputusan", content_type="application/pdf")


def file_for(kind: str, people):
    """(the FieldFile of a file of this kind, the roles that may see it)."""
    handlers = {"kim_manager", "district_manager", "staff"}
    users = people["users"]
    if kind in ("draft_photo", "submitted_photo"):
        status = Post.Status.SUBMITTED if kind == "submitted_photo" else Post.Status.DRAFT
        post = draft_post(people, status)
        return post.photos.get().image_960, {"author", "kim_manager", "staff"}
    if kind == "unpublished_photo":
        post = draft_post(people, Post.Status.SUBMITTED)
        post_publish(post=post, actor=users["staff"])
        post_unpublish(post=post, actor=users["staff"], note="Salah data.")
        return post.photos.get().image_share, {"author", "kim_manager", "staff"}
    if kind == "aspiration_photo_unanswered":
        return make_submission(people).photo, handlers
    if kind == "aspiration_photo_do_not_publish":
        submission = make_submission(people, is_private=True)
        submission_answer(submission=submission, actor=users["staff"], answer="Sudah diperbaiki.")
        return submission.photo_480, handlers
    if kind == "hoax_screenshot_answered":
        submission = make_submission(people, kind=Submission.Kind.HOAX)
        submission_answer(submission=submission, actor=users["staff"], answer="Itu hoaks.")
        return submission.photo, handlers
    if kind in ("sk_document", "bylaws_document"):
        kim = people["kim"]
        getattr(kim, kind).save("dokumen.pdf", pdf_upload(), save=True)
        return getattr(kim, kind), {"kim_manager", "staff"}
    if kind == "participants_only_material":
        training = TrainingFactory()
        RegistrationFactory(training=training, user=users["participant"])
        RegistrationFactory(
            training=training, user=users["resident"], status=Registration.Status.WAITLISTED
        )
        material = Material.objects.create(
            training=training, title="Modul Menulis", file=ContentFile(b"%PDF-1.4 m", "m.pdf")
        )
        return material.file, {"participant", "staff"}
    raise AssertionError(kind)


KINDS = [
    "draft_photo",
    "submitted_photo",
    "unpublished_photo",
    "aspiration_photo_unanswered",
    "aspiration_photo_do_not_publish",
    "hoax_screenshot_answered",
    "sk_document",
    "bylaws_document",
    "participants_only_material",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_private_file_answers_only_the_roles_the_matrix_allows(
    client, client_as, people, kind, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fieldfile, allowed = file_for(kind, people)
    user = people["users"][role]
    url = fieldfile.url

    response = (client_as(user) if user else client).get(url)

    assert url.startswith("/berkas/") and RANDOM_NAME.match(fieldfile.name)
    assert in_private_storage_only(fieldfile)
    assert client.get(f"/media/{fieldfile.name}").status_code == 404
    if role in allowed:
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == fieldfile.open("rb").read()
        if fieldfile.name.endswith(".pdf"):
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")
        else:
            assert response["Content-Type"] in ("image/webp", "image/jpeg")
    else:
        assert response.status_code == 404


def test_a_file_address_with_another_name_or_field_is_404(client_as, people):
    fieldfile, _allowed = file_for("sk_document", people)
    staff = client_as(people["users"]["staff"])
    kim = people["kim"]

    assert staff.get(fieldfile.url).status_code == 200
    assert staff.get(fieldfile.url.replace(".pdf", "0.pdf")).status_code == 404
    assert staff.get(fieldfile.url.replace("sk_document", "logo")).status_code == 404
    assert staff.get(fieldfile.url.replace(f"/{kim.pk}/", "/999999/")).status_code == 404
    assert staff.get(fieldfile.url.replace("kim-dokumen", "berita-foto")).status_code == 404


def test_an_html_upload_claiming_to_be_a_pdf_is_stored_and_served_as_a_pdf_attachment(
    client_as, staff_user
):
    kim = KimFactory(slug="kim-bailangu")
    client = client_as(staff_user)
    url = reverse("admin:groups_kim_change", args=[kim.pk])
    data = form_data(client.get(url))
    evil = SimpleUploadedFile(
        "sk.html", b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>", "text/html"
    )

    response = client.post(url, {**data, "sk_document": evil})

    assert response.status_code == 302
    kim.refresh_from_db()
    assert kim.sk_document.name.endswith(".pdf") and "sk" not in Path(kim.sk_document.name).name
    assert RANDOM_NAME.match(kim.sk_document.name)
    assert in_private_storage_only(kim.sk_document)
    page = client.get(url).content.decode()
    assert kim.sk_document.url in page
    download = client.get(kim.sk_document.url)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="sk-kim-bailangu.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_an_html_upload_that_is_not_a_pdf_is_refused_by_name(client_as, staff_user):
    kim = KimFactory()
    client = client_as(staff_user)
    url = reverse("admin:groups_kim_change", args=[kim.pk])
    data = form_data(client.get(url))
    html = SimpleUploadedFile("sk.pdf", b"<html><script>alert(1)</script></html>", "text/html")

    response = client.post(url, {**data, "sk_document": html})

    assert response.status_code == 200
    assert "Berkas ini bukan dokumen PDF." in response.content.decode()
    kim.refresh_from_db()
    assert not kim.sk_document


def test_a_material_whose_content_is_not_its_kind_is_refused(training_material_upload=None):
    from django.core.exceptions import ValidationError

    material = Material(
        training=TrainingFactory(),
        title="Slide",
        file=SimpleUploadedFile("slide.pptx", b"<html><script>alert(1)</script></html>"),
    )

    with pytest.raises(ValidationError) as caught:
        material.full_clean()
    assert "bukan jenis dokumen" in str(caught.value)


def test_publish_makes_photos_public_and_unpublish_private_again(
    client, client_as, people, django_capture_on_commit_callbacks
):
    staff = people["users"]["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        post = draft_post(people, Post.Status.SUBMITTED)
    photo = post.photos.get()
    private_names = [photo.image.name, photo.image_960.name, photo.image_480.name]
    assert not photo.is_public and all((private_root() / n).is_file() for n in private_names)
    assert client.get(reverse("home")).status_code == 200  # fills the news caches

    with django_capture_on_commit_callbacks(execute=True):
        post_publish(post=post, actor=staff)

    photo.refresh_from_db()
    assert photo.is_public
    assert photo.image_960.url == f"/media/{photo.image_960.name}"
    assert (media_root() / photo.image_960.name).is_file()
    assert not any((private_root() / n).exists() for n in private_names)
    page = client.get(post.get_absolute_url()).content.decode()
    assert photo.image_960.url in page and "/berkas/" not in page
    assert photo.image_480.url in client.get(reverse("home")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        post_unpublish(post=post, actor=staff, note="Salah data.")

    photo.refresh_from_db()
    assert not photo.is_public and in_private_storage_only(photo.image_960)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert photo.image_480.name not in client.get(reverse("home")).content.decode()
    assert client.get(photo.image_960.url).status_code == 404
    assert client_as(people["users"]["author"]).get(photo.image_960.url).status_code == 200


def test_a_trusted_managers_post_publishes_its_photos_at_once(
    people, django_capture_on_commit_callbacks
):
    kim = people["kim"]
    kim.is_trusted = True
    kim.save(update_fields=["is_trusted"])
    manager = people["users"]["kim_manager"]
    post = post_create(
        author=manager,
        kim=kim,
        data={
            "title": "Rapat",
            "lead": "Rapat.",
            "body": "Isi.",
            "kind": "berita",
            "category": NewsCategory.objects.order_by("position").first(),
        },
    )
    photo_add(post=post, actor=manager, upload=jpeg(), alt_text="Rapat")

    with django_capture_on_commit_callbacks(execute=True):
        post_submit(post=post, actor=manager)

    photo = post.photos.get()
    assert post.status == Post.Status.PUBLISHED and photo.is_public
    assert (media_root() / photo.image.name).is_file()
    assert not (private_root() / photo.image.name).exists()


def test_a_photo_added_to_a_published_post_is_public(people):
    post = PostFactory(kim=people["kim"])

    photo = photo_add(post=post, actor=people["users"]["staff"], upload=jpeg(), alt_text="Foto")

    assert photo.is_public and (media_root() / photo.image_960.name).is_file()


def test_stored_names_are_random_and_keep_nothing_of_the_upload(people):
    post = draft_post(people)
    submission = make_submission(people)

    names = [
        *(getattr(post.photos.get(), f).name for f in ("image", "image_960", "image_480")),
        post.photos.get().image_share.name,
        submission.photo.name,
        submission.photo_480.name,
    ]

    assert all(RANDOM_NAME.match(name) for name in names), names
    assert not any("gps" in name or "IMG" in name or "rumah" in name for name in names)
    assert len({Path(name).name for name in names}) == len(names)


def test_an_answered_public_aspiration_shows_its_photo_from_public_media(
    client, people, django_capture_on_commit_callbacks
):
    submission = make_submission(people)
    hoax = make_submission(people, kind=Submission.Kind.HOAX)
    staff = people["users"]["staff"]

    with django_capture_on_commit_callbacks(execute=True):
        submission_answer(submission=submission, actor=staff, answer="Sudah diperbaiki.")
        submission_answer(submission=hoax, actor=staff, answer="Hoaks.")

    submission.refresh_from_db()
    assert submission.photo_public and (media_root() / submission.photo.name).is_file()
    assert not (private_root() / submission.photo.name).exists()
    page = client.get(submission.get_absolute_url()).content.decode()
    assert f"/media/{submission.photo.name}" in page
    hoax.refresh_from_db()
    assert not hoax.photo_public and in_private_storage_only(hoax.photo)

    with django_capture_on_commit_callbacks(execute=True):
        submission_answer(
            submission=submission, actor=staff, answer="Diperbarui.", keep_private=True
        )

    submission.refresh_from_db()
    assert not submission.photo_public and in_private_storage_only(submission.photo)
    assert client.get(submission.photo.url).status_code == 404


def test_with_an_accel_prefix_nginx_sends_the_file(client_as, people, settings):
    settings.PORTAL_PRIVATE_FILES_ACCEL_PREFIX = "/_private/"
    fieldfile, _allowed = file_for("sk_document", people)

    response = client_as(people["users"]["kim_manager"]).get(fieldfile.url)

    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{fieldfile.name}"
    assert response["Content-Type"] == "application/pdf"
    slug = people["kim"].slug
    assert response["Content-Disposition"] == f'attachment; filename="sk-{slug}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_private_file_view_reads_a_bounded_number_of_queries(
    client_as, people, django_assert_max_num_queries
):
    fieldfile, _allowed = file_for("draft_photo", people)
    client = client_as(people["users"]["kim_manager"])

    # session, user, the photo with its post and KIM, the user's KIM roles
    with django_assert_max_num_queries(4):
        assert client.get(fieldfile.url).status_code == 200


# --- The data migration -------------------------------------------------------------------


def legacy_file(storage_root: Path, name: str, content: bytes) -> str:
    path = storage_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return name


def run_migration(module: str, function: str, capture) -> None:
    with capture(execute=True):
        getattr(importlib.import_module(module), function)(django_apps, None)


def run_file_migrations(capture) -> None:
    run_migration("news.migrations.0005_photo_private_storage", "photos_move", capture)
    run_migration("groups.migrations.0004_kim_private_documents", "files_move", capture)
    run_migration("trainings.migrations.0002_material_private_storage", "files_move", capture)


def test_the_migration_moves_existing_files_where_they_belong_once(
    django_capture_on_commit_callbacks,
):
    kim = KimFactory()
    published = PostFactory(kim=kim)
    draft = PostFactory(kim=kim, status=Post.Status.DRAFT, published_at=None)
    photos = {}
    for post, stem in ((published, "terbit"), (draft, "gps")):
        names = {
            field: legacy_file(
                media_root(), f"news/2026/11/{stem}-{width}.webp", b"RIFF" + stem.encode()
            )
            for field, width in (("image", 1600), ("image_960", 960), ("image_480", 480))
        }
        photos[stem] = PostPhoto.objects.create(
            post=post, alt_text="Foto", width=1600, height=900, **names
        )
    kim.sk_document = legacy_file(media_root(), "kim/sk/sk-kim.html", b"%PDF-1.4 sk")
    kim.save(update_fields=["sk_document"])
    legacy_private = media_root().with_name(media_root().name + "-private")
    material = Material.objects.create(
        training=TrainingFactory(),
        title="Modul",
        file=legacy_file(legacy_private, "pelatihan/materi/Modul Pak Budi.pdf", b"%PDF-1.4 m"),
    )

    run_file_migrations(django_capture_on_commit_callbacks)

    gps = PostPhoto.objects.get(pk=photos["gps"].pk)
    terbit = PostPhoto.objects.get(pk=photos["terbit"].pk)
    assert not gps.is_public and in_private_storage_only(gps.image_960)
    assert gps.image_960.open("rb").read() == b"RIFFgps"
    assert "gps" not in gps.image_960.name and RANDOM_NAME.match(gps.image_960.name)
    assert not (media_root() / "news/2026/11/gps-960.webp").exists()
    assert terbit.is_public and (media_root() / terbit.image.name).is_file()
    assert RANDOM_NAME.match(terbit.image.name)
    assert not (media_root() / "news/2026/11/terbit-1600.webp").exists()
    kim.refresh_from_db()
    assert kim.sk_document.name.endswith(".pdf") and in_private_storage_only(kim.sk_document)
    assert not (media_root() / "kim/sk/sk-kim.html").exists()
    material.refresh_from_db()
    assert in_private_storage_only(material.file) and material.file.name.endswith(".pdf")
    assert material.file.open("rb").read() == b"%PDF-1.4 m"
    assert not (legacy_private / "pelatihan/materi/Modul Pak Budi.pdf").exists()

    before = [
        (p.image.name, p.image_960.name, p.is_public) for p in PostPhoto.objects.order_by("pk")
    ]
    run_file_migrations(django_capture_on_commit_callbacks)

    assert before == [
        (p.image.name, p.image_960.name, p.is_public) for p in PostPhoto.objects.order_by("pk")
    ]
    kim_name, material_name = kim.sk_document.name, material.file.name
    kim.refresh_from_db()
    material.refresh_from_db()
    assert (kim.sk_document.name, material.file.name) == (kim_name, material_name)
    assert in_private_storage_only(kim.sk_document) and in_private_storage_only(material.file)


def test_the_migration_keeps_answered_public_aspiration_photos_public(
    people, django_capture_on_commit_callbacks
):
    submission = make_submission(people)
    hoax = make_submission(people, kind=Submission.Kind.HOAX)
    Submission.objects.filter(pk__in=[submission.pk, hoax.pk]).update(
        status=Submission.Status.ANSWERED, answer="Jawaban", answered_at="2026-11-01T10:00Z"
    )
    for row in (submission, hoax):
        old = legacy_file(media_root(), f"aspirasi/2026/11/foto-{row.pk}.webp", b"RIFF")
        Submission.objects.filter(pk=row.pk).update(photo=old, photo_480="")

    run_migration(
        "aspirations.migrations.0005_photo_private_storage",
        "photos_move",
        django_capture_on_commit_callbacks,
    )

    submission.refresh_from_db()
    hoax.refresh_from_db()
    assert submission.photo_public and (media_root() / submission.photo.name).is_file()
    assert not hoax.photo_public and in_private_storage_only(hoax.photo)
    assert RANDOM_NAME.match(submission.photo.name) and RANDOM_NAME.match(hoax.photo.name)


def test_a_post_whose_photo_files_are_lost_is_still_published(people, caplog):
    post = draft_post(people, Post.Status.SUBMITTED)
    photo = post.photos.get()
    for field in ("image", "image_960", "image_480", "image_share"):
        getattr(photo, field).storage.delete(getattr(photo, field).name)

    post_publish(post=post, actor=people["users"]["staff"])

    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert PostPhoto.objects.get(pk=photo.pk).is_public
    assert "is missing" in caplog.text

"""Media on S3-compatible object storage, against a real S3 server process (moto): uploads land
in the private bucket, publishing moves them to the public one, which serves them to anyone;
private files reach only the roles the matrix allows, by a presigned redirect; production
refuses a half or unusable configuration in one line; pages ask the store for nothing."""

import io
import json
import sys
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse

from aspirations.services import submission_answer
from core import object_storage
from groups.services import kim_update_profile
from news.models import Category as NewsCategory
from news.models import Post
from news.services import post_create, post_publish, post_submit
from tests.core.test_private_files import KINDS, draft_post, file_for, jpeg, make_submission
from tests.factories import UserFactory
from tests.kim_portal.test_production_startup import (
    GUNICORN,
    assert_refused_in_one_line,
    production_env,
    run,
)
from tests.servers import free_port, s3_buckets_create, s3_client
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.models import Material

pytestmark = pytest.mark.django_db


def s3_storages(env: dict[str, str], *, url_seconds: int = 60) -> dict[str, dict]:
    """The STORAGES entries the settings build from these environment variables."""
    return object_storage.storages_config(
        public_bucket=env["PORTAL_S3_PUBLIC_BUCKET"],
        private_bucket=env["PORTAL_S3_PRIVATE_BUCKET"],
        endpoint_url=env["PORTAL_S3_ENDPOINT_URL"],
        region=env["PORTAL_S3_REGION"],
        access_key_id=env["PORTAL_S3_ACCESS_KEY_ID"],
        secret_access_key=env["PORTAL_S3_SECRET_ACCESS_KEY"],
        public_url="",
        url_seconds=url_seconds,
    )


def use_buckets(settings, env: dict[str, str], *, url_seconds: int = 60) -> None:
    """Switch this test's settings to the buckets of ``env``, as the settings module does."""
    settings.STORAGES = {**settings.STORAGES, **s3_storages(env, url_seconds=url_seconds)}
    settings.PORTAL_S3_PUBLIC_BUCKET = env["PORTAL_S3_PUBLIC_BUCKET"]
    settings.PORTAL_S3_PRIVATE_BUCKET = env["PORTAL_S3_PRIVATE_BUCKET"]
    settings.PORTAL_PRIVATE_FILES_URL_SECONDS = url_seconds


@pytest.fixture
def buckets(s3_server, settings):
    """A public and a private bucket of their own for this test, in use as the portal's."""
    env = s3_buckets_create(s3_server)
    use_buckets(settings, env)
    return env


def objects(env: dict[str, str], bucket_variable: str) -> set[str]:
    listing = s3_client(env["PORTAL_S3_ENDPOINT_URL"]).list_objects_v2(Bucket=env[bucket_variable])
    return {entry["Key"] for entry in listing.get("Contents", [])}


def fetch(url: str):
    """GET ``url`` over HTTP as a browser would, without the portal's session: the status,
    the bytes and the headers (looked up without regard to case)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers


def stored_bytes(env: dict[str, str], bucket_variable: str, name: str) -> bytes:
    client = s3_client(env["PORTAL_S3_ENDPOINT_URL"])
    return client.get_object(Bucket=env[bucket_variable], Key=name)["Body"].read()


def test_a_members_photo_is_private_in_the_bucket_until_published_then_public(
    client, client_as, people, buckets, django_capture_on_commit_callbacks
):
    author, staff = people["users"]["author"], people["users"]["staff"]
    post = post_create(
        author=author,
        kim=people["kim"],
        data={
            "title": "Musyawarah desa Bailangu",
            "lead": "Warga membahas dana desa.",
            "body": "Di balai desa.",
            "kind": "berita",
            "category": NewsCategory.objects.order_by("position").first(),
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(author).post(
            reverse("news:photo-add", args=[post.slug]),
            {"image": jpeg("IMG_20261204_balai-desa.jpg"), "alt_text": "Balai desa"},
        )
    assert response.status_code == 302
    photo = post.photos.get()
    renditions = [photo.image, photo.image_960, photo.image_480, photo.image_share]
    private_names = {field.name for field in renditions}

    assert private_names <= objects(buckets, "PORTAL_S3_PRIVATE_BUCKET")
    assert objects(buckets, "PORTAL_S3_PUBLIC_BUCKET") == set()
    bucket_address = f"{buckets['PORTAL_S3_ENDPOINT_URL']}/{buckets['PORTAL_S3_PRIVATE_BUCKET']}"
    # The private bucket answers nobody without a signature.
    assert fetch(f"{bucket_address}/{photo.image_960.name}")[0] == 403
    assert photo.image_960.url.startswith("/berkas/")
    assert (photo.width, photo.height) == (640, 480)

    requests = StoreRequests()
    with django_capture_on_commit_callbacks(execute=True):
        post_submit(post=post, actor=author)
        post_publish(post=post, actor=staff)

    # Copied inside the store, not downloaded and uploaded again by the portal.
    assert sorted(set(requests.operations)) == ["CopyObject", "DeleteObject", "HeadObject"]
    assert requests.operations.count("CopyObject") == 4
    photo.refresh_from_db()
    assert photo.is_public
    public_names = {
        field.name for field in (photo.image, photo.image_960, photo.image_480, photo.image_share)
    }
    assert public_names == objects(buckets, "PORTAL_S3_PUBLIC_BUCKET")
    assert not public_names & private_names
    assert objects(buckets, "PORTAL_S3_PRIVATE_BUCKET") == set()  # the old copies are gone
    public_address = f"{buckets['PORTAL_S3_ENDPOINT_URL']}/{buckets['PORTAL_S3_PUBLIC_BUCKET']}/"
    assert photo.image_960.url == public_address + photo.image_960.name
    status, body, headers = fetch(photo.image_960.url)
    assert status == 200
    assert body == stored_bytes(buckets, "PORTAL_S3_PUBLIC_BUCKET", photo.image_960.name)
    assert body[:4] == b"RIFF" and headers["content-type"] == "image/webp"
    assert headers["Cache-Control"] == "public, max-age=2592000"
    page = client.get(post.get_absolute_url())
    assert photo.image_960.url in page.content.decode()
    assert "/berkas/" not in page.content.decode()


def test_an_answered_public_aspirations_photo_moves_to_the_public_bucket_and_back(
    client, people, buckets, django_capture_on_commit_callbacks
):
    submission = make_submission(people)
    staff = people["users"]["staff"]
    private_names = {submission.photo.name, submission.photo_480.name}
    assert private_names == objects(buckets, "PORTAL_S3_PRIVATE_BUCKET")

    with django_capture_on_commit_callbacks(execute=True):
        submission_answer(submission=submission, actor=staff, answer="Sudah diperbaiki.")

    submission.refresh_from_db()
    public_names = {submission.photo.name, submission.photo_480.name}
    assert submission.photo_public
    assert public_names == objects(buckets, "PORTAL_S3_PUBLIC_BUCKET")
    assert objects(buckets, "PORTAL_S3_PRIVATE_BUCKET") == set()
    page = client.get(submission.get_absolute_url()).content.decode()
    assert submission.photo.url in page
    assert fetch(submission.photo.url)[0] == 200
    # Its link-preview card, drawn for the page, is private: served while the answer is public.
    (card,) = objects(buckets, "PORTAL_S3_PRIVATE_BUCKET")
    assert card.startswith("kartu/") and f"/{card}" in page
    assert client.get(f"/{card}").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        submission_answer(
            submission=submission, actor=staff, answer="Diperbarui.", keep_private=True
        )

    submission.refresh_from_db()
    assert not submission.photo_public
    assert objects(buckets, "PORTAL_S3_PUBLIC_BUCKET") == set()
    assert {submission.photo.name, submission.photo_480.name, card} == objects(
        buckets, "PORTAL_S3_PRIVATE_BUCKET"
    )
    assert client.get(submission.photo.url).status_code == 404
    assert client.get(f"/{card}").status_code == 404


def test_a_kim_logo_is_in_the_public_bucket_and_shown_from_it(client, people, buckets):
    kim = people["kim"]

    kim_update_profile(
        kim=kim, actor=people["users"]["kim_manager"], data={}, logo=jpeg("logo-kim.jpg")
    )

    kim.refresh_from_db()
    assert objects(buckets, "PORTAL_S3_PUBLIC_BUCKET") == {kim.logo.name}
    assert kim.logo.url in client.get(kim.get_absolute_url()).content.decode()
    status, body, headers = fetch(kim.logo.url)
    assert (status, body[:4], headers["content-type"]) == (200, b"RIFF", "image/webp")


@pytest.mark.parametrize("kind", KINDS)
def test_every_private_file_goes_to_allowed_roles_by_a_presigned_redirect_only(
    client, client_as, people, buckets, kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fieldfile, allowed = file_for(kind, people)
    assert fieldfile.name in objects(buckets, "PORTAL_S3_PRIVATE_BUCKET")
    assert "staff" in allowed and "resident" not in allowed

    answer = client_as(people["users"]["staff"]).get(fieldfile.url)

    assert answer.status_code == 302
    assert answer["Cache-Control"] == "private, no-store"
    status, body, headers = fetch(answer["Location"])
    assert status == 200
    assert body == stored_bytes(buckets, "PORTAL_S3_PRIVATE_BUCKET", fieldfile.name)
    if fieldfile.name.endswith(".pdf"):
        assert headers["content-type"] == "application/pdf"
        assert headers["Content-Disposition"].startswith("attachment;")
    else:
        assert headers["content-type"] in ("image/webp", "image/jpeg")
        assert headers["Content-Disposition"].startswith("inline;")
    for refused in (client_as(people["users"]["resident"]), client):
        response = refused.get(fieldfile.url)
        assert response.status_code == 404
        assert buckets["PORTAL_S3_PRIVATE_BUCKET"] not in response.content.decode()
        assert "Location" not in response


def test_a_private_material_is_downloaded_by_a_participant_through_a_short_lived_link(
    client, client_as, s3_server, settings
):
    buckets = s3_buckets_create(s3_server)
    use_buckets(settings, buckets, url_seconds=1)
    training = TrainingFactory()
    participant = RegistrationFactory(training=training).user
    content = b"%PDF-1.4 modul menulis berita desa"
    material = Material.objects.create(
        training=training, title="Modul Menulis", file=ContentFile(content, "modul.pdf")
    )
    download = material.get_absolute_url()

    answer = client_as(participant).get(download)

    assert answer.status_code == 302
    assert answer["Cache-Control"] == "private, no-store"
    link = urlsplit(answer["Location"])
    assert f"{link.scheme}://{link.netloc}" == s3_server
    assert link.path == f"/{buckets['PORTAL_S3_PRIVATE_BUCKET']}/{material.file.name}"
    query = parse_qs(link.query)
    assert query["X-Amz-Expires"] == ["1"] and query["X-Amz-Signature"]
    status, body, headers = fetch(answer["Location"])
    assert (status, body) == (200, content)
    assert headers["content-type"] == "application/pdf"
    assert headers["Content-Disposition"] == (f'attachment; filename="{material.download_name}"')
    assert headers["Cache-Control"].startswith("private")
    # The same object without the signature: refused.
    assert fetch(f"{s3_server}{link.path}")[0] == 403
    for refused in (client_as(UserFactory()), client):
        response = refused.get(download)
        assert response.status_code == 404
        assert s3_server not in response.content.decode() and "Location" not in response


class StoreRequests:
    """The operations (``GetObject``, ``CopyObject``...) the portal's storages ask of the
    object store from now on."""

    def __init__(self):
        self.operations = []
        for alias in ("default", "private"):
            events = storages[alias].connection.meta.client.meta.events
            events.register("before-call.s3", self.seen)

    def seen(self, event_name, **kwargs):
        self.operations.append(event_name.rsplit(".", 1)[-1])

    @property
    def count(self) -> int:
        return len(self.operations)


def test_pages_with_photos_ask_the_object_store_for_nothing(
    client, client_as, people, buckets, django_capture_on_commit_callbacks
):
    staff = people["users"]["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        published = draft_post(people, Post.Status.SUBMITTED)
        post_publish(post=published, actor=staff)
        draft = draft_post(people)
    requests = StoreRequests()
    author = client_as(people["users"]["author"])

    pages = [
        client.get(reverse("home")),
        client.get(reverse("news:post-list")),
        client.get(published.get_absolute_url()),
        client.get(reverse("news:feed")),
        author.get(reverse("news:post-update", args=[draft.slug])),
    ]

    assert [page.status_code for page in pages] == [200] * 5
    cover = published.photos.get()
    assert cover.image_480.url in pages[0].content.decode()
    assert draft.photos.get().image_960.url in pages[4].content.decode()
    # Only the feed asks, once, for the size of its one enclosure; then it is in the cache.
    assert requests.count == 1
    assert client.get(reverse("news:feed")).status_code == 200
    assert requests.count == 1


def test_backup_with_media_on_object_storage_says_it_holds_the_database_only(buckets, tmp_path):
    out, err = io.StringIO(), io.StringIO()

    call_command("backup", output=tmp_path, stdout=out, stderr=err)

    assert "Backup written" in out.getvalue() and "files: none" in out.getvalue()
    assert "this archive holds the database only" in err.getvalue()
    assert buckets["PORTAL_S3_PRIVATE_BUCKET"] in err.getvalue()


# --- Production startup ---------------------------------------------------------------------


def s3_production_env(s3_server, **changes: str | None) -> dict[str, str]:
    """A production environment with two buckets made in ``s3_server``, then ``changes``."""
    env = production_env(**s3_buckets_create(s3_server))
    return production_env(**{**env, **changes}) if changes else env


SHOW_SETTINGS = """
import json
from django.conf import settings
from django.core.files.storage import storages
print(json.dumps({
    "backends": [settings.STORAGES[a]["BACKEND"] for a in ("default", "private")],
    "buckets": [storages[a].bucket_name for a in ("default", "private")],
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "public_url": storages["default"].url("berita/ab/foto.webp"),
    "seconds": storages["private"].querystring_expire,
}))
"""


def test_the_environment_alone_switches_the_storages_and_the_image_policy(s3_server):
    env = s3_production_env(
        s3_server,
        PORTAL_S3_PUBLIC_URL="https://media.kim.example.go.id/",
        PORTAL_PRIVATE_FILES_URL_SECONDS="30",
    )

    result = run([sys.executable, "manage.py", "shell", "-c", SHOW_SETTINGS], env)

    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.splitlines()[-1])
    assert shown["backends"] == [
        "core.object_storage.PublicBucketStorage",
        "core.object_storage.PrivateBucketStorage",
    ]
    assert shown["buckets"] == [env["PORTAL_S3_PUBLIC_BUCKET"], env["PORTAL_S3_PRIVATE_BUCKET"]]
    # Public photos from the CDN address, private ones by a redirect to the store itself.
    assert shown["img_src"] == ["'self'", "data:", "https://media.kim.example.go.id", s3_server]
    assert shown["public_url"] == "https://media.kim.example.go.id/berita/ab/foto.webp"
    assert shown["seconds"] == 30


def test_gunicorn_refuses_a_missing_bucket_in_one_line(s3_server):
    env = s3_production_env(s3_server, PORTAL_S3_PRIVATE_BUCKET="kim-private-never-created")

    result = run([GUNICORN, "kim_portal.wsgi", "--bind", "127.0.0.1:0"], env)

    assert_refused_in_one_line(result, "PORTAL_S3_PRIVATE_BUCKET")
    assert "kim-private-never-created" in result.stderr and "no such bucket" in result.stderr


def test_the_task_worker_refuses_an_object_store_that_does_not_answer(s3_server):
    nowhere = f"http://127.0.0.1:{free_port()}"
    env = s3_production_env(s3_server, PORTAL_S3_ENDPOINT_URL=nowhere)

    result = run([sys.executable, "manage.py", "task_worker"], env)

    assert_refused_in_one_line(result, "PORTAL_S3_ENDPOINT_URL")
    assert nowhere in result.stderr


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        ({"PORTAL_S3_PRIVATE_BUCKET": None}, "PORTAL_S3_PRIVATE_BUCKET"),
        ({"PORTAL_S3_PUBLIC_BUCKET": ""}, "PORTAL_S3_PUBLIC_BUCKET"),
        ({"PORTAL_S3_PRIVATE_BUCKET": "kim-media"}, "PORTAL_S3_PRIVATE_BUCKET"),
        ({"PORTAL_S3_PUBLIC_URL": "cdn.kim.example.go.id"}, "PORTAL_S3_PUBLIC_URL"),
        ({"PORTAL_PRIVATE_FILES_URL_SECONDS": "0"}, "PORTAL_PRIVATE_FILES_URL_SECONDS"),
    ],
    ids=["only-public", "only-private", "same-bucket", "public-url", "no-lifetime"],
)
def test_every_process_refuses_media_on_object_storage_configured_by_half(changes, variable):
    env = production_env(
        PORTAL_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        PORTAL_S3_PUBLIC_BUCKET="kim-media",
        PORTAL_S3_PRIVATE_BUCKET="kim-media-private",
    )
    env = production_env(**{**env, **changes})

    result = run([sys.executable, "manage.py", "migrate"], env)

    assert_refused_in_one_line(result, variable)


def test_check_deploy_reports_a_missing_bucket(s3_server):
    env = s3_production_env(s3_server, PORTAL_S3_PUBLIC_BUCKET="kim-public-never-created")

    result = run([sys.executable, "manage.py", "check", "--deploy"], env)

    assert result.returncode == 1
    assert "(kim_portal.E004) PORTAL_S3_PUBLIC_BUCKET=kim-public-never-created" in result.stderr


def test_a_private_file_gone_from_its_bucket_is_a_404_not_a_redirect(client_as, people, buckets):
    fieldfile, _allowed = file_for("sk_document", people)
    s3_client(buckets["PORTAL_S3_ENDPOINT_URL"]).delete_object(
        Bucket=buckets["PORTAL_S3_PRIVATE_BUCKET"], Key=fieldfile.name
    )

    assert client_as(people["users"]["staff"]).get(fieldfile.url).status_code == 404

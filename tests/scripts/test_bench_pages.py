"""The page list and the tables of the load benchmark (scripts/bench_pages.py)."""

import sys
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.utils import timezone

from aspirations.models import Category as AspirationCategory
from aspirations.models import Submission
from news.models import PostPhoto
from tests.factories import MembershipFactory, PostFactory, UserFactory
from tests.trainings.factories import TrainingFactory

sys.path.insert(0, str(Path(settings.BASE_DIR) / "scripts"))

from bench_pages import (  # noqa: E402
    MEMBER_EMAIL,
    Page,
    markdown_report,
    member_session,
    p95_comparison,
    page_list,
)


def test_every_bench_page_answers_for_its_reader(db):
    post = PostFactory()
    PostPhoto.objects.create(post=post, image="news/foto.webp", width=1600, height=900)
    MembershipFactory(kim=post.kim, user=UserFactory(email=MEMBER_EMAIL))
    TrainingFactory()
    Submission.objects.create(
        code="BENCH12345",
        kind=Submission.Kind.ASPIRATION,
        category=AspirationCategory.objects.first(),
        title="Lampu jalan mati",
        text="Lampu jalan di simpang pasar mati sejak sebulan.",
        village=post.village,
        district=post.district,
        submitter_name="Sari",
        submitter_phone="081298765432",
        status=Submission.Status.ANSWERED,
        answer="Sudah diperbaiki.",
        answered_at=timezone.now() - timedelta(hours=1),
    )
    cookie_name, cookie_value = member_session()
    anonymous, member = Client(), Client()
    member.cookies[cookie_name] = cookie_value

    pages = page_list()

    assert {"news detail", "KIM profile", "village page", "training detail"} <= {
        page.label for page in pages
    }
    assert "aspiration detail" in {page.label for page in pages}
    for page in pages:
        if page.path.endswith("?page=50"):
            continue  # needs 50 pages of posts
        response = (member if page.member else anonymous).get(page.path)
        assert response.status_code == 200, page
        assert response.wsgi_request.user.is_authenticated == page.member, page


def _row(page: Page, *, rps: float, bare_rps: float) -> dict:
    load = {"rps": rps, "p50": 10.0, "p95": 20.0, "errors": 0}
    return {
        "page": page,
        "status": 200,
        "queries": "1 / 8",
        "bytes": 20_480,
        "gzip_bytes": 4_096,
        "alone": 12.0,
        "loads": {16: {**load, "portal_rps": 1000.0, "bare_rps": bare_rps}},
    }


def test_report_holds_cached_pages_to_a_quarter_and_uncached_to_a_thirtieth():
    rows = [
        _row(Page("home", "/"), rps=1000.0, bare_rps=3000.0),
        _row(Page("news list", "/berita/"), rps=500.0, bare_rps=3000.0),
        _row(Page("member: home", "/", uncached=True, member=True), rps=150.0, bare_rps=3000.0),
        _row(Page("search common", "/cari/?q=warga", uncached=True), rps=50.0, bare_rps=3000.0),
    ]

    report = markdown_report(rows, title="10,000 posts")

    lines = {line.split(" | ")[0].lstrip("| "): line for line in report.splitlines()[-4:]}
    assert lines["home"].endswith("| 1/3.0 | 1/4 | yes |")
    assert lines["news list"].endswith("| 1/6.0 | 1/4 | **no** |")
    assert lines["member: home"].endswith("| 1/20.0 | 1/30 | yes |")
    assert lines["search common"].endswith("| 1/60.0 | 1/30 | **no** |")
    assert "| home | `/` | 200 | 1 / 8 | 20.0 | 4.0 | 12 |" in report


def test_p95_comparison_flags_rows_that_grow_more_than_a_fifth():
    smaller = {
        "posts": 10_000,
        "p95": {"home|16": 40.0, "feed|16": 50.0, "sitemap|4": 80.0, "gone|4": 9.0},
    }
    larger = {
        "posts": 1_000_000,
        "p95": {"home|16": 44.0, "feed|16": 75.0, "sitemap|4": None},
    }

    table = p95_comparison(smaller, larger)

    assert "| home | 16 | 40.0 | 44.0 | 1.10× | yes |" in table
    assert "| feed | 16 | 50.0 | 75.0 | 1.50× | **no** |" in table
    # No request finished at a million posts: a miss, not a shorter p95.
    assert "| sitemap | 4 | 80.0 | – | – | **no** |" in table
    assert "gone" not in table

"""The pages the page-wide browser checks visit, on the demo data (``seed_demo``).

One list for every check that goes over "all the pages" (HTML validity, accessibility and touch
targets in test_page_checks.py, the data saver budget in test_budgets.py): a new page is added
here once and every such check covers it. Each entry is ``(name, address)``, the address a
function so that it can look up the demo's rows after seeding (the ``demo_data`` fixture of
conftest.py). ``MEMBER_PAGES`` are seen logged in as ``MEMBER_LOGIN`` (the demo's KIM chair).
"""

from django.urls import reverse

from aspirations.models import Submission
from digests.periods import AREA_WHOLE, week_current, week_label, week_last_finished
from groups.models import Kim
from news.models import Post
from regions.models import District, Village
from trainings.models import Training

# A word of a demo post's title (news/demo.py), found by the search page.
SEARCH_WORD = "kerupuk"
# The demo's KIM chair (accounts/demo.py): a member with a KIM to write for.
MEMBER_LOGIN = ("ketua@demo.test", "Demo-Ketua-2026")


def _first(queryset) -> str:
    found = queryset.first()
    assert found is not None, f"the demo data has no {queryset.model.__name__} for this page"
    return found.get_absolute_url()


def _answered_code() -> str:
    submission = Submission.objects.public().order_by("pk").first()
    assert submission is not None, "the demo data has no answered aspiration"
    return submission.code


PUBLIC_PAGES = [
    ("home", lambda: "/"),
    ("news list", lambda: reverse("news:post-list")),
    (
        "post with photos",
        lambda: _first(
            Post.objects.published()
            .filter(kind=Post.Kind.NEWS, photos__isnull=False)
            .distinct()
            .order_by("-published_at")
        ),
    ),
    (
        "fact check",
        lambda: _first(Post.objects.published().filter(kind=Post.Kind.FACT_CHECK).order_by("pk")),
    ),
    ("KIM list", lambda: reverse("groups:kim-list")),
    ("KIM profile", lambda: _first(Kim.objects.public().order_by("name"))),
    ("region list", lambda: reverse("regions:region-list")),
    ("district", lambda: _first(District.objects.order_by("name"))),
    ("village", lambda: _first(Village.objects.filter(kims__isnull=False).order_by("name"))),
    ("training list", lambda: reverse("trainings:training-list")),
    ("training", lambda: _first(Training.objects.public().order_by("start_date"))),
    ("aspiration list", lambda: reverse("aspirations:public-list")),
    ("answered aspiration", lambda: _first(Submission.objects.public().order_by("pk"))),
    ("aspiration form", lambda: reverse("aspirations:submit")),
    ("track page with a code", lambda: f"{reverse('aspirations:track')}?kode={_answered_code()}"),
    ("search results", lambda: f"{reverse('search')}?q={SEARCH_WORD}"),
    ("privacy", lambda: reverse("privacy")),
    ("certificate lookup", lambda: reverse("certificate-lookup")),
    (
        "weekly digest of last week",
        lambda: reverse("digests:digest", args=["kabupaten", week_label(week_last_finished())]),
    ),
    ("digest unsubscribe", lambda: reverse("digests:unsubscribe", args=["tautan-tidak-dikenal"])),
    ("login", lambda: reverse("account_login")),
    ("signup", lambda: reverse("account_signup")),
    ("weekly digest", lambda: f"/ringkasan/{AREA_WHOLE}/{week_label(week_current())}/"),
]

MEMBER_PAGES = [
    ("member's dashboard", lambda: reverse("accounts:dashboard")),
    ("post form", lambda: reverse("news:post-create")),
]

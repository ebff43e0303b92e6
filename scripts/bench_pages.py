"""The pages ``scripts/bench_news.py`` loads, and the tables it writes of them.

``page_list`` names every kind of public page, each on a realistic object of the bench database
(a recent post with a cover, its KIM, district and village, a training still to come, a recent
answered aspiration), and the rows the issue calls uncached: a logged-in member's pages, and
search for a common word and the feed with a new query string on every request (no page cache
can answer them). A page whose object is missing is left out. ``markdown_report`` turns the
measured rows into the two tables, and ``p95_comparison`` sets the p95 of two runs (10,000 and
1,000,000 posts) side by side.
"""

import math
from dataclasses import dataclass

from bench_seed import (
    COMMON_WORD,
    MEMBER_EMAIL,
    RARE_POSTS,
    RARE_WORD,
    UNCOMMON_EVERY,
    UNCOMMON_WORD,
)

# The targets: a page served from the cache gets at least 1/4 of the bare floor's
# requests per second, a page rendered for its request at least 1/30; p95 at a million posts
# within 1.2 times that at 10,000.
CACHED_TARGET, UNCACHED_TARGET = 4, 30
P95_GROWTH_TARGET = 1.2


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    # Rendered for each request: logged in, or a search or feed whose cache is defeated.
    uncached: bool = False
    # Loaded with the bench member's session cookie.
    member: bool = False
    # A new query string on every request, so no page cache can answer it.
    vary: bool = False

    @property
    def target(self) -> int:
        return UNCACHED_TARGET if self.uncached else CACHED_TARGET

    def varied(self, number: int) -> str:
        """The path with the query parameter wrk's script varies (``WRK_VARY``)."""
        return f"{self.path}{'&' if '?' in self.path else '?'}bench={number}"


def page_list() -> list[Page]:
    """Every kind of public page on the bench database's objects, then the uncached rows."""
    from aspirations.models import Submission
    from news.models import Category, Post
    from trainings.models import Training

    post = (
        Post.objects.published()
        .filter(photos__position=0, kim__isnull=False, village__isnull=False)
        .select_related("kim", "district", "village")
        .order_by("-published_at")
        .first()
    )
    category = Category.objects.order_by("pk").first()
    training = Training.objects.public().upcoming().first() or Training.objects.public().first()
    aspiration = Submission.objects.public().order_by("-answered_at", "-pk").first()
    pages = [
        Page("home", "/"),
        Page("news list", "/berita/"),
        Page("news list page 50", "/berita/?page=50"),
    ]
    if category:
        pages.append(Page("news list, one category", f"/berita/?kategori={category.slug}"))
    if post:
        pages.append(Page("news detail", post.get_absolute_url()))
    pages += [
        Page(f"search rare ({RARE_WORD}, {RARE_POSTS} posts)", f"/cari/?q={RARE_WORD}"),
        Page(f"search 1 in {UNCOMMON_EVERY:,} ({UNCOMMON_WORD})", f"/cari/?q={UNCOMMON_WORD}"),
        Page(f"search common ({COMMON_WORD})", f"/cari/?q={COMMON_WORD}"),
        Page("feed", "/berita/feed/"),
        Page("KIM directory", "/kim/"),
        Page("coverage", "/kim/cakupan/"),
    ]
    if post:
        pages += [
            Page("KIM profile", post.kim.get_absolute_url()),
            Page("KIM feed", f"/berita/feed/kim/{post.kim.slug}/"),
            Page("district page", f"/wilayah/{post.district.code}/"),
            Page("village page", f"/wilayah/{post.village.code}/"),
        ]
    pages.append(Page("trainings list", "/pelatihan/"))
    if training:
        pages.append(Page("training detail", training.get_absolute_url()))
    pages.append(Page("aspirations list", "/aspirasi/"))
    if aspiration:
        pages.append(Page("aspiration detail", aspiration.get_absolute_url()))
    pages += [
        Page("sitemap index", "/sitemap.xml"),
        Page("sitemap of posts", "/sitemap-berita.xml"),
        Page("member: home", "/", uncached=True, member=True),
        Page("member: news list", "/berita/", uncached=True, member=True),
        Page("member: dashboard", "/dasbor/", uncached=True, member=True),
        Page("search common, cache defeated", f"/cari/?q={COMMON_WORD}", uncached=True, vary=True),
        Page("feed, cache defeated", "/berita/feed/", uncached=True, vary=True),
    ]
    return pages


def floor_multiple(page_rps: float, floor_rps: float) -> float:
    """How many times a floor's requests per second exceed the page's (1/x of the floor)."""
    if not page_rps:
        return math.inf
    return floor_rps / page_rps


def meets_target(page: Page, load: dict) -> bool:
    return floor_multiple(load["rps"], load["bare_rps"]) <= page.target


def _fraction(multiple: float) -> str:
    return "–" if math.isinf(multiple) else f"1/{multiple:.1f}"


def markdown_report(rows: list[dict], *, title: str) -> str:
    """Two markdown tables: each page once (status, SQL, sizes), then each page under load at
    each connection count beside its two floors, with the issue's target."""
    lines = [
        f"## {title}",
        "",
        "| page | path | status | SQL (cached / fresh) | HTML KB | gzip KB | alone ms |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        page = row["page"]
        lines.append(
            f"| {page.label} | `{page.path}` | {row['status']} | {row['queries']} "
            f"| {row['bytes'] / 1024:.1f} | {row['gzip_bytes'] / 1024:.1f} | {row['alone']:.0f} |"
        )
    lines += [
        "",
        "| page | conns | req/s | p50 ms | p95 ms | portal floor req/s | of portal floor "
        "| bare floor req/s | of bare floor | target | met |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|",
    ]
    for row in rows:
        page = row["page"]
        for connections, load in sorted(row["loads"].items()):
            errors = f" ({load['errors']} errors)" if load["errors"] else ""
            # No request finished within the load time: no latency to tell.
            p50, p95 = (f"{load[q]:.1f}" if load["rps"] else "–" for q in ("p50", "p95"))
            lines.append(
                f"| {page.label} | {connections} | {load['rps']:.1f}{errors} | {p50} "
                f"| {p95} | {load['portal_rps']:.0f} "
                f"| {_fraction(floor_multiple(load['rps'], load['portal_rps']))} "
                f"| {load['bare_rps']:.0f} "
                f"| {_fraction(floor_multiple(load['rps'], load['bare_rps']))} "
                f"| 1/{page.target} | {'yes' if meets_target(page, load) else '**no**'} |"
            )
    return "\n".join(lines) + "\n"


def p95_comparison(smaller: dict, larger: dict) -> str:
    """p95 of each (page, connections) measured in both runs, and its growth from the run of
    fewer posts to that of more; a run is ``{"posts": N, "p95": {"label|conns": ms or None}}``."""
    lines = [
        f"## p95 at {larger['posts']:,} posts against {smaller['posts']:,}",
        "",
        f"| page | conns | p95 ms at {smaller['posts']:,} | p95 ms at {larger['posts']:,} "
        f"| growth | within {P95_GROWTH_TARGET}× |",
        "|---|--:|--:|--:|--:|:-:|",
    ]
    for key, before in smaller["p95"].items():
        if key not in larger["p95"]:
            continue
        label, connections = key.rsplit("|", 1)
        after = larger["p95"][key]
        # None: no request finished within the load time, a miss at the larger size.
        if before is None or after is None:
            growth, met = "–", "**no**" if after is None else "–"
        else:
            growth = f"{after / before:.2f}×"
            met = "yes" if after <= P95_GROWTH_TARGET * before else "**no**"
        lines.append(
            f"| {label} | {connections} | {_ms(before)} | {_ms(after)} | {growth} | {met} |"
        )
    return "\n".join(lines) + "\n"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def p95_by_row(rows: list[dict]) -> dict[str, float]:
    """The p95 of each (page, connections), keyed ``"label|conns"`` for ``p95_comparison``;
    None where no request finished within the load time."""
    return {
        f"{row['page'].label}|{connections}": load["p95"] if load["rps"] else None
        for row in rows
        for connections, load in row["loads"].items()
    }


def member_session() -> tuple[str, str]:
    """A session of the bench member (``MEMBER_EMAIL``) saved in the bench database, as a
    (cookie name, value) pair for the logged-in rows."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=MEMBER_EMAIL))
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def count_queries(pages: list[Page], session: tuple[str, str]) -> dict[Page, str]:
    """SQL queries of one request to each page through Django's test client in this process:
    "cached / fresh", the second right after the whole cache was cleared (a varied page gets a
    new query string each time, as under load)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous, member = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    member.cookies[session[0]] = session[1]
    counts = {}
    for page in pages:
        client = member if page.member else anonymous
        paths = [page.varied(number) if page.vary else page.path for number in range(3)]
        client.get(paths[0])  # warm-up: caches of templates, regions and content types
        with CaptureQueriesContext(connection) as cached:
            client.get(paths[1])
        cache.clear()
        with CaptureQueriesContext(connection) as fresh:
            client.get(paths[2])
        counts[page] = f"{len(cached)} / {len(fresh)}"
    return counts

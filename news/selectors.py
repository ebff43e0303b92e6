"""Reads of news for the public pages, the feeds and the sitemap.

Every public read starts from ``post_list_public()``: published posts of the portal's area,
newest first, which is the order of the partial indexes on published posts (``status =
'terbit'``, ``published_at DESC, id DESC``, optionally after district, KIM or category).
"""

import functools
import re
from datetime import timedelta

import nh3
from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import F, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from psycopg2 import sql

from accounts.models import User
from accounts.personal_data import export_date
from core.cache import cache_computed
from core.db import joins_in_written_order
from groups.models import Kim
from news.cache import cached
from news.models import Category, Post, PostPhoto
from regions.models import District, Village

# Card lists never show these; leaving them out keeps a page of 20 cards small.
CARD_DEFERRED = ("body", "body_html", "search_vector", "claim", "evidence", "review_note")
# A featured post leaves the home page after this long, so that scanning for featured posts
# stays a short walk down the newest-first index.
FEATURED_MAX_AGE = timedelta(days=60)
SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 100
# The snippet of a result is taken from the first this many characters of its lead and body:
# ts_headline parses all the text it is given, and a body may hold 30,000 characters. A news
# post's lead and body are mostly well under this, so their snippets are the same as before.
SEARCH_SNIPPET_CHARS = 6000
# The 'indonesian' configuration stems words but has no stop-word list, and a search matches
# only posts containing every word; these function words are dropped from unquoted searches.
SEARCH_STOP_WORDS = frozenset(
    "dan yang di ke dari untuk ini itu dengan pada dalam atau oleh juga akan sebagai adalah "
    "bagi para tentang kepada serta tersebut".split()
)
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_MARKDOWN_HEADING = re.compile(r"(?m)^#{1,6}\s+")


# Categories change only when staff edit them in the admin, which forgets this copy.
CATEGORY_CACHE_SECONDS = 300
_CATEGORY_CACHE_KEY = "news:categories"


def category_list() -> list[Category]:
    """Every category in its order, cached (the list filters show them on every request)."""
    return cache_computed(
        _CATEGORY_CACHE_KEY, lambda: list(Category.objects.all()), seconds=CATEGORY_CACHE_SECONDS
    )


def category_cache_clear() -> None:
    cache.delete(_CATEGORY_CACHE_KEY)


def post_list_public() -> QuerySet[Post]:
    """Published posts of the portal's area (a district in it, or Dinkominfo's own), newest first.

    Filter it, then turn it into cards with ``post_list_cards``.
    """
    posts = Post.objects.published()
    if settings.PORTAL_AREA_CODE:
        posts = posts.filter(Q(kim__isnull=True) | Q(district__in=District.objects.in_area()))
    return posts.order_by("-published_at", "-id")


def post_list_cards(*, posts: QuerySet[Post]) -> QuerySet[Post]:
    """``posts`` with what a card shows (place, KIM, category, cover) and without the body."""
    return posts.for_list().defer(*CARD_DEFERRED)


def post_list_home(*, featured_limit: int = 3, latest_limit: int = 8) -> dict[str, list[Post]]:
    """The home page's featured posts (recent ones only) and the latest others, as cards.

    Both come from one query: the newest featured posts and the newest posts (enough of them
    to leave ``latest_limit`` once the featured ones are taken out), a UNION of two short
    walks down the index of published posts. The cards are cached for the news version
    (``news.cache``).
    """
    return cached(
        f"home:{featured_limit}:{latest_limit}",
        lambda: _home_cards(featured_limit=featured_limit, latest_limit=latest_limit),
    )


# Not planned in written order (``joins_in_written_order``): the cards are chosen by a
# subquery, which that order would join after every post of the table (1.5 s at a million).
def _home_cards(*, featured_limit: int, latest_limit: int) -> dict[str, list[Post]]:
    public = post_list_public()
    since = timezone.now() - FEATURED_MAX_AGE
    candidates = (
        public.filter(is_featured=True, published_at__gte=since)
        .values("pk")[:featured_limit]
        .union(public.values("pk")[: latest_limit + featured_limit])
    )
    posts = list(post_list_cards(posts=Post.objects.filter(pk__in=candidates)))
    featured = [post for post in posts if post.is_featured and post.published_at >= since]
    featured = featured[:featured_limit]
    latest = [post for post in posts if post not in featured][:latest_limit]
    return {"featured": featured, "latest": latest}


@joins_in_written_order()
def post_list_for_kim(*, kim: Kim, limit: int = 4) -> list[Post]:
    """The latest published posts of one KIM, as cards."""
    return list(post_list_cards(posts=post_list_public().filter(kim=kim))[:limit])


def post_list_for_village(*, village: Village, limit: int = 6) -> list[Post]:
    """The latest published posts of one village, as cards (the village's page)."""
    posts = post_list_public().filter(district_id=village.district_id, village_id=village.pk)
    return list(post_list_cards(posts=posts)[:limit])


def post_get_for_detail(*, slug: str) -> Post:
    """A post of the area in any status, with all its photos and tags; raises DoesNotExist.

    Whether the person asking may see it is ``groups.permissions.can_view_post``'s answer. A
    public post is kept in the cache for the news version (``news.cache``), without its
    author's email, phone or password hash; a draft or a scheduled post is always read fresh.
    """
    return cached(f"post:{slug}", lambda: _post_for_detail(slug=slug), keep=_is_public)


def _is_public(post: Post) -> bool:
    return post.is_public


@joins_in_written_order()
def _post_for_detail(*, slug: str) -> Post:
    posts = Post.objects.all()
    if settings.PORTAL_AREA_CODE:
        posts = posts.filter(Q(kim__isnull=True) | Q(district__in=District.objects.in_area()))
    return (
        posts.select_related("kim", "district", "village", "category", "author")
        .prefetch_related(
            Prefetch(
                "photos", queryset=PostPhoto.objects.order_by("position"), to_attr="photo_list"
            ),
            "tags",
        )
        .defer("search_vector", "author__password", "author__email", "author__phone")
        .get(slug=slug)
    )


def post_list_related(*, post: Post, limit: int = 4) -> list[Post]:
    """Published posts of the same district, then of the same category, as cards ("Baca juga").

    Each side is a short walk down its own partial index; both run as one UNION. The cards
    are kept in the cache for the news version (``news.cache``).
    """
    return cached(f"related:{post.pk}:{limit}", lambda: _related_cards(post=post, limit=limit))


# Chosen by a subquery, as the home's cards: planned freely (see ``_home_cards``).
def _related_cards(*, post: Post, limit: int) -> list[Post]:
    public = post_list_public().exclude(pk=post.pk)
    same_category = public.filter(category_id=post.category_id).values("pk")[:limit]
    if post.district_id is None:
        candidates = same_category
    else:
        same_district = public.filter(district_id=post.district_id).values("pk")[:limit]
        candidates = same_district.union(same_category)
    posts = list(post_list_cards(posts=Post.objects.filter(pk__in=candidates)))
    posts.sort(key=lambda other: other.district_id != post.district_id or post.district_id is None)
    return posts[:limit]


SEARCH_RANK_WINDOW = 500
# The statements over the window of ranked matches (see ``RankedSearch``), which stands in
# them as ``window``: composed by psycopg2's ``sql`` module, values passed as parameters.
_WINDOW_RANKED = sql.SQL(
    "SELECT id FROM ({window}) AS window_(id, published_at, rank)"
    " ORDER BY rank DESC, published_at DESC, id DESC"
)


def search_text_normalise(text: str) -> str:
    """What someone typed as search reads it: lower case (the search ignores case), spaces
    collapsed, at most ``SEARCH_MAX_LENGTH`` characters, words in their order. The search page
    shows and searches this, so it is the page's key in the page cache."""
    return " ".join(text.split()).lower()[:SEARCH_MAX_LENGTH].strip()


def search_query_for(text: str) -> SearchQuery | None:
    """The full-text query for what someone typed (web search syntax), or None if too short.

    ``"kata kata"`` searches a phrase, ``-kata`` excludes a word, ``or`` gives alternatives.
    """
    text = " ".join(text.split())[:SEARCH_MAX_LENGTH]
    if len(text) < SEARCH_MIN_LENGTH:
        return None
    if '"' not in text:
        words = [word for word in text.split() if word.lower() not in SEARCH_STOP_WORDS]
        if words:
            text = " ".join(words)
    return SearchQuery(text, config="indonesian", search_type="websearch")


class RankedSearch:
    """Matches of a search, best first, as a sequence that ``CappedPaginator`` counts and slices.

    Only the newest ``SEARCH_RANK_WINDOW`` matches are ranked: a word found in most of a million
    posts would otherwise be ranked a million times (seconds) while a reader wants recent news.
    The rank is computed in the same walk that finds the matches (their rows are read there
    anyway), a page of ids is chosen from that window, and only those 20 become cards: joining
    every match to its KIM and place before ranking cost ten times as much at a million posts.
    """

    def __init__(self, *, posts: QuerySet[Post], query: SearchQuery):
        window = (
            posts.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-published_at", "-id")
            .values_list("pk", "published_at", "rank")[:SEARCH_RANK_WINDOW]
        )
        try:
            window_sql, params = window.query.sql_with_params()
        except EmptyResultSet:
            window_sql, params = None, ()
        self._window, self._params = window_sql, tuple(params)

    def _rows(self, statement: sql.Composable) -> list[tuple]:
        """Rows of ``statement`` with the window of ranked matches in its place."""
        if self._window is None:
            return []
        query = statement.format(window=sql.SQL(self._window))
        with connections[router.db_for_read(Post)].cursor() as cursor:
            cursor.execute(query, self._params)
            return cursor.fetchall()

    @functools.cached_property
    def _ranked_ids(self) -> list[int]:
        """Every id of the window, best first: one walk serves both the count and the page
        (at most ``SEARCH_RANK_WINDOW`` integers, cheaper than ranking the window twice)."""
        return [row[0] for row in self._rows(_WINDOW_RANKED)]

    def count(self) -> int:
        return len(self._ranked_ids)

    def __len__(self) -> int:
        return self.count()

    def page_ids(self, start: int, stop: int) -> list[int]:
        return self._ranked_ids[start:stop]

    def __getitem__(self, index: slice) -> list[Post]:
        """The posts of ``index`` (a slice, as a paginator asks) as cards, best first."""
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("RankedSearch takes a slice without a step")
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = SEARCH_RANK_WINDOW
        ids = self.page_ids(start, stop)
        with joins_in_written_order():
            cards = post_list_cards(posts=Post.objects.filter(pk__in=ids))
            cards = {post.pk: post for post in cards}
        return [cards[pk] for pk in ids if pk in cards]

    def explain(self) -> str:
        """The plan of one page's query (for tests and for looking at it)."""
        rows = self._rows(sql.SQL("EXPLAIN " + _WINDOW_RANKED.string + " LIMIT 20"))
        return "\n".join(row[0] for row in rows)


def post_list_search(*, posts: QuerySet[Post], query: SearchQuery) -> RankedSearch:
    """``posts`` matching ``query``, best match first (title words weigh more than the lead's,
    the lead's more than the body's), as a ``RankedSearch`` of cards."""
    return RankedSearch(posts=posts, query=query)


def post_search_snippets(*, posts: list[Post], query: SearchQuery) -> dict[int, SafeString]:
    """Highlighted snippets of the lead and body of ``posts`` (one page), keyed by post id.

    PostgreSQL marks the matching words (in the first ``SEARCH_SNIPPET_CHARS`` characters);
    everything else is the author's text, so the result is cleaned down to ``<mark>`` alone.
    """
    if not posts:
        return {}
    rows = (
        Post.objects.filter(pk__in=[post.pk for post in posts])
        .annotate(
            snippet=SearchHeadline(
                Substr(
                    Concat("lead", Value("\n"), "body", output_field=TextField()),
                    1,
                    SEARCH_SNIPPET_CHARS,
                ),
                query,
                config="indonesian",
                start_sel="<mark>",
                stop_sel="</mark>",
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("pk", "snippet")
    )
    snippets = {}
    for pk, snippet in rows:
        text = _MARKDOWN_LINK.sub(r"\1", snippet)
        text = _MARKDOWN_HEADING.sub("", _MARKDOWN_EMPHASIS.sub("", text))
        # Safe: nh3 keeps only <mark> (without attributes) and escapes all other text.
        snippets[pk] = mark_safe(nh3.clean(text, tags={"mark"}, attributes={}))
    return snippets


def post_list_for_feed(*, kim: Kim | None = None, district: District | None = None) -> list[Post]:
    """The 30 latest published posts (of a KIM or a district), with author, cover and tags,
    kept in the cache for the news version (``news.cache``) without the authors' contact
    details: a feed reader polling with a query string of its own still reads no post."""
    name = f"feed:{kim.pk if kim else '-'}:{district.pk if district else '-'}"
    return cached(name, lambda: _feed_posts(kim=kim, district=district))


@joins_in_written_order()
def _feed_posts(*, kim: Kim | None, district: District | None) -> list[Post]:
    posts = post_list_public()
    if kim is not None:
        posts = posts.filter(kim=kim)
    if district is not None:
        posts = posts.filter(district=district)
    posts = post_list_cards(posts=posts).select_related("author").prefetch_related("tags")
    return list(posts.defer("author__password", "author__email", "author__phone")[:30])


def post_list_for_sitemap() -> QuerySet[Post]:
    """Published posts of the area, oldest first (so sitemap pages stay stable), slug only."""
    return post_list_public().order_by("published_at", "id").only("slug", "updated_at")


def post_count_waiting_for_review() -> int:
    """Posts waiting in the review queue, in one query (for the staff dashboard)."""
    return Post.objects.filter(status=Post.Status.SUBMITTED).count()


def post_data_export(*, user: User) -> list[dict]:
    """A person's posts, whatever their status, with tags and photos, for their data export
    (``accounts.personal_data``)."""
    posts = (
        Post.objects.filter(author=user)
        .select_related("kim", "category")
        .prefetch_related(
            "tags", Prefetch("photos", queryset=PostPhoto.objects.order_by("position"))
        )
        .defer("search_vector", "body_html")
        .order_by("created_at", "pk")
    )
    return [
        {
            "title": post.title,
            "slug": post.slug,
            "kind": post.kind,
            "status": post.status,
            "kim": post.kim.name if post.kim_id else None,
            "category": post.category.name,
            "tags": [tag.name for tag in post.tags.all()],
            "lead": post.lead,
            "body": post.body,
            "claim": post.claim,
            "claim_source": post.claim_source,
            "verdict": post.verdict,
            "evidence": post.evidence,
            "review_note": post.review_note,
            "created_at": export_date(post.created_at),
            "submitted_at": export_date(post.submitted_at),
            "published_at": export_date(post.published_at),
            "photos": [
                {"alt_text": photo.alt_text, "caption": photo.caption, "credit": photo.credit}
                for photo in post.photos.all()
            ],
        }
        for post in posts
    ]

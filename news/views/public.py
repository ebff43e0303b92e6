"""Public news pages: the list, a post and search. Anyone reads published posts; a post not
published yet only its author, its KIM's managers and staff (anyone else gets 404).

Lists never count every published post: ``CappedPaginator`` counts up to ``MAX_PAGES`` pages
and offers no deeper page. Older news is reached by narrowing the list (district, KIM,
category) or by searching; crawlers find every post in the sitemap.
"""

import functools
import hashlib
from math import ceil
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, ListView

from core.db import joins_in_written_order
from core.page_cache import public_page
from core.sharing import (
    share_context,
    share_image,
    short_url,
    whatsapp_page_response,
)
from core.urls_cache import reverse_with_slug
from groups import permissions
from news.cache import cached
from news.filters import PostFilter
from news.models import Post
from news.selectors import (
    post_get_for_detail,
    post_list_cards,
    post_list_public,
    post_list_related,
    post_list_search,
    post_search_snippets,
    search_query_for,
    search_text_normalise,
)
from news.sharing import post_share_card, post_whatsapp_text
from regions.models import District

PER_PAGE = 20
MAX_PAGES = 50
# schema.org ratings of a fact check's verdict: 1 is false, 5 is true.
VERDICT_RATING = {
    Post.Verdict.HOAX: 1,
    Post.Verdict.DISINFORMATION: 1,
    Post.Verdict.MISINFORMATION: 2,
    Post.Verdict.FACT: 5,
}


class CappedPaginator(Paginator):
    """A paginator that counts rows only up to ``max_pages`` pages and serves no page beyond.

    ``count`` is at most one past the cap, so ``is_capped`` tells "more than that" apart.
    """

    max_pages = MAX_PAGES

    def __init__(self, *args, count_cache_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_cache_key = count_cache_key

    @property
    def limit(self) -> int:
        return self.per_page * self.max_pages

    @cached_property
    def count(self) -> int:
        """The capped count, cached under ``count_cache_key`` for the news version (a publish
        shows at once; see ``news.cache``)."""
        if self.count_cache_key is None:
            return self._count()
        return cached(self.count_cache_key, self._count)

    def _count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return min(self.object_list.count(), self.limit + 1)  # e.g. a RankedSearch
        # Unordered: counting needs no ranking or sorting, only the first rows found.
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.limit

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return ceil(max(1, min(self.count, self.limit) - self.orphans) / self.per_page)


def _query_string(request, *, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


class CappedListMixin:
    """A ListView paginated by ``CappedPaginator`` whose count and pages of cards are cached
    for the news version (``news.cache``) per list: the view's name and its query string
    without the page number."""

    paginate_by = PER_PAGE
    paginator_class = CappedPaginator

    @cached_property
    def list_cache_key(self) -> str:
        query = sorted(
            (key, value)
            for key, values in self.request.GET.lists()
            if key != "page"
            for value in values
        )
        digest = hashlib.sha256(repr(query).encode()).hexdigest()[:32]
        return f"{type(self).__name__}:{digest}"

    def get_paginator(self, queryset, per_page, **kwargs):
        key = f"count:{self.list_cache_key}"
        return super().get_paginator(queryset, per_page, count_cache_key=key, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, posts, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = cached(
            f"page:{self.list_cache_key}:{page.number}", functools.partial(_evaluated, posts)
        )
        return paginator, page, page.object_list, is_paginated


@joins_in_written_order()
def _evaluated(posts) -> list:
    return list(posts)


def _feed_url(filterset: PostFilter) -> str:
    """The RSS feed matching the list: of the KIM or district filtered by, else of all news."""
    if filterset.is_bound and filterset.is_valid():
        kim = filterset.form.cleaned_data.get("kim")
        if kim is not None:
            return reverse("news:feed-kim", kwargs={"slug": kim.slug})
        if isinstance(filterset.region, District):
            return reverse("news:feed-district", kwargs={"code": filterset.region.code})
    return reverse("news:feed")


@public_page
class PostListView(CappedListMixin, ListView):
    template_name = "news/post_list.html"
    context_object_name = "posts"

    def get_queryset(self):
        self.filterset = PostFilter(
            self.request.GET or None, queryset=post_list_public(), request=self.request
        )
        return post_list_cards(posts=self.filterset.qs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset,
            active_kim=self.filterset.form.cleaned_data.get("kim")
            if self.filterset.is_valid()
            else None,
            query_string=_query_string(self.request),
            feed_url=_feed_url(self.filterset),
            **kwargs,
        )


@public_page(query={"q": search_text_normalise})
class SearchView(CappedListMixin, ListView):
    """Full-text search over published posts (PostgreSQL, 'indonesian' stemming), best first."""

    template_name = "news/search.html"
    context_object_name = "posts"

    def get_queryset(self):
        self.text = search_text_normalise(self.request.GET.get("q", ""))
        self.query = search_query_for(self.text)
        self.filterset = PostFilter(
            self.request.GET or None, queryset=post_list_public(), request=self.request
        )
        if self.query is None:
            return Post.objects.none()
        return post_list_search(posts=self.filterset.qs, query=self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            filter=self.filterset,
            q=self.text,
            searched=self.query is not None,
            query_string=_query_string(self.request),
            **kwargs,
        )
        if self.query is not None:
            posts = list(context["posts"])
            snippets = post_search_snippets(posts=posts, query=self.query)
            for post in posts:
                post.snippet = snippets.get(post.pk, "")
            context["posts"] = context["object_list"] = posts
        return context


@public_page
class PostDetailView(DetailView):
    template_name = "news/post_detail.html"
    context_object_name = "post"

    def get_object(self, queryset=None):
        try:
            post = post_get_for_detail(slug=self.kwargs["slug"])
        except Post.DoesNotExist as err:
            raise Http404 from err
        if not permissions.can_view_post(self.request.user, post):
            raise Http404
        return post

    def get_context_data(self, **kwargs):
        post, request = self.object, self.request
        url = request.build_absolute_uri(post.get_absolute_url())
        cover = post.photo_list[0] if post.photo_list else None
        share_image_ = None
        if post.kind == Post.Kind.FACT_CHECK or cover is None or not cover.image_960:
            # A fact check shows its verdict in the preview, whatever its photo.
            share_image_ = share_image(request, post_share_card(post))
        else:
            # The JPEG share rendition when there is one: link previews may not show WebP.
            shared = cover.image_share or cover.image_960
            width = min(1200 if cover.image_share else 960, cover.width)
            share_image_ = {
                "url": request.build_absolute_uri(shared.url),
                "type": "image/jpeg" if cover.image_share else "image/webp",
                "width": width,
                "height": round(cover.height * width / cover.width) if cover.width else 0,
                "alt": cover.alt_text,
            }
        share = {}
        if post.is_public:
            text = post_whatsapp_text(post, url=short_url(post, request))
            page_url = reverse_with_slug("news:post-whatsapp", post.slug)
            share = share_context(request, text=text, page_url=page_url)
        return super().get_context_data(
            cover=cover,
            extra_photos=post.photo_list[1:],
            tags=list(post.tags.all()),
            related=post_list_related(post=post),
            canonical_url=url,
            share_image=share_image_,
            og={
                "type": "article",
                "url": url,
                "title": post.title,
                "description": post.lead,
                "image": share_image_,
            },
            share=share,
            share_links={
                "whatsapp": share.get("whatsapp_url", ""),
                "facebook": "https://www.facebook.com/sharer/sharer.php?u=" + quote(url, safe=""),
            },
            structured_data=post_structured_data(
                post=post,
                url=url,
                image_url=share_image_["url"] if share_image_ else None,
                home_url=request.build_absolute_uri(reverse("home")),
            ),
            feed_url=reverse("news:feed-kim", kwargs={"slug": post.kim.slug})
            if post.kim_id
            else reverse("news:feed"),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            # A preview for its author and reviewers must not sit in any shared cache.
            patch_cache_control(response, private=True, no_store=True)
        return response


class PostWhatsAppView(View):
    """The WhatsApp message of a published post in a text box (``<post>/whatsapp/``)."""

    def get(self, request, slug):
        try:
            post = post_get_for_detail(slug=slug)
        except Post.DoesNotExist as err:
            raise Http404 from err
        if not post.is_public:
            raise Http404
        return whatsapp_page_response(
            request,
            heading=post.title,
            back_url=post.get_absolute_url(),
            text=post_whatsapp_text(post, url=short_url(post, request)),
        )


def post_structured_data(*, post: Post, url: str, image_url: str | None, home_url: str) -> list:
    """schema.org JSON-LD of a post: a NewsArticle, and a ClaimReview for a fact check."""
    publisher = {"@type": "Organization", "name": settings.PORTAL_OFFICE_NAME, "url": home_url}
    authors = [{"@type": "Person", "name": post.author.name}] if post.author_id else []
    if post.kim_id:
        authors.append({"@type": "Organization", "name": post.kim.name})
    authors = authors or [publisher]
    published = post.published_at.isoformat() if post.published_at else None
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": post.title,
        "description": post.lead,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": published,
        "dateModified": post.updated_at.isoformat(),
        "inLanguage": "id",
        "articleSection": post.category.name,
        "keywords": [tag.name for tag in post.tags.all()],
        "author": authors,
        "publisher": publisher,
    }
    if image_url:
        article["image"] = [image_url]
    data = [article]
    if post.kind == Post.Kind.FACT_CHECK and post.verdict:
        review = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": url,
            "claimReviewed": post.claim,
            "datePublished": published,
            "author": authors[-1] if post.kim_id else publisher,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": VERDICT_RATING[post.verdict],
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": str(post.get_verdict_display()),
            },
            "itemReviewed": {"@type": "Claim"},
        }
        if post.claim_source:
            appearance = {"@type": "CreativeWork", "text": post.claim_source}
            review["itemReviewed"].update(appearance=[appearance], firstAppearance=appearance)
        data.append(review)
    return data

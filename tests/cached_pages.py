"""What the version tests of the anonymous page cache (tests/<app>/test_page_cache.py) share."""


def cached(client, url, django_assert_num_queries) -> str:
    """The page as an anonymous reader gets it, once rendered and once from the cache."""
    html = client.get(url).content.decode()
    with django_assert_num_queries(0):
        assert client.get(url).content.decode() == html
    return html

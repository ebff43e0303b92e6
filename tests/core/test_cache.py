"""The shared cache helpers: what is kept, what is computed again, and how a version bump
forgets a whole namespace at once."""

import pytest
from django.core.cache import cache

from core.cache import cache_computed, cache_versioned, version_bump


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def counting(values):
    calls = []

    def compute():
        calls.append(1)
        return values[len(calls) - 1]

    return compute, calls


def test_a_computed_value_is_kept_and_none_is_computed_again():
    compute, calls = counting(["a", "b"])
    assert cache_computed("k", compute, seconds=60) == "a"
    assert cache_computed("k", compute, seconds=60) == "a"
    assert len(calls) == 1

    nothing, calls = counting([None, None])
    assert cache_computed("n", nothing, seconds=60) is None
    assert cache_computed("n", nothing, seconds=60) is None
    assert len(calls) == 2


def test_keep_decides_whether_a_value_is_kept():
    compute, calls = counting([[], [1]])
    assert cache_computed("parts", compute, seconds=60, keep=bool) == []
    assert cache_computed("parts", compute, seconds=60, keep=bool) == [1]
    assert cache_computed("parts", compute, seconds=60, keep=bool) == [1]
    assert len(calls) == 2


def test_a_version_bump_forgets_its_namespace_only():
    news, news_calls = counting(["old", "new"])
    other, other_calls = counting(["kept", "never"])
    assert cache_versioned("news", "list", news, seconds=60) == "old"
    assert cache_versioned("kims", "list", other, seconds=60) == "kept"

    version_bump("news")

    assert cache_versioned("news", "list", news, seconds=60) == "new"
    assert cache_versioned("kims", "list", other, seconds=60) == "kept"
    assert (len(news_calls), len(other_calls)) == (2, 1)

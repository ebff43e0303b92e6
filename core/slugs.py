"""Readable unique slugs for the records with public addresses (KIMs, posts, trainings)."""


def slug_unique(queryset, *, candidates: list[str], reserved=frozenset()) -> str:
    """The first candidate that is neither reserved (a page's path segment) nor the slug of a
    row of ``queryset``; else the last candidate with the lowest free number from 2 (``-2``,
    ``-3``, ...). Every candidate starts with the first one, so one query reads what is taken."""
    taken = set(reserved) | set(
        queryset.filter(slug__startswith=candidates[0]).values_list("slug", flat=True)
    )
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    number = 2
    while f"{candidates[-1]}-{number}" in taken:
        number += 1
    return f"{candidates[-1]}-{number}"

"""Database helpers shared by the apps."""

from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from core.db_router import read_alias


@contextmanager
def joins_in_written_order():
    """Plan the queries run inside with their joins in the order Django writes them.

    A card query joins a post to its KIM, district, village and category (and author): each
    join is to one row by primary key, so the order written (the post first) is the best one,
    yet PostgreSQL spends longer weighing the others (~1.5 ms) than running the query
    (~0.3 ms). ``join_collapse_limit = 1`` skips that search, for these queries only: in a
    transaction of its own (``SET LOCAL``) on the database the request reads (the primary or
    its replica). Inside a caller's transaction it changes nothing, so that the caller's own
    queries keep the planner's choice.

    Not for a query that picks its rows by a subquery (``pk__in=<queryset>``): PostgreSQL makes
    the subquery a join too, and in written order that join comes last, after every row of the
    table was joined (a whole-table scan: 1.5 s at a million posts). Pick such rows by a list
    of ids, or leave the planner free.
    """
    using = read_alias()
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = 1")
        yield


def count_of(related: QuerySet, *, to: str) -> Coalesce:
    """An annotation counting the rows of ``related`` whose ``to`` is the outer row (0 for
    none), as a subquery: PostgreSQL evaluates it for the rows a page shows only, after ORDER
    BY and LIMIT, where a join and GROUP BY would count the related rows of every outer row
    first. ``Kim.objects.annotate(members=count_of(Membership.objects.active(), to="kim"))``.
    """
    counts = (
        related.filter(**{to: OuterRef("pk")})
        .order_by()
        .values(to)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)

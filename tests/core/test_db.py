"""core.db: the join-order hint of the public card queries."""

import pytest
from django.db import connection, transaction

from core.db import joins_in_written_order


def join_collapse_limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_hint_holds_inside_the_block_only():
    default = join_collapse_limit()
    assert default != "1"

    with joins_in_written_order():
        assert join_collapse_limit() == "1"

    assert join_collapse_limit() == default


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_the_hint_changes_nothing():
    default = join_collapse_limit()
    with transaction.atomic():
        with joins_in_written_order():
            assert join_collapse_limit() == default
        assert join_collapse_limit() == default

"""A paginator whose count reads a bounded number of rows.

A console list over a large table (every registration, every person) would run an exact
``COUNT(*)`` over all of it on every page view. ``BoundedPaginator`` counts at most
``count_limit + 1`` rows (``SELECT COUNT(*) FROM (... LIMIT n)``): below the limit the count is
exact, above it the list says "more than" the limit and pages on through it. Filters and the
search narrow a list below the limit, and exports are not bounded.
"""

from functools import cached_property

from django.core.paginator import Paginator


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count_limit: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = count_limit

    @cached_property
    def count(self) -> int:
        """The rows, exact up to ``count_limit``; ``count_limit + 1`` means "more than"."""
        return self.object_list[: self.count_limit + 1].count()

    @property
    def count_is_exact(self) -> bool:
        return self.count <= self.count_limit

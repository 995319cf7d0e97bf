"""A paginator whose count reads a bounded number of rows.

A console list over a large table (every registration, every person) would run an exact
``COUNT(*)`` over all of it on every page view. ``BoundedPaginator`` counts at most
``count_limit + 1`` rows (``SELECT COUNT(*) FROM (... LIMIT n)``): below the limit the count is
exact, above it the list says "more than" the limit and pages on through it. Filters and the
search narrow a list below the limit, and exports are not bounded.
"""

from functools import cached_property

from django.core.paginator import Paginator

from roadmap_portal.core import pagecache


class BoundedPaginator(Paginator):
    """``count_key`` (optional) names the count for ``pagecache.while_unchanged``: the count is
    then kept until the public data changes. Only for a list of public data whose filters
    read nothing else (the date included in the key when they read it)."""

    def __init__(self, object_list, per_page, *, count_limit: int, count_key=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = count_limit
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        """The rows, exact up to ``count_limit``; ``count_limit + 1`` means "more than"."""

        def counted():
            return self.object_list[: self.count_limit + 1].count()

        if self.count_key is None:
            return counted()
        return pagecache.while_unchanged(("count", self.count_limit, *self.count_key), counted)

    @property
    def count_is_exact(self) -> bool:
        return self.count <= self.count_limit

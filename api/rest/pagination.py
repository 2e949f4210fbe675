"""Pages of a collection: ``page``/``per_page`` parameters, slicing, ``next``/``prev`` links.

Every collection of the REST API is paged the same way: ``page`` (from 1) and ``per_page``
(1-500, default 50). The answer says ``total`` and gives the URLs of the ``next`` and ``prev``
pages, which the ``Link`` header repeats (RFC 8288, with ``first`` and ``last`` too). The links
keep every other parameter of the request. A page after the last one is a 404 (page 1 of an empty
collection is an empty page).

Example::

    >>> pages = PageRequest(page=2, per_page=50)
    >>> pages.slice(list(range(120)))[:3]
    [50, 51, 52]
    >>> pages.last_page(120)
    3
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Query
from starlette.datastructures import URL

T = TypeVar("T")

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


class PageNotFound(LookupError):
    """The requested page is past the last one."""


@dataclass(frozen=True)
class PageRequest:
    """Which page the client asked for."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        """Index of the first item of the page."""
        return (self.page - 1) * self.per_page

    def last_page(self, total: int) -> int:
        """The number of the last page (1 for an empty collection)."""
        return max(1, -(-total // self.per_page))

    def check(self, total: int) -> None:
        """``PageNotFound`` if this page is past the last one."""
        if self.page > self.last_page(total):
            raise PageNotFound(
                f"page {self.page} does not exist: {total} item(s) at {self.per_page} per page "
                f"make {self.last_page(total)} page(s)"
            )

    def slice(self, items: Sequence[T]) -> list[T]:
        """The items of this page (``PageNotFound`` if past the last page)."""
        self.check(len(items))
        return list(items[self.offset : self.offset + self.per_page])


def page_params(
    page: Annotated[int, Query(ge=1, description="Page number, from 1.", examples=[1])] = 1,
    per_page: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_PER_PAGE,
            description=f"Items per page, 1-{MAX_PER_PAGE}.",
            examples=[DEFAULT_PER_PAGE],
        ),
    ] = DEFAULT_PER_PAGE,
) -> PageRequest:
    """The ``page`` and ``per_page`` query parameters (a FastAPI dependency)."""
    return PageRequest(page=page, per_page=per_page)


@dataclass(frozen=True)
class PageLinks:
    """URLs of the neighbouring pages of one page, and the ``Link`` header that lists them."""

    next: str | None
    prev: str | None
    first: str
    last: str

    @classmethod
    def of(cls, url: URL, pages: PageRequest, total: int) -> PageLinks:
        """The links of page ``pages.page`` of ``total`` items, from the request's URL."""
        last = pages.last_page(total)

        def to(page: int) -> str:
            return str(url.include_query_params(page=page, per_page=pages.per_page))

        return cls(
            next=to(pages.page + 1) if pages.page < last else None,
            prev=to(pages.page - 1) if pages.page > 1 else None,
            first=to(1),
            last=to(last),
        )

    def header(self) -> str:
        """The RFC 8288 ``Link`` header value."""
        links = [
            (self.next, "next"),
            (self.prev, "prev"),
            (self.first, "first"),
            (self.last, "last"),
        ]
        return ", ".join(f'<{target}>; rel="{rel}"' for target, rel in links if target)

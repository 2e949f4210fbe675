"""Errors of the REST resources, each with its HTTP status and a message for people.

The resource code (:mod:`api.rest.resources`) raises them without knowing about HTTP; the routes
turn them into ``{"detail": "..."}`` answers with the status.

Example::

    >>> NotFound("no instrument 'x'").status
    404
"""

from __future__ import annotations


class RestError(Exception):
    """A request the API cannot answer as asked."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(RestError):
    """A parameter is malformed or names nothing known (400)."""

    status = 400


class NotFound(RestError):
    """The resource of the path does not exist (404)."""

    status = 404


class NotAcceptable(RestError):
    """No offered format fits the request (406)."""

    status = 406

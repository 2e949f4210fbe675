"""Protocol errors: an HTTP status and a message for the client.

Example::

    >>> error = ProtocolError(415, "unsupported media type text/plain")
    >>> error.status, error.message
    (415, 'unsupported media type text/plain')
"""

from __future__ import annotations


class ProtocolError(Exception):
    """A request the endpoint answers with ``status`` and the plain-text ``message``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

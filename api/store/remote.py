"""``RemoteRepository``: the Repository over a remote SPARQL 1.1 server (work in progress)."""

from __future__ import annotations

from api.settings import RemoteEndpoint


class RemoteRepository:
    """Placeholder until the remote implementation lands."""

    def __init__(self, endpoint: RemoteEndpoint, *, read_only: bool = True) -> None:
        raise NotImplementedError("the remote SPARQL repository is not implemented yet")

"""Answers kept until the next write (api.response_cache): replayed exactly, never stale."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from api.app import _store_generation, create_app
from api.response_cache import CachedResponse, ResponseCache, ResponseCacheMiddleware
from api.settings import DEFAULT_ROOT, Settings
from tests.conftest import writable_app
from tests.gate_support import AUTH, TOKEN

OTHER_GRAPH = "urn:example:cache-test"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{OTHER_GRAPH}> {{ ?s ?p ?o }} }}"


def _count(response: object) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])  # type: ignore[attr-defined]


@pytest.fixture
def client(built_store: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A writable app over a copy of the built store, its cache on (the default)."""
    with writable_app(built_store, tmp_path, TOKEN) as test_client:
        yield test_client


def test_second_answer_is_replayed_and_identical(client: TestClient) -> None:
    for path, params in [
        ("/api/actors", {}),
        ("/queries/overview", {}),
        ("/sparql", {"query": "SELECT ?i WHERE { ?i a ocsea:EncodedInstrument }"}),
        ("/id/unga-res-74-174", {}),
    ]:
        first = client.get(path, params=params, headers={"Accept": "text/turtle, */*;q=0.1"})
        second = client.get(path, params=params, headers={"Accept": "text/turtle, */*;q=0.1"})
        assert first.status_code == second.status_code == 200, path
        assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit"), path
        assert first.content == second.content, path
        assert first.headers["content-type"] == second.headers["content-type"], path
        # per-request headers are not replayed
        assert first.headers["x-request-id"] != second.headers["x-request-id"], path


def test_the_key_holds_what_the_answer_depends_on(client: TestClient) -> None:
    query = {"query": "SELECT ?i WHERE { ?i a ocsea:EncodedInstrument }"}
    json_answer = client.get("/sparql", params=query, headers={"Accept": "application/json"})
    csv_answer = client.get("/sparql", params=query, headers={"Accept": "text/csv"})
    assert csv_answer.headers["x-cache"] == "miss"
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert json_answer.content != csv_answer.content
    html = {"Accept": "text/html"}
    english = client.get("/", params={"lang": "en"}, headers=html)
    spanish = client.get("/", params={"lang": "es"}, headers=html)
    assert spanish.headers["x-cache"] == "miss" and english.text != spanish.text


def test_a_write_empties_the_cache(client: TestClient) -> None:
    before = client.get("/sparql", params={"query": COUNT})
    assert client.get("/sparql", params={"query": COUNT}).headers["x-cache"] == "hit"
    assert _count(before) == 0
    written = client.put(
        "/rdf-graph-store",
        params={"graph": OTHER_GRAPH},
        content="<urn:example:a> <urn:example:b> <urn:example:c> .",
        headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert written.status_code in (200, 201, 204), written.text
    after = client.get("/sparql", params={"query": COUNT})
    assert after.headers["x-cache"] == "miss"
    assert _count(after) == 1
    # and a SPARQL Update too
    updated = client.post(
        "/sparql",
        content=f"INSERT DATA {{ GRAPH <{OTHER_GRAPH}> {{ <urn:example:a> <urn:example:b> 2 }} }}",
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert updated.status_code in (200, 204), updated.text
    assert _count(client.get("/sparql", params={"query": COUNT})) == 2


def test_posted_queries_are_kept_updates_never(client: TestClient) -> None:
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/json"}
    first = client.post("/sparql", content=COUNT, headers=headers)
    second = client.post("/sparql", content=COUNT, headers=headers)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    form = client.post("/sparql", data={"query": COUNT}, headers={"Accept": "application/json"})
    assert form.headers["x-cache"] == "miss" and _count(form) == 0
    refused = client.post(
        "/sparql",
        data={"update": f"INSERT DATA {{ GRAPH <{OTHER_GRAPH}> {{ <urn:a> <urn:b> <urn:c> }} }}"},
    )
    assert refused.status_code in (401, 403) and "x-cache" not in refused.headers


def test_what_is_never_kept(client: TestClient) -> None:
    varying = {"query": "SELECT (RAND() AS ?r) WHERE {}"}
    answers = [client.get("/sparql", params=varying) for _ in range(2)]
    assert all("x-cache" not in a.headers for a in answers)
    assert answers[0].json() != answers[1].json()
    assert "x-cache" not in client.get("/health").headers
    authorised = client.get("/api/actors", headers=AUTH)
    assert authorised.status_code == 200 and "x-cache" not in authorised.headers
    fresh = client.get("/api/actors", headers={"Cache-Control": "no-cache"})
    assert "x-cache" not in fresh.headers
    missing = [client.get("/api/instruments/no-such-instrument") for _ in range(2)]
    assert missing[1].status_code == 404 and missing[1].headers.get("x-cache") == "miss"
    etag = client.get("/id/unga-res-74-174", headers={"Accept": "text/turtle"}).headers["etag"]
    conditional = client.get(
        "/id/unga-res-74-174", headers={"Accept": "text/turtle", "If-None-Match": etag}
    )
    assert conditional.status_code == 304


def test_cache_can_be_turned_off(built_store: Path) -> None:
    settings = Settings.from_env(
        {"OCSEA_ROOT": str(DEFAULT_ROOT), "OCSEA_RESPONSE_CACHE_MB": "0"}
    ).with_store(built_store)
    with TestClient(create_app(settings)) as test_client:
        for _ in range(2):
            assert "x-cache" not in test_client.get("/api/actors").headers


def test_remote_stores_are_not_cached() -> None:
    remote = SimpleNamespace(cacheable=False, generation=3)
    embedded = SimpleNamespace(cacheable=True, generation=3)
    app = SimpleNamespace(state=SimpleNamespace(engine=remote))
    assert _store_generation({"app": app}) is None
    app.state.engine = embedded
    assert _store_generation({"app": app}) == 3
    app.state = SimpleNamespace()  # before the lifespan opened the store
    assert _store_generation({"app": app}) is None


def test_cache_is_bounded_and_per_generation() -> None:
    cache = ResponseCache(max_bytes=1000, max_entry_bytes=400)
    answer = CachedResponse(200, [], b"x" * 200)  # 264 bytes with the overhead counted
    for key in "abcd":
        assert cache.put(key, 0, answer)
    assert cache.size_bytes <= 1000 and len(cache) == 3
    assert cache.get("a", 0) is None  # the least recently used went first
    assert cache.get("c", 0) is answer
    assert not cache.put("big", 0, CachedResponse(200, [], b"x" * 500))
    assert cache.get("c", 1) is None and len(cache) == 0  # another generation: emptied
    assert not cache.put("late", 0, answer)  # computed before the write: not kept


def _counting_app(status: int, body: bytes) -> tuple[list[str], ASGIApp]:
    """A bare ASGI app that answers slowly and counts the requests it answered."""
    answered: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        answered.append(scope["path"])
        await asyncio.sleep(0.2)  # long enough for the other requests to arrive meanwhile
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return answered, app


@pytest.mark.parametrize(
    ("status", "body", "expected_runs"),
    [
        (200, b"answer", 1),  # kept: the four others replay it
        (503, b"busy", 5),  # not kept: each waiting request is answered by the app
        (200, b"x" * 600, 5),  # too big to keep (max entry 400 bytes): the same
    ],
)
def test_same_requests_at_once_cost_one_answer(
    status: int, body: bytes, expected_runs: int
) -> None:
    answered, app = _counting_app(status, body)
    cache = ResponseCache(max_bytes=1600, max_entry_bytes=400)
    middleware = ResponseCacheMiddleware(app, cache=cache, generation=lambda scope: 0)

    async def five_at_once() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=middleware)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            same = [client.get("/queries/overview") for _ in range(5)]
            other = client.get("/queries/actors")  # another key is not held back
            return await asyncio.gather(*same, other)

    responses = asyncio.run(five_at_once())
    assert [r.status_code for r in responses] == [status] * 6
    assert all(r.content == body for r in responses)
    assert answered.count("/queries/overview") == expected_runs
    assert answered.count("/queries/actors") == 1
    caches = sorted(r.headers["x-cache"] for r in responses[:5])
    assert caches == (["hit"] * 4 + ["miss"] if expected_runs == 1 else ["miss"] * 5)
    assert not middleware._in_flight  # nothing left waiting

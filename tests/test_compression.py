"""gzip for clients that ask (api.compression): bytes, headers, validators, cache and limits."""

from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

GZIP = {"Accept-Encoding": "gzip", "Accept": "application/json"}
IDENTITY = {"Accept-Encoding": "identity", "Accept": "application/json"}


@pytest.fixture
def client(real_settings: Settings) -> Iterator[TestClient]:
    """An app of its own (its own response cache) over the real built store."""
    with TestClient(create_app(real_settings)) as test_client:
        yield test_client


def _raw(client: TestClient, path: str, headers: dict[str, str]) -> tuple[dict[str, str], bytes]:
    """Headers and the body as sent (not decoded by the test client)."""
    with client.stream("GET", path, headers=headers) as response:
        assert response.status_code == 200
        return dict(response.headers), b"".join(response.iter_raw())


def test_gzip_when_asked_and_the_same_answer(client: TestClient) -> None:
    zipped_headers, zipped = _raw(client, "/api/instruments", GZIP)
    plain_headers, plain = _raw(client, "/api/instruments", IDENTITY)
    assert zipped_headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped_headers["vary"].lower()
    assert int(zipped_headers["content-length"]) == len(zipped) < len(plain)
    assert "content-encoding" not in plain_headers
    assert gzip.decompress(zipped) == plain


def test_small_answers_are_sent_as_they_are(client: TestClient) -> None:
    headers, body = _raw(client, "/health", GZIP)
    assert "content-encoding" not in headers and body.startswith(b"{")


def test_the_cache_keeps_one_answer_per_encoding(client: TestClient) -> None:
    first = client.get("/api/instruments", headers=GZIP)
    assert first.headers["x-cache"] == "miss"
    other = client.get("/api/instruments", headers=IDENTITY)
    assert other.headers["x-cache"] == "miss" and "content-encoding" not in other.headers
    again_headers, again = _raw(client, "/api/instruments", GZIP)
    assert again_headers["x-cache"] == "hit" and again_headers["content-encoding"] == "gzip"
    assert gzip.decompress(again) == other.content


def test_etags_are_weak_for_gzip_clients_and_revalidate(client: TestClient) -> None:
    path = "/id/osce-mc-dec-9-07"
    zipped = client.get(path, headers={"Accept-Encoding": "gzip", "Accept": "text/turtle"})
    plain = client.get(path, headers={"Accept-Encoding": "identity", "Accept": "text/turtle"})
    assert zipped.headers["content-encoding"] == "gzip"
    weak, strong = zipped.headers["etag"], plain.headers["etag"]
    assert weak == "W/" + strong and not strong.startswith("W/")
    revalidated = client.get(
        path,
        headers={"Accept-Encoding": "gzip", "Accept": "text/turtle", "If-None-Match": weak},
    )
    assert revalidated.status_code == 304 and revalidated.headers["etag"] == weak
    cross = client.get(
        path,
        headers={"Accept-Encoding": "identity", "Accept": "text/turtle", "If-None-Match": weak},
    )
    assert cross.status_code == 304 and cross.headers["etag"] == strong


def test_the_result_limit_counts_the_uncompressed_answer(real_settings: Settings) -> None:
    query = {"query": "SELECT * { ?s ?p ?o } LIMIT 2000"}
    accept = {"Accept": "application/sparql-results+json"}
    with TestClient(create_app(dataclasses.replace(real_settings, query_workers=0))) as free:
        plain = free.get("/sparql", params=query, headers={**accept, **IDENTITY})
        headers, zipped = _raw(free, "/sparql?" + urlencode(query), {**GZIP, **accept})
        assert headers["content-encoding"] == "gzip"
    limit = (len(plain.content) + len(zipped)) // 2  # above the gzip size, below the answer's
    limited = dataclasses.replace(real_settings, query_workers=0, max_result_bytes=limit)
    with TestClient(create_app(limited)) as client:
        refused = client.get("/sparql", params=query, headers={**GZIP, **accept})
    assert refused.status_code == 422
    assert f"the limit is {limit} bytes" in refused.text
    assert refused.headers["x-request-id"] and refused.headers["x-content-type-options"]

"""Operations: request ids, the JSON access log, security headers, CORS, limits, /ready, shutdown.

On the real built store (``real_client``, read-only), except where a test needs its own app (a
small result limit, a failing store, an app whose lifespan has not run, the start-up of a server
process) or a real ``ocsea serve`` (graceful shutdown on SIGTERM).
"""

from __future__ import annotations

import base64
import dataclasses
import gc
import hashlib
import json
import logging
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.middleware import access_log
from api.settings import Settings
from benchmarks.load import running_server

TOKEN = "s3cret-token-never-logged"


@pytest.fixture
def access_lines() -> Iterator[list[dict[str, object]]]:
    """The access-log lines written during the test, parsed."""
    lines: list[dict[str, object]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(record.getMessage()))

    handler = Collect(logging.INFO)
    level = access_log.level
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        access_log.removeHandler(handler)
        access_log.setLevel(level)


# -- request ids and the access log --------------------------------------------------------------


def test_request_id_is_made_or_kept(real_client: TestClient) -> None:
    made = real_client.get("/health").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert real_client.get("/health").headers["x-request-id"] != made
    kept = real_client.get("/health", headers={"X-Request-ID": "trace-42.a:b"})
    assert kept.headers["x-request-id"] == "trace-42.a:b"
    for insane in ["x" * 129, "a b", "<script>", "id;drop"]:
        answered = real_client.get("/health", headers={"X-Request-ID": insane})
        assert re.fullmatch(r"[0-9a-f]{32}", answered.headers["x-request-id"]), insane


def test_access_log_is_json_with_the_request_and_no_secret(
    real_client: TestClient, access_lines: list[dict[str, object]]
) -> None:
    response = real_client.get(
        "/api/instruments",
        params={"access_token": TOKEN, "lang": "en"},
        headers={"Authorization": f"Bearer {TOKEN}", "X-Request-ID": "log-test-1"},
    )
    real_client.post(
        "/sparql",
        content="INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    line = next(item for item in access_lines if item["request_id"] == "log-test-1")
    assert line["method"] == "GET"
    assert line["path"] == "/api/instruments"
    assert line["status"] == response.status_code
    assert "lang=en" in str(line["query"])
    assert "access_token=%2A%2A%2A" in str(line["query"])
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["bytes"] == int(response.headers["content-length"])  # as sent (gzip)
    assert len(access_lines) == 2
    assert access_lines[1]["status"] == 403  # writes are disabled on the read-only app
    assert TOKEN not in json.dumps(access_lines)


# -- security headers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/health", "/sparql?query=ASK%7B%7D", "/api/instruments", "/validate", "/nowhere"],
)
def test_security_headers(real_client: TestClient, path: str) -> None:
    headers = real_client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_pages_keep_their_styles_under_the_policy(real_client: TestClient) -> None:
    """Every inline <style> the pages serve is allowed by hash; stylesheets are same-origin."""
    for path in ["/validate", "/", "/ontology", "/id/unga-res-74-174", "/editor", "/matrix"]:
        response = real_client.get(path, headers={"Accept": "text/html"})
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            continue
        policy = response.headers["content-security-policy"]
        style_src = next(d for d in policy.split("; ") if d.startswith("style-src"))
        for block in re.findall(r"<style>(.*?)</style>", response.text, re.S):
            digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in style_src, path
        for attributes, inline in re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S):
            source = re.search(r'src="([^"]+)"', attributes)
            assert source and source.group(1).startswith("/"), (path, attributes)  # same origin
            assert not inline.strip(), (path, inline[:100])  # no inline script
        assert not re.search(r"<[^>]+\s(style|on[a-z]+)=", response.text), path
        for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', response.text):
            assert href.startswith("/"), (path, href)
    validate = real_client.get("/validate")
    assert "<style>" in validate.text  # the case the hash is for


def test_docs_get_a_policy_that_lets_swagger_load(real_client: TestClient) -> None:
    policy = real_client.get("/docs").headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in policy
    assert "frame-ancestors 'none'" in policy


# -- CORS: reads yes, writes no --------------------------------------------------------------


def test_cors_allows_reads_from_any_origin(real_client: TestClient) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    got = real_client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert got.headers["access-control-allow-origin"] == "*"
    assert "x-request-id" in got.headers["access-control-expose-headers"].lower()
    preflight = real_client.options(
        "/sparql",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


@pytest.mark.parametrize(
    ("method", "request_headers"),
    [("PUT", "content-type"), ("DELETE", ""), ("POST", "authorization"), ("GET", "authorization")],
)
def test_cors_refuses_writes_and_credentials(
    real_client: TestClient, method: str, request_headers: str
) -> None:
    headers = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": method}
    if request_headers:
        headers["Access-Control-Request-Headers"] = request_headers
    preflight = real_client.options("/rdf-graph-store", headers=headers)
    assert preflight.status_code == 400
    assert "access-control-allow-credentials" not in preflight.headers


# -- request-body and result limits ----------------------------------------------------------


def test_sparql_post_body_over_the_limit_is_413(real_client: TestClient) -> None:
    limit = real_client.app.state.settings.max_upload_bytes  # type: ignore[attr-defined]
    query = "ASK {}" + " " * limit
    declared = real_client.post(
        "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert declared.status_code == 413
    assert f"the limit is {limit} bytes" in declared.text
    assert "x-request-id" in declared.headers

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        yield b"ASK {}"
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    streamed = real_client.post(
        "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    assert streamed.status_code == 413
    assert f"the limit is {limit} bytes" in streamed.text
    small = real_client.post(
        "/sparql", content="ASK {}", headers={"Content-Type": "application/sparql-query"}
    )
    assert small.status_code == 200


def test_sparql_result_over_the_limit_is_422(real_settings: Settings) -> None:
    settings = dataclasses.replace(real_settings, query_workers=0, max_result_bytes=20000)
    with TestClient(create_app(settings)) as client:
        big = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
        assert big.status_code == 422
        assert "the limit is 20000 bytes" in big.text
        assert "LIMIT" in big.text
        small = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 5"})
        assert small.status_code == 200
        assert len(small.json()["results"]["bindings"]) == 5


def test_bad_size_settings_are_refused() -> None:
    settings = Settings.from_env({"OCSEA_MAX_RESULT_BYTES": "123", "OCSEA_RESPONSE_CACHE_MB": "0"})
    assert settings.max_result_bytes == 123 and settings.response_cache_mb == 0
    for name, bad in [
        ("OCSEA_MAX_RESULT_BYTES", "0"),
        ("OCSEA_MAX_RESULT_BYTES", "-5"),
        ("OCSEA_MAX_RESULT_BYTES", "lots"),
        ("OCSEA_RESPONSE_CACHE_MB", "-1"),
        ("OCSEA_RESPONSE_CACHE_MB", "64MB"),
        ("OCSEA_QUERY_WORKERS", "65"),
    ]:
        with pytest.raises(ValueError, match=name):
            Settings.from_env({name: bad})


# -- /ready ----------------------------------------------------------------------------------


def test_ready_when_store_and_workers_are_up(real_client: TestClient) -> None:
    deadline = time.monotonic() + 60
    answer = real_client.get("/ready")
    while answer.status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)  # the query workers start in the background
        answer = real_client.get("/ready")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ready"] is True and body["reasons"] == []
    assert body["checks"]["store"] == "ok"
    assert re.fullmatch(r"[1-9]\d* of \d+ up", body["checks"]["query_workers"])


def test_not_ready_before_startup(real_settings: Settings) -> None:
    client = TestClient(create_app(real_settings))  # no `with`: the lifespan has not run
    answer = client.get("/ready")
    assert answer.status_code == 503
    assert answer.json()["ready"] is False
    assert "starting" in answer.json()["reasons"][0]


def test_the_server_app_freezes_what_start_up_made(real_settings: Settings) -> None:
    settings = dataclasses.replace(real_settings, query_workers=0)
    assert gc.get_freeze_count() == 0
    try:
        with TestClient(create_app(settings, freeze_startup_objects=True)) as client:
            assert client.get("/health").status_code == 200
            frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()  # this process goes on making and dropping apps
    assert frozen > 10_000  # the modules, the app, its routes: the whole start-up
    with TestClient(create_app(settings)) as client:  # apps of tests leave the collector alone
        assert client.get("/health").status_code == 200
        assert gc.get_freeze_count() == 0


def test_not_ready_when_the_store_fails(real_settings: Settings) -> None:
    settings = dataclasses.replace(real_settings, query_workers=0)
    with TestClient(create_app(settings)) as client:
        assert client.get("/ready").status_code == 200
        client.app.state.engine.repository.close()  # type: ignore[attr-defined]
        answer = client.get("/ready")
        assert answer.status_code == 503
        assert "the store could not answer" in answer.json()["reasons"][0]


# -- graceful shutdown -----------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        match = re.search(r"^PPid:\s+(\d+)$", text, re.M)
        if match and int(match.group(1)) == pid:
            found.add(int(status.parent.name))
    return found


def test_sigterm_shuts_down_cleanly_and_stops_the_workers(
    built_store: Path, tmp_path: Path
) -> None:
    import httpx

    with running_server(built_store, tmp_path / "server.log") as server:
        httpx.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=30)
        workers = _children(server.process.pid)
        assert workers, "the server has no query worker processes"
        server.process.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal: exit status -SIGTERM
        assert server.process.wait(timeout=20) in (0, -signal.SIGTERM)
        log = server.log.read_text(errors="replace")
        assert "Application shutdown complete" in log
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in workers):
            time.sleep(0.1)
        alive = [p for p in workers if _is_running(p)]
        assert not alive, f"worker processes left running: {alive}"


def _is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"

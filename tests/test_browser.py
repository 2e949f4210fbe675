"""The pages in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

A real ``ocsea serve`` runs on a free port of 127.0.0.1 over a copy of the built store; the
browser goes from the home page to an instrument to an actor by clicking links, runs a catalogue
query in the SPARQL editor and reads the result rows, and checks that the coverage matrix and the
network are drawn. No page may log an error (a refused script or style, a failed request). A
screenshot of every page is kept under ``var/test-artefacts/screenshots/``.

The browser is Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it): Playwright's own
browser download is never used. Without it the tests are skipped, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDFS

from api.pages.rendering import vendor_available
from api.settings import DEFAULT_ROOT
from tests.servers import free_port

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = DEFAULT_ROOT / "var" / "test-artefacts" / "screenshots"
START_TIMEOUT = 30.0
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
ID = Namespace("https://w3id.org/ocsea/id/")

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed (/usr/bin/chromium): `apt-get install -y chromium` "
        "(.ci/run does) to run the browser tests",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing: `make install`"
)


def english_label(path: str, name: str) -> str:
    graph = Graph().parse(DEFAULT_ROOT / path)
    return next(
        str(o)
        for o in graph.objects(ID[name], RDFS.label)
        if isinstance(o, Literal) and o.language == "en"
    )


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp("browser")
    store = directory / "store"
    shutil.copytree(built_store, store)
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OCSEA_")}
    log = directory / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("ocsea")),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--store",
                str(store),
            ],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"ocsea serve exited:\n{log.read_text(errors='replace')}")
            try:
                if httpx.get(base + "/health", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"ocsea serve did not start in {START_TIMEOUT:g} s")
            time.sleep(0.2)
        yield Server(base, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Browser:
    page: sync_api.Page
    errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str, *, full_page: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def no_errors(self) -> None:
        errors, self.errors[:] = list(self.errors), []
        assert not errors, errors


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=BROWSER_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        watched = Browser(page)
        page.on(
            "console",
            lambda message: (
                watched.errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: watched.errors.append(str(error)))
        page.on("requestfailed", lambda request: watched.errors.append(f"failed: {request.url}"))
        try:
            yield watched
        finally:
            context.close()


def test_home_to_instrument_to_actor(server: Server, browser: Browser) -> None:
    page = browser.page
    page.goto(server.base + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    browser.screenshot("home")
    instrument = english_label("data/instruments/unga-res-74-174.ttl", "unga-res-74-174")
    page.get_by_role("link", name=instrument, exact=True).first.click()
    page.wait_for_url(server.base + "/id/unga-res-74-174")
    assert page.locator("h1").inner_text() == instrument
    verb = page.locator("#para_1 mark.verb").first
    assert verb.is_visible() and verb.locator("sup").inner_text() == "4"
    browser.screenshot("instrument")

    card = page.locator("#para_1_st_1")
    actor = english_label("data/vocabularies/actors.ttl", "actor/un-member-states")
    card.get_by_role("link", name=actor, exact=True).click()
    page.wait_for_url(server.base + "/id/actor/un-member-states")
    assert page.locator("h1").inner_text() == actor
    strengths = [
        int(t) for t in page.locator("#asked-heading ~ article .force-number").all_inner_texts()
    ]
    assert strengths and strengths == sorted(strengths, reverse=True)
    browser.screenshot("actor")

    page.goto(server.base + "/id/actor/un-member-states?lang=es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("#asked-heading").inner_text().startswith("Lo que se pide")
    browser.screenshot("actor-es")
    browser.no_errors()


def test_editor_runs_a_catalogue_query(server: Server, browser: Browser) -> None:
    page = browser.page
    page.goto(server.base + "/editor")
    page.locator("a.example-link[data-example='who-must-do-what']").click()
    page.wait_for_url("**/editor?example=who-must-do-what")
    if vendor_available():
        assert page.locator(".CodeMirror").is_visible()
        assert page.locator(".CodeMirror .cm-keyword").count() > 0  # highlighted
    else:
        assert page.locator("textarea#query").is_visible()
    page.get_by_role("button", name="Run query").click()
    rows = page.locator("#result-body table tbody tr")
    rows.first.wait_for()
    expected = httpx.get(
        server.base + "/queries/who-must-do-what", headers={"Accept": "application/json"}
    ).json()["results"]["bindings"]
    assert rows.count() == len(expected) > 0
    assert page.locator("#result-status").inner_text() == f"{len(expected)} rows"
    download = page.locator("#download-csv").get_attribute("href")
    assert download and "format=csv" in download
    csv_answer = page.request.get(server.base + download)
    assert csv_answer.ok and len(csv_answer.text().strip().splitlines()) == len(expected) + 1
    browser.screenshot("editor", full_page=False)
    page.locator("#results").scroll_into_view_if_needed()
    browser.screenshot("editor-results", full_page=False)

    page.locator("#result-format").select_option("json")  # the form still works by keyboard
    page.keyboard.press("Tab")
    browser.no_errors()


def test_matrix_and_network_are_drawn(server: Server, browser: Browser) -> None:
    page = browser.page
    page.goto(server.base + "/matrix")
    picture = page.locator("#matrix-figure svg")
    assert picture.is_visible()
    box = picture.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 600
    cells = page.locator("#matrix-figure g.matrix-cell")
    assert cells.count() == 26 * 5
    filled = page.locator("#matrix-figure g.matrix-cell[data-strength='5']")
    assert filled.count() > 0 and filled.first.is_visible()
    browser.screenshot("matrix")
    page.goto(server.base + "/network")
    network = page.locator("#network-figure svg")
    assert network.is_visible()
    assert page.locator("#network-figure g.network-correspondence").count() > 0
    browser.screenshot("network")
    page.goto(server.base + "/search?q=cifrado")
    assert page.locator("mark.match").count() > 0
    browser.screenshot("search")
    browser.no_errors()

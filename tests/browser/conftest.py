"""Real-browser harness: one live server over its own committed database, one Chromium.

The rest of the suite runs each test in a rolled-back transaction on a shared
connection. A browser cannot join that transaction: it talks to a real server in
another thread, whose requests commit. So the browser tests get a database of their
own, loaded once with the demo, and every test uses its own accounts and objects so
the order in which they run does not matter.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Response, sync_playwright
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app import create_app
from app.demo import seed
from core import accounts, migrate
from core.audit import Seal, use_seal
from core.db import make_engine
from search import indexer
from search.tokenizer import ensure_jieba
from tests.browser.pages import NewPage, sign_in
from tests.databases import scratch_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
TIMEOUT_MS = 10_000
BROWSER_SEAL = Seal(b"browser-test-audit-key-32-bytes-or-more")


@dataclass(frozen=True)
class LiveServer:
    """The running app: where the browser points, and the app for its configuration."""

    url: str
    app: Flask


class QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Drop the line: the suite's output stays readable."""


def load_demo(url: str, upload_dir: Path) -> None:
    """Migrate the database and load the demo, committed, as ``flask seed-demo`` would."""
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, audit_key=BROWSER_SEAL.key)
        # Every demo account has the same password: hash it (scrypt, as in production) once.
        with pytest.MonkeyPatch.context() as patch, use_seal(Session(engine), BROWSER_SEAL) as session:
            patch.setattr(accounts, "hash_password", functools.cache(accounts.hash_password))
            seed(session, str(upload_dir))
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("browser")
    uploads = tmp / "uploads"
    with scratch_database(tmp, "browser") as url:
        load_demo(url, uploads)
        # CSRF stays on: the browser must prove every form carries its token.
        app = create_app({"SECRET_KEY": "browser-test", "AUDIT_KEY": BROWSER_SEAL.key.decode(),
                          "AUDIT_CHECKPOINTS": str(tmp / "checkpoints.log"),
                          "RATELIMIT_STORAGE_URI": f"sqlite://{tmp / 'ratelimits.sqlite'}",
                          "DATABASE_URL": url, "UPLOAD_DIR": str(uploads)})
        ensure_jieba()  # jobs run in the server's requests here: load the dictionary before the first one
        with app.app_context():  # as `flask search rebuild` after seeding: the first write finds an index
            session = app.extensions["db"].open()
            try:
                indexer.rebuild(session, app.extensions["search"])
            finally:
                session.close()
        server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True,
                                             request_handler=QuietRequestHandler)
        thread = threading.Thread(target=server.serve_forever, name="browser-live-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            app.extensions["db"].engine.dispose()  # before the database is dropped


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class ServerErrors:
    """Responses of 500 and above seen by any page of a test: always a bug."""

    seen: list[str] = field(default_factory=list)

    def watch(self, response: Response) -> None:
        if response.status >= 500:
            self.seen.append(f"{response.status} {response.request.method} {response.url}")


CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep the test's own outcome where its fixtures can read it at teardown."""
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


@pytest.fixture
def new_page(request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer) -> Iterator[NewPage]:
    """``new_page("zibo")``: a page in a fresh context (own cookies), signed in as that user.

    ``new_page()`` gives a signed-out page. Several users can be signed in at once, each
    in their own context; every context is closed when the test ends.
    """
    contexts: list[BrowserContext] = []
    errors = ServerErrors()

    def open_page(username: str | None = None) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(TIMEOUT_MS)
        context.on("response", errors.watch)
        contexts.append(context)
        page = context.new_page()
        if username is not None:
            sign_in(page, username)
        return page

    yield open_page
    for context in contexts:
        context.close()
    # A test that failed (or is expected to) already says why; an error on top is noise.
    report = request.node.stash.get(CALL_REPORT, None)
    if report is not None and report.passed:
        assert not errors.seen, f"the server answered with an error: {errors.seen}"

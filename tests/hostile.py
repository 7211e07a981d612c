"""The machinery of the hostile-input sweep (``test_hostile_inputs``): payloads, stage, watch, probe.

Kept apart so the test module reads as what is attacked and what must be refused, and
this one as how a request is sent and what is checked about every answer.

:func:`staged` sets up one world (the authorisation table's, committed inside one
module-long transaction), one app and one signed-in client per persona, opens every page
once and keeps each distinct form with whoever drew it. Every INSERT/UPDATE is watched as
it is sent, and :func:`scan_tables` reads every stored text back. :func:`probe` sends one
request in a savepoint that is rolled back when the submission was accepted (so the next
probe sees the same records) and kept when it was refused (so whatever a refusal left
behind is still there for the scan of every table at the end of each form).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import JSON, Connection, Engine, String, Text, event, func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app import create_app
from benchmarks import campaigns
from core import accounts
from core.attachments import FileStore
from core.audit import AuditEvent, use_seal
from core.db import Base, china_today, utcnow
from core.enterprises import Enterprise
from core.people import User
from core.text import BIDI_CONTROLS, BLANK
from tests import factories
from tests.conftest import AUDIT_KEY, TEST_SEAL
from tests.forms_in_pages import Form, forms_in
from tests.hostile_fill import files, fill
from tests.publication_helpers import publishing_fill
from tests.standards_objects import standards_fill
from tests.test_authorization import SPEC, Objects, objects

# --- the payloads, and what a clean submission carries ----------------------------------------

SCRIPT = "<script>alert(1)</script>"


@dataclass(frozen=True)
class Payload:
    """One hostile value. ``refused``: where a field a person types into must refuse it —
    ``always``, ``single-line`` (not in a textarea) or ``never`` (storable as plain text)."""

    name: str
    value: str | bytes
    refused: str = "never"
    redirect: bool = False  # a target that must never become an off-site Location
    shown: bool = False  # once stored, the page showing it is opened too (is it escaped? does it draw?)


PAYLOADS = (
    Payload("nul", "a\x00b", "always"),
    Payload("bell", "a\x07b", "always"),
    Payload("escape", "a\x1b[31mb", "always"),
    Payload("bidi", "evil\u202eexe", "always"),
    Payload("zero-width", "\u200b"),
    Payload("long", "x" * 100_000, "always"),
    Payload("crlf", "a\r\nSet-Cookie: x=1", "single-line", redirect=True),
    Payload("digits20", "99999999999999999999"),
    Payload("minus-one", "-1"),
    Payload("year-1", "0001-01-01"),
    Payload("year-9999", "9999-12-31"),
    Payload("tab-slash", "/\t/evil.com", "single-line", redirect=True),
    Payload("slash-slash", "//evil.com", redirect=True),
    Payload("off-site", "https://evil.example/", redirect=True),
    Payload("sql", "' OR 1=1 --"),
    Payload("script", SCRIPT, shown=True),
    Payload("bad-utf8", b"a\xff\xfeb\xed\xa0\x80c", shown=True),  # invalid UTF-8 and an encoded lone surrogate
)
REDIRECTS = tuple(p for p in PAYLOADS if p.redirect)
# The payloads whose fate can depend on the database: PostgreSQL refuses NUL in text and
# invalid UTF-8, enforces VARCHAR lengths, integer and date ranges where SQLite stores
# anything. Every other payload is refused (or stored as plain text) by the same Python
# code on either database, so the SQLite run proves it once and the second run sweeps these.
DATABASE_SENSITIVE = frozenset({"nul", "long", "digits20", "minus-one", "year-1", "year-9999", "bad-utf8", "sql"})


def payloads_for(dialect: str) -> tuple[Payload, ...]:
    return PAYLOADS if dialect == "sqlite" else tuple(p for p in PAYLOADS if p.name in DATABASE_SENSITIVE)

# Who opens each page: the first of these the authorisation table lets in.
PREFERRED = ("zhangdian", "zibo", "sheng", "admin", "jinan", "zhoucun", "ent_user", "expert", "committee")
COOKIE = "biaogan_session"
# A refused sign-in is itself recorded (in a transaction of its own): that is the lockout working.
COUNTED_REFUSALS = frozenset({"user.login_failed", "user.lock"})


# --- what must never reach the database -----------------------------------------------------

# Control characters but newline and tab (multi-line text keeps those), bidi controls, surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "\ud800-\udfff]")


def hostile(value: Any) -> str | None:
    """Why ``value`` (a stored string, or JSON holding strings) must not be in the database."""
    if isinstance(value, dict):
        return next((why for item in value.items() for part in item if (why := hostile(part))), None)
    if isinstance(value, list | tuple):
        return next((why for item in value if (why := hostile(item))), None)
    if not isinstance(value, str):
        return None
    if value[:1] in "{[" and len(value) > 1:
        try:
            decoded = json.loads(value)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict | list) and (why := hostile(decoded)):
            return why
    if len(value) > 20_000:
        return f"a text of {len(value)} characters"
    if value and not value.strip(BLANK):
        return f"a blank-only value {value!r}"
    if found := FORBIDDEN.search(value):
        return f"the character U+{ord(found.group()):04X}"
    return None


def _parameters(parameters: Any) -> Iterator[Any]:
    if isinstance(parameters, dict):
        yield from parameters.values()
    elif isinstance(parameters, list | tuple):
        for item in parameters:
            if isinstance(item, dict | list | tuple):
                yield from _parameters(item)
            else:
                yield item


def scan_tables(connection: Connection) -> list[str]:
    """Every stored text (and JSON) value of every table that :func:`hostile` objects to."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for values in connection.execute(select(*columns)):
            for column, value in zip(columns, values, strict=True):
                if why := hostile(value):
                    found.append(f"{table.name}.{column.name} holds {why}: {str(value)[:80]!r}")
    return found


# --- the stage: one world, one app, one client per persona -----------------------------------


@dataclass
class Page:
    endpoint: str
    persona: str
    url: str


@dataclass
class FoundForm:
    persona: str
    page: str  # the URL of the page that drew it
    endpoint: str
    form: Form


@dataclass
class Stage:
    app: Flask
    connection: Connection
    objs: Objects
    spare: Enterprise  # in 张店区, not yet nominated
    empty_campaign: int  # open, without nominations: it can be closed
    clients: dict[str, FlaskClient]
    cookies: dict[str, str] = field(default_factory=dict)  # each persona's signed-in session cookie
    pages: list[Page] = field(default_factory=list)
    forms: list[FoundForm] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # hostile values in INSERT/UPDATE statements
    fill: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    payloads: tuple[Payload, ...] = PAYLOADS  # what this database's sweep sends (``payloads_for``)

    def endpoint(self, method: str, url: str) -> tuple[str, dict[str, Any]]:
        adapter = self.app.url_map.bind("localhost")
        parts = urlsplit(url)
        return adapter.match(parts.path, method.upper(), query_args=parts.query)  # type: ignore[return-value]

    def audit_head(self) -> int:
        """The newest event's sequence number (events are only ever appended)."""
        return self.connection.scalar(select(func.max(AuditEvent.seq))) or 0


@contextmanager
def staged(engine: Engine, tmp_path_factory: pytest.TempPathFactory, *, sweep: bool = True) -> Iterator[Stage]:
    """The world of the authorisation table, committed inside one module-long transaction.

    A test module wraps this in its module-scoped ``stage`` fixture (declared there, so
    pytest finds it without importing a fixture by name). ``sweep``: the hostile sweep's
    stage — CSRF on, every page opened and its forms read; the authorisation table's walk
    wants neither (it asks each route with an empty body, as an attacker without a form would)."""
    uploads = tmp_path_factory.mktemp("hostile-uploads")
    with engine.connect() as connection, pytest.MonkeyPatch.context() as patch:
        outer = connection.begin()

        def session_on() -> Session:
            session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
            return use_seal(session, TEST_SEAL)

        # The sweep measures refusals, not password hashing: one cheap hash for everyone.
        cheap = generate_password_hash(factories.PASSWORD, method="pbkdf2:sha256:1")
        patch.setattr(accounts, "_DUMMY_HASH", generate_password_hash("x", method="pbkdf2:sha256:1"))
        patch.setattr(accounts, "hash_password", lambda password: generate_password_hash(password, "pbkdf2:sha256:1"))
        session = session_on()
        world = factories.build_world(session, FileStore(Path(uploads)))
        objs = objects(session, world, world.store)
        objs.publications()  # the committee's projects and a published standard, committed with the rest
        objs.assessments()  # 张店甲's assessments, a rectification, 张店区's campaign
        spare = factories.make_enterprise(session, "370303", name="张店戊化工有限公司")
        today = china_today()
        empty = campaigns.open_campaign(session, world.sheng, campaigns.CampaignInput(
            "无人推荐的批次", today.year, today + dt.timedelta(days=10), today + dt.timedelta(days=20),
            today + dt.timedelta(days=30), ["MACH"]))
        for person in vars(world).values():
            if isinstance(person, User):
                person.password_hash = cheap
        world.zibo.locked_until = utcnow() + dt.timedelta(minutes=10)  # so the unlock button is drawn
        session.commit()
        session.close()
        app = create_app({
            "TESTING": True, "SECRET_KEY": "hostile-sweep-secret", "AUDIT_KEY": AUDIT_KEY,
            "AUDIT_CHECKPOINTS": "", "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": sweep,
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "SESSION_FACTORY": session_on, "UPLOAD_DIR": str(uploads),
            "SOFFICE": "/nonexistent/soffice",  # each accepted publish would otherwise run LibreOffice
            # Stored text is clean by then (core.text); indexing it is search's tests' business
            # (escaped snippets, hostile queries), and here it would run after every accepted probe.
            "SEARCH_INDEXING": False,
        })
        clients = {"anonymous": app.test_client()}
        for persona in PREFERRED:
            clients[persona] = factories.sign_in(app, app.test_client(), getattr(world, persona))
        # The sweep keeps each persona's cookie from the first page it opens (it holds the CSRF token).
        cookies = {} if sweep else {persona: cookie.value for persona, client in clients.items()
                                    if (cookie := client.get_cookie(COOKIE)) is not None}
        stage = Stage(app, connection, objs, spare, empty.id, clients, cookies=cookies,
                      payloads=payloads_for(engine.dialect.name))
        stage.fill, stage.files = {**fill(), **standards_fill(objs.std), **publishing_fill()}, files()

        @event.listens_for(connection, "before_cursor_execute")
        def _watch(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
            if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE"):
                for value in _parameters(parameters):
                    if why := hostile(value):
                        stage.written.append(f"{statement.split('(')[0][:60]} with {why}")

        if sweep:
            _discover(stage)
        yield stage
        event.remove(connection, "before_cursor_execute", _watch)
        outer.rollback()


def _pick(ok: frozenset[str]) -> str | None:
    return next((p for p in PREFERRED if p in ok), None)


def _pages(stage: Stage) -> list[Page]:
    """Pages that draw forms only for one party (the workflow buttons, the upload, the unlock
    button, a campaign that can be closed) first, then a page for every GET route as the
    table's first suitable persona."""
    o, w = stage.objs, stage.objs.world
    pages = [
        Page("nominations.show", "zibo", f"/nominations/{o.submitted.id}"),
        Page("nominations.show", "sheng", f"/nominations/{o.endorsed.id}"),
        Page("nominations.show", "zhangdian", f"/nominations/{o.draft.id}"),
        Page("nominations.campaign", "sheng", f"/campaigns/{stage.empty_campaign}"),
        Page("nominations.new", "zhangdian", f"/campaigns/{w.campaign.id}/nominations/new?enterprise={stage.spare.id}"),
        Page("admin.edit_user", "admin", f"/admin/users/{w.zibo.id}"),
        Page("assessments.index", "ent_user", "/assessments/"),
        Page("assessments.show", "ent_user", f"/assessments/{o.assessments().draft}"),
        Page("assessments.show", "zhangdian", f"/assessments/{o.assessments().submitted}"),
        Page("assessments.rectification", "ent_user", f"/assessments/rectifications/{o.assessments().rectification}"),
        Page("assessments.new_campaign", "zhangdian", "/assessments/campaigns/new"),
        Page("standards.project", "committee", f"/standards/{o.publications().at_approval}"),
        Page("catalogue.standard", "committee", f"/catalogue/{o.publications().slug}"),
    ]
    for endpoint, cases in sorted(SPEC.items()):
        for case in cases(o):
            persona = "anonymous" if case.public else _pick(case.ok)
            if case.method == "GET" and persona:
                pages.append(Page(endpoint, persona, case.path))
    return pages


def _discover(stage: Stage) -> None:
    """Open every page once; keep each distinct form (by route and fields) with who drew it."""
    seen: set[tuple[Any, ...]] = set()
    for page in _pages(stage):
        client = stage.clients[page.persona]
        response = client.get(page.url, follow_redirects=True)  # an old address may lead on
        assert response.status_code == 200, f"{page.persona} GET {page.url} → {response.status_code}"
        stage.pages.append(page)
        if response.mimetype != "text/html":
            continue
        if (cookie := client.get_cookie(COOKIE)) is not None:
            stage.cookies.setdefault(page.persona, cookie.value)
        for form in forms_in(response.get_data(as_text=True), page.url):
            endpoint, _ = stage.endpoint(form.method, form.action)
            key = (form.method, endpoint, tuple(sorted(form.names())))  # 退回 and 推荐 share one view
            if key not in seen:
                seen.add(key)
                stage.forms.append(FoundForm(page.persona, page.url, endpoint, form))


# --- one probe -------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: int
    refused: bool
    problems: list[str]
    said: str = ""  # the messages the user was shown (flashed, or on the form)


def _messages(html: str, flashes: list[tuple[str, str]]) -> str:
    shown = [message for _, message in flashes]
    shown += re.findall(r'class="(?:invalid-feedback[^"]*|alert alert-danger)"[^>]*>\s*(?:<div>)?([^<]+)', html)
    return " / ".join(m.strip() for m in shown)[:300]


def _flashes(app: Flask, client: FlaskClient) -> list[tuple[str, str]]:
    """The messages waiting in the client's session cookie (read without a request)."""
    cookie = client.get_cookie(COOKIE)
    if cookie is None or not cookie.value:
        return []
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return [tuple(f) for f in serializer.loads(cookie.value).get("_flashes", [])]


def _on_site(location: str) -> bool:
    parts = urlsplit(location)
    return (parts.netloc in ("", "localhost") and parts.scheme in ("", "http")
            and not any(unicodedata.category(c)[0] in "CZ" for c in location)
            and "\\" not in location and not (parts.path.startswith("//") or location.startswith("//")))


def probe(stage: Stage, persona: str, method: str, url: str, what: str, *, body: bytes | None = None,
          content_type: str | None = None, referer: str | None = None, follow: bool = True) -> Outcome:
    """Send one request as ``persona`` in a savepoint of its own and check what it did
    (``follow``: open the page an accepted submission leads to, where its values show)."""
    client = stage.clients[persona]
    client.set_cookie(COOKIE, stage.cookies.get(persona, ""))  # as the page left it: signed in, its CSRF token
    stage.written.clear()
    before = stage.audit_head()
    savepoint = stage.connection.begin_nested()
    headers = {"Referer": f"http://localhost{referer}"} if referer else {}
    response = client.open(url, method=method, data=body, content_type=content_type, headers=headers)
    problems: list[str] = []
    html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    flashes = _flashes(stage.app, client)
    refused = response.status_code >= 400 or any(category in ("danger", "warning") for category, _ in flashes)
    if response.status_code >= 500:
        problems.append(f"{what}: answered {response.status_code}")
    for header in ("Location", "X-Location"):
        if (target := response.headers.get(header)) is not None and not _on_site(target):
            problems.append(f"{what}: {header} leaves the site: {target!r}")
    if SCRIPT in html:
        problems.append(f"{what}: the page shows the script unescaped")
    problems += [f"{what}: wrote {w}" for w in stage.written]
    if refused or method == "GET":
        left = stage.connection.scalars(select(AuditEvent.action).where(AuditEvent.seq > before)).all()
        if unexpected := [action for action in left if action not in COUNTED_REFUSALS]:
            problems.append(f"{what}: {'refused' if refused else 'a read'} but left audit events {unexpected}")
    if follow and not refused and response.location and urlsplit(response.location).netloc in ("", "localhost"):
        shown = client.get(response.location)  # the page the user lands on shows what was stored
        if shown.status_code >= 500 or SCRIPT in shown.get_data(as_text=True):
            problems.append(f"{what}: the page after it ({response.location}) answered {shown.status_code} "
                            "or showed the script unescaped")
    if refused:
        savepoint.commit()  # a refusal must have changed nothing: keep it, for the table scan
    else:
        savepoint.rollback()  # an accepted submission is undone, so every probe sees the same records
    return Outcome(response.status_code, refused, problems, _messages(html, flashes))


"""Every form and filter the pages draw, attacked field by field with hostile input.

The sweep is driven by the URL map: each route has a page that a persona allowed to use it
can open (the table of ``tests.test_authorization``), every ``<form>`` on those pages is
read from the HTML, and each of its fields in turn carries one hostile payload while the
others keep what the page rendered (blanks a person must fill are filled from ``FILL``, so
a submission gets past the form to the service that must refuse it). List arguments go
into query strings. A new route that no page, form or argument reaches fails
:func:`test_the_sweep_reaches_every_route`.

What a user must never see: a 5xx; a redirect off the site; their ``<script>`` run by a
page. What must never happen: a refused submission leaving an audit event behind, or any
statement writing NUL, a control character, a bidi override, a blank-only value or a
100,000-character text to the database (every INSERT/UPDATE is watched as it is sent).

One world, one app and one client per persona serve the whole module: each probe runs in
a savepoint that is rolled back when the submission was accepted (so the next probe sees
the same records) and kept when it was refused (so whatever a refusal left behind is
still there for the scan of every table at the end of each form).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import JSON, Connection, Engine, String, Text, event, func, select, update
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
from tests.forms_in_pages import Field, Form, forms_in, multipart, urlencoded
from tests.test_authorization import SPEC, Objects, _methods, objects
from tests.xlsx import row, workbook

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

# Controls into which a person types free text: a payload marked "always" must be refused there.
# Numbers and dates refuse every payload (none is a sane number or date).
TYPED = frozenset({"text", "textarea", "password"})
STRICT = frozenset({"number", "date"})
# Who opens each page: the first of these the authorisation table lets in.
PREFERRED = ("zhangdian", "zibo", "sheng", "admin", "jinan", "zhoucun", "ent_user", "expert", "committee")
# Query arguments each page reads (the fields of its own GET forms are probed as well).
ARGS = {
    "auth.login": ("next",),
    "home.notifications": ("page",),
    "enterprises.index": ("q", "region", "industry", "hazard", "page", "size", "sort"),
    "enterprises.export": ("q", "region", "industry", "hazard", "sort"),
    "enterprises.show": ("history",),
    "enterprises.region_children": ("code",),
    "nominations.campaign": ("history", "page", "size", "sort"),
    "nominations.new": ("enterprise",),
    "nominations.eligible": ("q",),
    "nominations.index": ("q", "campaign", "state", "industry", "region", "page", "size", "sort"),
    "nominations.export": ("q", "campaign", "state", "industry", "region", "sort"),
    "nominations.show": ("history",),
    "admin.users": ("q", "role", "page", "size", "sort"),
    "admin.export_users": ("q", "role", "sort"),
    "admin.edit_user": ("history",),
    "admin.audit_log": ("q", "actor", "action", "object_type", "date_from", "date_to", "page", "size", "sort"),
    "admin.export_audit": ("q", "actor", "action", "object_type", "date_from", "date_to", "sort"),
}
LIST_ARGUMENTS = {"q", "region", "industry", "campaign", "state", "page", "size", "sort", "date_from", "date_to",
                  "history", "next"}
# Argument *names* a template might hand to url_for as keywords.
HOSTILE_NAMES = ("endpoint", "_external", "_scheme", "_anchor", "_method", "values")
COOKIE = "biaogan_session"
NEW_PASSWORD = "Probe-pass-2468"
# A refused sign-in is itself recorded (in a transaction of its own): that is the lockout working.
COUNTED_REFUSALS = frozenset({"user.login_failed", "user.lock"})


def _fill() -> dict[str, dict[str, list[str]]]:
    """Values for blanks a person must fill, per endpoint: a clean submission is accepted."""
    today = china_today()
    return {
        "auth.login": {"username": ["t_expert"], "password": [factories.PASSWORD]},
        "auth.change_password": {"current_password": [factories.PASSWORD], "new_password": [NEW_PASSWORD],
                                 "confirm": [NEW_PASSWORD]},
        "enterprises.new": {"name": ["探针化工有限公司"], "credit_code": [factories.credit_code()],
                            "county_code": ["370303"], "industry_code": ["CHEM"]},
        "nominations.new_campaign": {
            "title": ["探针遴选批次"], "year": [str(today.year)], "industry_codes": ["CHEM"],
            "county_deadline": [str(today + dt.timedelta(days=20))],
            "city_deadline": [str(today + dt.timedelta(days=30))],
            "province_deadline": [str(today + dt.timedelta(days=40))]},
        "nominations.act": {"reason": ["经审核，材料齐全。"]},
        "nominations.campaign_act": {"reason": ["本批次工作结束。"]},
        "admin.new_user": {"username": ["probe_user"], "display_name": ["探针用户"], "roles": ["expert"],
                           "password": [NEW_PASSWORD]},
        "admin.reset_password": {"password": [NEW_PASSWORD]},
    }


def _files() -> dict[str, tuple[str, bytes]]:
    """The file a person would choose in each upload form (name, content)."""
    sheet = workbook([row("探针导入化工有限公司", factories.credit_code())])
    return {"nominations.upload": ("证明材料.pdf", factories.PDF), "enterprises.import_file": ("企业名录.xlsx", sheet)}


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

    def endpoint(self, method: str, url: str) -> tuple[str, dict[str, Any]]:
        adapter = self.app.url_map.bind("localhost")
        parts = urlsplit(url)
        return adapter.match(parts.path, method.upper(), query_args=parts.query)  # type: ignore[return-value]

    def audit_head(self) -> int:
        """The newest event's sequence number (events are only ever appended)."""
        return self.connection.scalar(select(func.max(AuditEvent.seq))) or 0


@pytest.fixture(scope="module")
def stage(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """The world of the authorisation table, committed inside one module-long transaction."""
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
            "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": True,
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "SESSION_FACTORY": session_on, "UPLOAD_DIR": str(uploads),
        })
        clients = {"anonymous": app.test_client()}
        for persona in PREFERRED:
            clients[persona] = factories.sign_in(app, app.test_client(), getattr(world, persona))
        stage = Stage(app, connection, objs, spare, empty.id, clients)
        stage.fill, stage.files = _fill(), _files()

        @event.listens_for(connection, "before_cursor_execute")
        def _watch(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
            if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE"):
                for value in _parameters(parameters):
                    if why := hostile(value):
                        stage.written.append(f"{statement.split('(')[0][:60]} with {why}")

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
        response = client.get(page.url)
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


def _must_refuse(control: Field, payload: Payload) -> bool:
    if control.kind in STRICT:
        return True
    if control.kind not in TYPED:
        return False
    return payload.refused == "always" or (payload.refused == "single-line" and not control.multiline)


def _submission(stage: Stage, found: FoundForm, target: str | None = None,
                payload: Payload | None = None) -> tuple[str, bytes, str]:
    """The form's body with the page's values (blanks filled), ``target`` carrying ``payload``."""
    form = found.form
    fill = stage.fill.get(found.endpoint, {})
    values: dict[str, list[str | bytes]] = {}
    for f in form.fields:
        if f.kind != "file" and f.value is not None:
            values.setdefault(f.name, []).append(f.value)
    for name, filled in fill.items():
        if not any(values.get(name, [])):
            values[name] = list(filled)
    files = []
    default_file = stage.files.get(found.endpoint)
    for name in form.names():
        if form.kind_of(name).kind == "file" and default_file:
            filename: str | bytes = default_file[0]
            if name == target and payload is not None:
                suffix = Path(default_file[0]).suffix
                filename = payload.value + (suffix.encode() if isinstance(payload.value, bytes) else suffix)
            files.append((name, filename, default_file[1]))
    if target is not None and payload is not None and form.kind_of(target).kind != "file":
        values[target] = [payload.value]
    pairs = [(name, v) for name, vs in values.items() for v in vs]
    if form.multipart:
        body, content_type = multipart(pairs, files)
        return form.action, body, content_type
    return form.action, urlencoded(pairs), "application/x-www-form-urlencoded"


def _post_form(stage: Stage, found: FoundForm, target: str | None = None,
               payload: Payload | None = None) -> Outcome:
    url, body, content_type = _submission(stage, found, target, payload)
    what = f"{found.persona} POST {found.form.action} [{target or 'as drawn'}={payload.name if payload else ''}]"
    return probe(stage, found.persona, "POST", url, what, body=body, content_type=content_type, referer=found.page,
                 follow=payload is None or payload.shown)


def _payloads_for(found: FoundForm, name: str) -> tuple[Payload, ...]:
    """Every payload, except in the CSRF token of most forms: one hook checks it before any view
    runs, so it is attacked in full on the sign-in form and with one payload elsewhere."""
    if name == "csrf_token" and found.endpoint != "auth.login":
        return PAYLOADS[:1]
    return PAYLOADS


def _sweep_forms(stage: Stage, forms: list[FoundForm]) -> list[str]:
    """Each POST form: as drawn, then each field carrying each payload while the others keep
    their values; then every table scanned for what the refusals may have left behind."""
    problems: list[str] = []
    for found in forms:
        baseline = _post_form(stage, found)
        problems += baseline.problems
        if baseline.refused:
            problems.append(f"{found.persona} POST {found.form.action}: the form as drawn (blanks filled) is refused "
                            f"({baseline.status}: {baseline.said}), so the probes below would prove nothing")
        for name in found.form.names():
            control = found.form.kind_of(name)
            for payload in _payloads_for(found, name):
                outcome = _post_form(stage, found, name, payload)
                problems += outcome.problems
                if _must_refuse(control, payload) and not outcome.refused:
                    problems.append(f"{found.persona} POST {found.form.action}: {name}={payload.name} was accepted "
                                    f"({outcome.status})")
        problems += [f"after {found.form.action}: {why}" for why in scan_tables(stage.connection)]
    return problems


def _sweep_query(stage: Stage, persona: str, path: str, query: list[tuple[str, str]], names: list[str]) -> list[str]:
    """Filters are read, not stored: every argument carries the payload at once (one request per
    payload), and only when that goes wrong is each argument tried alone, to name the culprit."""
    problems: list[str] = []
    for payload in PAYLOADS:
        pairs = [(k, v) for k, v in query if k not in names] + [(name, payload.value) for name in names]
        url = f"{path}?{urlencoded(pairs).decode()}"
        together = probe(stage, persona, "GET", url, f"{persona} GET {path} [{', '.join(names)}]={payload.name}")
        if not together.problems:
            continue
        alone: list[str] = []
        for name in names:
            pairs = [(k, v) for k, v in query if k != name] + [(name, payload.value)]
            url = f"{path}?{urlencoded(pairs).decode()}"
            alone += probe(stage, persona, "GET", url, f"{persona} GET {path} {name}={payload.name}").problems
        problems += alone or together.problems  # only the combination fails: report it as such
    return problems


# --- the tests ---------------------------------------------------------------------------------


def test_the_sweep_reaches_every_route(stage: Stage) -> None:
    routes = {(rule.endpoint, method) for rule in stage.app.url_map.iter_rules() if rule.endpoint != "static"
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    reached = {(page.endpoint, "GET") for page in stage.pages}
    reached |= {(found.endpoint, found.form.method.upper()) for found in stage.forms}
    assert routes - reached == set(), "routes no page, form or query argument of the sweep reaches"
    assert set(SPEC) == {endpoint for endpoint, _ in routes}
    probed = {name for names in ARGS.values() for name in names}
    probed |= {name for found in stage.forms if found.form.method == "get" for name in found.form.names()}
    assert probed >= LIST_ARGUMENTS


def _endpoints(method: str) -> list[str]:
    """The routes of the authorisation table answering ``method`` (that table matches the URL map)."""
    return sorted(endpoint for endpoint in SPEC if method in _methods(endpoint))


@pytest.mark.parametrize("endpoint", _endpoints("POST"))
def test_each_field_of_each_form_refuses_hostile_input(stage: Stage, endpoint: str) -> None:
    forms = [f for f in stage.forms if f.endpoint == endpoint and f.form.method == "post"]
    assert forms, f"no page draws a form for {endpoint}"
    problems = _sweep_forms(stage, forms)
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("endpoint", _endpoints("GET"))
def test_each_filter_and_query_argument_is_harmless(stage: Stage, endpoint: str) -> None:
    pages = [p for p in stage.pages if p.endpoint == endpoint]
    assert pages, f"no page of the sweep is {endpoint}"
    page = pages[0]
    problems: list[str] = []
    covered: set[str] = set()
    for found in (f for f in stage.forms if f.endpoint == endpoint and f.form.method == "get"):
        path, drawn = urlsplit(found.form.action).path, [(k, v) for k, v in found.form.pairs()]
        problems += _sweep_query(stage, found.persona, path, drawn, found.form.names())
        covered |= set(found.form.names())
    base, query = urlsplit(page.url).path, parse_qsl(urlsplit(page.url).query)
    names = sorted((set(ARGS.get(endpoint, ())) | {k for k, _ in query}) - covered)
    if names:
        problems += _sweep_query(stage, page.persona, base, query, names)
    _, route_values = stage.endpoint("GET", page.url)
    for name in (*HOSTILE_NAMES, *route_values):  # names url_for keeps for itself, and the route's own
        url = f"{base}?{urlencoded([*query, (name, 'x')]).decode()}"
        problems += probe(stage, page.persona, "GET", url, f"{page.persona} GET {base} {name}=x").problems
    assert not problems, "\n".join(problems[:40])


def test_the_watch_sees_a_hostile_write(stage: Stage) -> None:
    """The sweep's own check: a control character written anyway is seen as it is sent and in the table."""
    savepoint = stage.connection.begin_nested()
    stage.written.clear()
    stage.connection.execute(update(Enterprise).where(Enterprise.id == stage.spare.id).values(address="a\x07b"))
    try:
        assert stage.written and "U+0007" in stage.written[0]
        assert any("enterprises.address" in found for found in scan_tables(stage.connection))
    finally:
        savepoint.rollback()
        stage.written.clear()


@pytest.mark.parametrize("payload", REDIRECTS, ids=lambda p: p.name)
def test_next_after_signing_in_stays_on_the_site(stage: Stage, payload: Payload) -> None:
    login = next(f for f in stage.forms if f.endpoint == "auth.login")
    body = urlencoded([(k, v) for k, v in login.form.pairs() if k not in ("username", "password")]
                      + [("username", "t_committee"), ("password", factories.PASSWORD)])
    url = f"/login?{urlencoded([('next', payload.value)]).decode()}"
    outcome = probe(stage, "anonymous", "POST", url, f"sign in with next={payload.name}", body=body,
                    content_type="application/x-www-form-urlencoded")
    assert outcome.status in (302, 303) and not outcome.refused, outcome
    assert not outcome.problems, outcome.problems


@pytest.mark.parametrize("payload", REDIRECTS, ids=lambda p: p.name)
def test_back_after_a_refused_step_stays_on_the_site(stage: Stage, payload: Payload) -> None:
    """The selection page's buttons carry ``back``; a refused step (stale version) returns there."""
    found = next(f for f in stage.forms if f.endpoint == "nominations.act" and "back" in f.form.names())
    pairs = [(k, v) for k, v in found.form.pairs() if k not in ("back", "lock_version")]
    pairs += [("back", payload.value), ("lock_version", "0"), ("reason", "经审核，材料齐全。")]
    outcome = probe(stage, found.persona, "POST", found.form.action, f"stale step with back={payload.name}",
                    body=urlencoded(pairs), content_type="application/x-www-form-urlencoded")
    assert outcome.refused and outcome.status in (303, 409), outcome
    assert not outcome.problems, outcome.problems

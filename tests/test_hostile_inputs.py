"""Every form and filter the pages draw, attacked field by field with hostile input.

The sweep is driven by the URL map: each route has a page that a persona allowed to use it
can open (the table of ``tests.test_authorization``), every ``<form>`` on those pages is
read from the HTML, and each of its fields in turn carries one hostile payload while the
others keep what the page rendered (blanks a person must fill are filled, so a submission
gets past the form to the service that must refuse it). List arguments go into query
strings. A new route that no page, form or argument reaches fails
:func:`test_the_sweep_reaches_every_route`.

What a user must never see: a 5xx; a redirect off the site; their ``<script>`` run by a
page. What must never happen: a refused submission leaving an audit event behind, or any
statement writing NUL, a control character, a bidi override, a blank-only value or a
100,000-character text to the database. The stage, the payloads, the watch on the
database and the probe that checks each answer are in ``tests.hostile``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import Engine, update

from core.enterprises import Enterprise
from tests import factories
from tests.forms_in_pages import Field, multipart, urlencoded
from tests.hostile import PAYLOADS, REDIRECTS, FoundForm, Outcome, Payload, Stage, probe, scan_tables, staged
from tests.test_authorization import SPEC, _methods

# Controls into which a person types free text: a payload marked "always" must be refused there.
# Numbers and dates refuse every payload (none is a sane number or date).
TYPED = frozenset({"text", "textarea", "password"})
STRICT = frozenset({"number", "date"})
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
    "practices.new_check_item": ("risk_point",),
    "practices.risk_point": ("history",),
    "standards.index": ("q", "stage", "industry", "page", "size", "sort"),
    "standards.export": ("q", "stage", "industry", "sort"),
    "standards.project": ("history",),
    "standards.add_clause": ("parent", "after", "kind"),
    "search.index": ("q", "kind", "industry", "status", "page"),
    "catalogue.index": ("q", "industry", "status", "year", "page"),
    "assessments.index": ("q", "state", "publication", "campaign", "region", "page", "size", "sort"),
    "assessments.show": ("history",),
    "assessments.rectifications": ("state", "page", "size", "sort"),
    "assessments.rectification": ("history",),
    "assessments.campaign": ("state", "page", "size", "sort"),
    "assessments.dashboard": ("region", "publication", "page"),
    "assessments.dashboard_export": ("region", "publication", "table"),
}
LIST_ARGUMENTS = {"q", "region", "industry", "campaign", "state", "page", "size", "sort", "date_from", "date_to",
                  "history", "next"}
# Argument *names* a template might hand to url_for as keywords.
HOSTILE_NAMES = ("endpoint", "_external", "_scheme", "_anchor", "_method", "values")


@pytest.fixture(scope="module")
def stage(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """One stage for the whole module: every probe below runs on it (see ``tests.hostile``)."""
    with staged(engine, tmp_path_factory) as built:
        yield built


# --- the sweep: each form field by field, each page's arguments ----------------------------


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


# Values that mean something only to a field that reads a number, a date, a choice or a target:
# typed into free text they are plain words that the text rules store as typed, like the SQL and
# script payloads every field still gets, so free-text fields are spared them; every field that
# reads a number, a date, a choice or a redirect target (``back``, ``next``) still gets them all.
TYPED_ONLY = frozenset({"digits20", "minus-one", "year-1", "year-9999", "tab-slash", "slash-slash", "off-site"})


def _payloads_for(found: FoundForm, name: str, payloads: tuple[Payload, ...]) -> tuple[Payload, ...]:
    """Every payload of this database's sweep (``tests.hostile.payloads_for``), except in the
    CSRF token of most forms: one hook checks it before any view runs, so it is attacked in
    full on the sign-in form and with one payload elsewhere."""
    if name == "csrf_token" and found.endpoint != "auth.login":
        return PAYLOADS[:1]
    free_text = found.form.kind_of(name).kind in TYPED and name not in ("back", "next")
    if free_text:
        return tuple(p for p in payloads if p.name not in TYPED_ONLY)
    return payloads


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
            for payload in _payloads_for(found, name, stage.payloads):
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
    for payload in stage.payloads:
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

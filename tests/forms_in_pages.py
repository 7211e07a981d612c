"""The forms a page renders, read the way a browser reads them, and bodies to post them with.

The hostile-input sweep and the live-server test submit what the pages actually draw —
every field with the value it was rendered with — rather than hand-written dictionaries
that drift from the templates. Bodies are encoded here (not by a client library) so a
test can put any bytes, invalid UTF-8 included, into any field or file name.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_plus, urljoin, urlsplit

Value = str | bytes
SKIPPED_INPUTS = frozenset({"submit", "button", "image", "reset"})


@dataclass(frozen=True)
class Field:
    """One named control: ``kind`` is the input type, or ``textarea`` / ``select``."""

    name: str
    kind: str
    value: str | None  # what a browser would send now; None: nothing (unchecked box)
    options: tuple[str, ...] = ()

    @property
    def multiline(self) -> bool:
        return self.kind == "textarea"


@dataclass
class Form:
    method: str  # "get" or "post"
    action: str  # path and query, resolved against the page
    multipart: bool
    fields: list[Field] = field(default_factory=list)

    def pairs(self) -> list[tuple[str, str]]:
        """What submitting the form untouched sends (file fields excluded)."""
        return [(f.name, f.value) for f in self.fields if f.value is not None and f.kind != "file"]

    def names(self) -> list[str]:
        """Each control name once, in page order."""
        return list(dict.fromkeys(f.name for f in self.fields))

    def kind_of(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def path(self) -> str:
        return urlsplit(self.action).path


class _FormReader(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: dict[str, object] | None = None
        self._option: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            parts = urlsplit(action)
            self._form = Form(
                method=(a.get("method") or "get").lower(),
                action=parts.path + (f"?{parts.query}" if parts.query else ""),
                multipart=a.get("enctype", "") == "multipart/form-data",
            )
            self.forms.append(self._form)
            return
        if tag == "option":
            if self._select is not None:
                self._end_option()  # an <option> closes the one before it
                self._start_option(a)
            return
        if self._form is None or "name" not in a:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in SKIPPED_INPUTS:
                return
            if kind in ("checkbox", "radio"):
                value = a.get("value", "on") if "checked" in a else None
            elif kind == "file":
                value = None
            else:
                value = a.get("value", "")
            self._form.fields.append(Field(a["name"], kind, value))
        elif tag == "textarea":
            self._textarea = (a["name"], [])
        elif tag == "select":
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": [], "selected": []}

    def _start_option(self, a: dict[str, str]) -> None:
        self._option = {"value": a.get("value"), "text": [], "selected": "selected" in a}

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option["text"].append(data)  # type: ignore[attr-defined]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            body = "".join(text)
            # A browser normalises CRLF and drops one newline after the start tag (WTForms writes "\r\n").
            self._form.fields.append(Field(name, "textarea", body.replace("\r\n", "\n").removeprefix("\n")))
            self._textarea = None
        elif tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None and self._form is not None:
            self._end_option()
            options: list[str] = self._select["options"]  # type: ignore[assignment]
            selected: list[str] = self._select["selected"]  # type: ignore[assignment]
            name = str(self._select["name"])
            if self._select["multiple"]:
                for value in selected:
                    self._form.fields.append(Field(name, "select", value, tuple(options)))
            else:
                chosen = selected[-1] if selected else (options[0] if options else None)
                self._form.fields.append(Field(name, "select", chosen, tuple(options)))
            self._select = None

    def _end_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value = self._option["value"]
        if value is None:
            value = "".join(self._option["text"]).strip()  # type: ignore[arg-type]
        self._select["options"].append(value)  # type: ignore[attr-defined]
        if self._option["selected"]:
            self._select["selected"].append(value)  # type: ignore[attr-defined]
        self._option = None


def forms_in(html: str, page_url: str) -> list[Form]:
    """Every ``<form>`` of ``html`` with the values its controls were rendered with."""
    reader = _FormReader(page_url)
    reader.feed(html)
    reader.close()
    return reader.forms


def _bytes(value: Value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def urlencoded(pairs: list[tuple[str, Value]]) -> bytes:
    """``application/x-www-form-urlencoded``, any bytes allowed in any value."""
    return "&".join(f"{quote_plus(_bytes(k))}={quote_plus(_bytes(v))}" for k, v in pairs).encode("ascii")


def multipart(pairs: list[tuple[str, Value]], files: list[tuple[str, Value, bytes]]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body and its content type; file names go in as given.

    As browsers do, a quote in a name is escaped as ``%22`` and CR/LF as ``%0D%0A``
    (the HTML standard's rule), so the part headers stay well-formed whatever the name.
    """
    boundary = f"----biaogan{secrets.token_hex(8)}"

    def header_value(value: Value) -> bytes:
        return _bytes(value).replace(b'"', b"%22").replace(b"\r", b"%0D").replace(b"\n", b"%0A")

    chunks: list[bytes] = []
    for name, value in pairs:
        chunks += [f"--{boundary}\r\n".encode(),
                   b'Content-Disposition: form-data; name="' + header_value(name) + b'"\r\n\r\n',
                   _bytes(value), b"\r\n"]
    for name, filename, content in files:
        chunks += [f"--{boundary}\r\n".encode(),
                   b'Content-Disposition: form-data; name="' + header_value(name) + b'"; filename="'
                   + header_value(filename) + b'"\r\n',
                   b"Content-Type: application/octet-stream\r\n\r\n", content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"

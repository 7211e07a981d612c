"""A real gunicorn serving the app on loopback, and a small browser to talk to it.

The live tests must see what production sees — several worker processes, real
transactions, CSRF on, a session cookie — so the server is gunicorn itself, configured
only through the environment, and the client is the standard library's ``http.client``
(one connection per request, as parallel browsers would open). Each :class:`Browser`
may speak from its own loopback address (127.0.0.x), so per-client rate limits treat
different browsers as the different clients they stand for.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.forms_in_pages import Form, Value, forms_in, urlencoded

ROOT = Path(__file__).resolve().parent.parent
COOKIE = "biaogan_session"
START_TIMEOUT = 60.0  # seconds for gunicorn to answer its first request
STOP_TIMEOUT = 15.0
REQUEST_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Answer:
    method: str
    path: str
    status: int
    location: str
    body: str
    cookies: dict[str, str]  # what Set-Cookie set ("" when it cleared one)


@dataclass
class Server:
    """A running gunicorn; every answer any browser got from it is kept in ``answers``."""

    base: str
    log: Path
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def host(self) -> str:
        return urlsplit(self.base).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urlsplit(self.base).port or 80

    def record(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def gunicorn(env: Mapping[str, str], log: Path, workers: int = 2) -> Iterator[Server]:
    """``gunicorn --workers N wsgi:app`` on a free loopback port, stopped (within bounds) afterwards."""
    port = free_port()
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--timeout", "120", "--graceful-timeout", "5", "wsgi:app"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        _stop(process)


def _wait_until_up(server: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log_tail()}")
        connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
        try:
            connection.request("GET", "/login")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass  # not listening yet
        finally:
            connection.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the master (it stops its workers), then SIGKILL to the group it leads if need be."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group of this one process: its workers
            process.wait(timeout=STOP_TIMEOUT)
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return
    os.killpg(process.pid, signal.SIGKILL)  # a worker that outlived its master


class Browser:
    """One person's browser: a session cookie, a loopback address of its own, and forms."""

    def __init__(self, server: Server, address: str = "127.0.0.1") -> None:
        self.server = server
        self.address = address
        self.cookie = ""

    def copy(self) -> Browser:
        twin = Browser(self.server, self.address)
        twin.cookie = self.cookie
        return twin

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "",
                keep_cookie: bool = True) -> Answer:
        """One request on a fresh connection; ``keep_cookie=False`` leaves the jar as it was
        (several threads sharing one signed-in session)."""
        headers = {"User-Agent": "biaogan-live-test", "Host": f"{self.server.host}:{self.server.port}"}
        if self.cookie:
            headers["Cookie"] = f"{COOKIE}={self.cookie}"
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=REQUEST_TIMEOUT,
                                                source_address=(self.address, 0))
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            cookies = {}
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
            answer = Answer(method, path, response.status, response.getheader("Location") or "", text, cookies)
        finally:
            connection.close()
        self.server.record(answer)
        if keep_cookie and COOKIE in answer.cookies:
            self.cookie = answer.cookies[COOKIE]
        return answer

    def get(self, path: str, keep_cookie: bool = True) -> Answer:
        return self.request("GET", path, keep_cookie=keep_cookie)

    def post(self, path: str, pairs: list[tuple[str, Value]], keep_cookie: bool = True) -> Answer:
        return self.request("POST", path, urlencoded(pairs), "application/x-www-form-urlencoded", keep_cookie)

    def form(self, path: str, action: str | None = None) -> Form:
        """The page's form posting to ``action`` (a pattern; by default the page itself) as drawn."""
        page = self.get(path)
        assert page.status == 200, f"GET {path} → {page.status}"
        action = action or re.escape(urlsplit(path).path)
        forms = [f for f in forms_in(page.body, path) if f.method == "post" and re.fullmatch(action, f.path)]
        assert forms, f"{path} draws no form posting to {action}"
        return forms[0]

    def submit(self, form: Form, keep_cookie: bool = True, **values: str) -> Answer:
        """Post ``form`` with its drawn values, ``values`` replacing or adding fields."""
        pairs: list[tuple[str, Value]] = [(k, v) for k, v in form.pairs() if k not in values]
        pairs += list(values.items())
        return self.post(form.action, pairs, keep_cookie)

    def sign_in(self, username: str, password: str) -> Answer:
        form = self.form("/login")
        return self.submit(form, username=username, password=password)

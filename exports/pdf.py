"""DOCX → PDF through LibreOffice, with the 目次 filled: real entries and page numbers.

``soffice --convert-to pdf`` leaves a TOC field's placeholder in the PDF, so each conversion
runs the UNO script :mod:`exports.uno_convert` under Debian's ``/usr/bin/python3`` (where
``python3-uno`` lives) against an ``soffice`` started here for this one conversion:

- its own LibreOffice profile (``-env:UserInstallation``) in a fresh temporary folder —
  conversions sharing a profile silently produce nothing — and its own pipe name, so two
  conversions at once never meet (no port to pick, none to collide on);
- ``FONTCONFIG_FILE`` pointing at the shipped ``exports/fonts/fonts.conf``, which maps
  宋体/黑体 (absent on Linux) to Noto Serif/Sans CJK SC, so the body stays serif;
- a deadline: past ``timeout`` the office and the script are killed (their whole process
  group) and :class:`PdfConversionFailed` says so; the temporary folder always goes.

Where LibreOffice or python3-uno is missing :func:`pdf_available` is False and
:func:`docx_to_pdf` raises :class:`PdfUnavailable`: the application runs without PDF and
says so. Both exceptions carry a sentence a page can show as it is.

The binaries can be pointed elsewhere: the ``soffice``/``python`` arguments, else the
``BIAOGAN_SOFFICE``/``BIAOGAN_UNO_PYTHON`` environment variables, else ``soffice`` on the
PATH (or Debian's ``/usr/lib/libreoffice/program/soffice``) and ``/usr/bin/python3``.

Each conversion takes a few seconds (LibreOffice starts every time): call it from a
background job, never inside a web request.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "uno_convert.py"
FONTS_CONF = HERE / "fonts" / "fonts.conf"
SOFFICE_ENV, PYTHON_ENV = "BIAOGAN_SOFFICE", "BIAOGAN_UNO_PYTHON"
DEBIAN_SOFFICE = "/usr/lib/libreoffice/program/soffice"
SYSTEM_PYTHON = "/usr/bin/python3"
QUIT_GRACE = 10.0  # seconds soffice gets to exit after the script asked it to
PIPE_DIR = Path("/tmp")  # where LibreOffice puts its pipes' sockets, whatever TMPDIR says (sal/osl/unx/pipe.cxx)

UNAVAILABLE = "本机未安装 LibreOffice，暂不能生成 PDF。"
NO_UNO = "本机未安装 LibreOffice 的 Python 接口（python3-uno），暂不能生成 PDF。"
TIMED_OUT = "PDF 生成超时（超过 {seconds:g} 秒），已中止。请稍后重试。"
FAILED = "PDF 生成失败：LibreOffice 未能转换该文档。"


class PdfUnavailable(RuntimeError):
    """LibreOffice (or its Python bridge) is not installed here: PDF cannot be made at all."""


class PdfConversionFailed(RuntimeError):
    """LibreOffice is here but this conversion failed or ran out of time.

    ``str(exc)`` is the sentence for the page; ``detail`` what LibreOffice said, for the log."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def find_soffice(soffice: str | None = None) -> str | None:
    """The soffice to run: the one asked for (argument, then environment) if it is an
    executable, else None — never a silent fallback to another; with nothing asked, the
    PATH's or Debian's."""
    asked = soffice or os.environ.get(SOFFICE_ENV)
    if asked:
        return shutil.which(asked)
    return shutil.which("soffice") or shutil.which(DEBIAN_SOFFICE)


def find_python(python: str | None = None) -> str:
    return python or os.environ.get(PYTHON_ENV) or SYSTEM_PYTHON


_HAS_UNO: set[str] = set()  # interpreters seen importing uno (a failure is asked again next time)


def _has_uno(python: str) -> bool:
    if python in _HAS_UNO:
        return True
    try:
        ok = subprocess.run([python, "-I", "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    if ok:
        _HAS_UNO.add(python)
    return ok


def pdf_available(*, soffice: str | None = None, python: str | None = None) -> bool:
    """Whether :func:`docx_to_pdf` can work here: LibreOffice found and python3-uno importable."""
    return find_soffice(soffice) is not None and _has_uno(find_python(python))


def _environment() -> dict[str, str]:
    """The converter's environment: ours, with the shipped fonts.conf and no venv leaking in."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and everything it started (soffice → oosplash → soffice.bin)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def _pipe_files(pipe: str, profile_url: str) -> list[Path]:
    """The sockets soffice makes for one conversion: the pipe we gave it, and its single-instance
    pipe, named after the MD5 of the profile URL in UTF-16 (as LibreOffice names it). soffice
    removes both when it quits; a killed one leaves them behind, so we remove them then."""
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    uid = os.getuid()
    return [PIPE_DIR / f"OSL_PIPE_{uid}_{pipe}",
            PIPE_DIR / f"OSL_PIPE_{uid}_SingleOfficeIPC_{''.join(format(b, 'x') for b in digest)}"]


def docx_to_pdf(docx: bytes, *, timeout: float = 120, soffice: str | None = None, python: str | None = None) -> bytes:
    """The PDF of ``docx``, its indexes (目次) and fields updated by LibreOffice.

    Raises :class:`PdfUnavailable` when LibreOffice or python3-uno is missing, and
    :class:`PdfConversionFailed` when the conversion fails or takes longer than ``timeout``
    seconds (LibreOffice is then killed). Safe to call from several threads at once."""
    office_bin = find_soffice(soffice)
    if office_bin is None:
        raise PdfUnavailable(UNAVAILABLE)
    interpreter = find_python(python)
    if not _has_uno(interpreter):
        raise PdfUnavailable(NO_UNO)
    deadline = time.monotonic() + timeout
    env = _environment()
    with tempfile.TemporaryDirectory(prefix="biaogan-pdf-", ignore_cleanup_errors=True) as folder:
        work = Path(folder)
        source, target = work / "in.docx", work / "out.pdf"
        source.write_bytes(docx)
        pipe, profile = f"biaogan_pdf_{uuid.uuid4().hex}", (work / "profile").as_uri()
        with open(work / "soffice.log", "wb") as log:
            try:
                office = subprocess.Popen(
                    [office_bin, "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
                     "--nolockcheck", f"-env:UserInstallation={profile}",
                     f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env, cwd=work, start_new_session=True)
            except OSError as exc:
                raise PdfUnavailable(UNAVAILABLE) from exc
            try:
                script = _run_script(interpreter, pipe, source, target, deadline, env, work, timeout)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    office.wait(timeout=max(0.0, min(QUIT_GRACE, deadline - time.monotonic())))
            finally:
                _kill(office)
                for leftover in _pipe_files(pipe, profile):
                    leftover.unlink(missing_ok=True)
        if script.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            said = script.stderr.decode("utf-8", "replace").strip()
            raise PdfConversionFailed(FAILED, f"exit {script.returncode}: {said}")
        return target.read_bytes()


def _run_script(interpreter: str, pipe: str, source: Path, target: Path, deadline: float, env: dict[str, str],
                work: Path, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run :mod:`exports.uno_convert` against the office on ``pipe``, killed at ``deadline``."""
    remaining = deadline - time.monotonic()
    command = [interpreter, "-I", str(SCRIPT), pipe, str(source), str(target), f"{max(remaining, 1.0):.1f}"]
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, cwd=work, start_new_session=True) as script:  # closes its pipes on the way out
        try:
            out, err = script.communicate(timeout=max(remaining, 0.1))
        except subprocess.TimeoutExpired:
            _kill(script)
            raise PdfConversionFailed(TIMED_OUT.format(seconds=timeout), "the UNO script ran out of time") from None
    return subprocess.CompletedProcess(command, script.returncode, out, err)

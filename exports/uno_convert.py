"""DOCX → PDF inside a running LibreOffice, with every index (目次) and field brought up to date.

Run by Debian's ``/usr/bin/python3`` — ``python3-uno`` belongs to the system interpreter,
not to the project's venv — from :func:`exports.pdf.docx_to_pdf`, which starts ``soffice``
listening on a pipe of its own and then runs::

    /usr/bin/python3 -I exports/uno_convert.py PIPE_NAME IN.docx OUT.pdf SECONDS

``soffice --convert-to pdf`` would print the TOC field's placeholder: LibreOffice only
fills a table of contents when asked. So this script loads the document hidden, updates
every document index, refreshes the text fields (page numbers, references), updates the
indexes once more (filling the 目次 can move the body down a page, which changes the
numbers it lists), stores the PDF, and asks LibreOffice to quit.

It imports nothing of the project (the system interpreter does not see the venv). Exit
status 0 when the PDF was written; 2 when LibreOffice could not be reached in time; 3
when the document could not be opened or exported (the reason on stderr).
"""

from __future__ import annotations

import contextlib
import sys
import time

import uno  # python3-uno, from the system interpreter's dist-packages

CONNECT_PAUSE = 0.1  # seconds between attempts while soffice starts


def _prop(name: str, value: object) -> object:
    """A ``com.sun.star.beans.PropertyValue`` (UNO's keyword argument)."""
    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name = name
    prop.Value = value
    return prop


def connect(pipe: str, seconds: float) -> object:
    """The office's component context, once ``soffice`` (just started) accepts on ``pipe``."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + seconds
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # NoConnectException until soffice listens
            if time.monotonic() > deadline:
                raise
            time.sleep(CONNECT_PAUSE)


def update_indexes(doc: object) -> int:
    """Update every document index (目次 and any other); return how many there are."""
    indexes = doc.getDocumentIndexes()  # type: ignore[attr-defined]
    for i in range(indexes.getCount()):
        indexes.getByIndex(i).update()
    return indexes.getCount()


def convert(ctx: object, source: str, target: str) -> None:
    """Load ``source`` hidden, fill its indexes and fields, store ``target`` as PDF.

    The DOCX filter is named, so bytes that are not a DOCX fail here instead of being
    imported as plain text and printed."""
    smgr = ctx.ServiceManager  # type: ignore[attr-defined]
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0,
                                       (_prop("Hidden", True), _prop("ReadOnly", False),
                                        _prop("FilterName", "MS Word 2007 XML")))
    if doc is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        if update_indexes(doc):
            doc.getTextFields().refresh()
            doc.refresh()
            update_indexes(doc)
        doc.storeToURL(uno.systemPathToFileUrl(target), (_prop("FilterName", "writer_pdf_Export"),))
    finally:
        doc.close(True)


def quit_office(ctx: object) -> None:
    """Ask soffice to exit (the caller kills it anyway if it lingers)."""
    # The bridge drops as the office goes away: an exception here is the expected end.
    with contextlib.suppress(Exception):
        ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx).terminate()  # type: ignore[attr-defined]


def main(argv: list[str]) -> int:
    pipe, source, target, seconds = argv[1], argv[2], argv[3], float(argv[4])
    try:
        ctx = connect(pipe, seconds)
    except Exception as exc:
        print(f"LibreOffice did not accept a connection on pipe {pipe}: {exc}", file=sys.stderr)
        return 2
    try:
        convert(ctx, source, target)
    except Exception as exc:
        print(f"conversion failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    finally:
        quit_office(ctx)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

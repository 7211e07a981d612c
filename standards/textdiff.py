"""Character-level differences between two texts, marked for a page.

Chinese has no spaces to split words on, so differences are found character by
character with diff-match-patch and then tidied with its *semantic* cleanup, which
merges the scattered one-character matches a raw diff produces into runs a reader can
follow (``<del>应</del><ins>宜</ins>`` rather than a confetti of fragments). The clause
editor's conflict page and the redline both mark text this way.
"""

from __future__ import annotations

from html import escape

from diff_match_patch import diff_match_patch
from markupsafe import Markup

DIFF_TIMEOUT_SECONDS = 1.0  # a pathological pair gives a coarser diff, never a hung request


def diff(old: str, new: str) -> list[tuple[int, str]]:
    """``(op, text)`` runs: op -1 deleted from ``old``, 1 inserted in ``new``, 0 kept."""
    engine = diff_match_patch()
    engine.Diff_Timeout = DIFF_TIMEOUT_SECONDS
    runs = engine.diff_main(old or "", new or "")
    engine.diff_cleanupSemantic(runs)
    return [(op, text) for op, text in runs]


def diff_html(old: str, new: str) -> Markup:
    """``new`` compared with ``old`` as escaped HTML: insertions in ``<ins>``, deletions in ``<del>``."""
    parts = []
    for op, text in diff(old, new):
        if op == 1:
            parts.append(f"<ins>{escape(text)}</ins>")
        elif op == -1:
            parts.append(f"<del>{escape(text)}</del>")
        else:
            parts.append(escape(text))
    return Markup("".join(parts))


def changed(old: str, new: str) -> bool:
    return (old or "") != (new or "")

"""Verification of the trail: recompute the sealed chain and hold it against the checkpoints.

Kept apart from :mod:`core.audit` because it is a different job with a different reader:
services write events through ``core.audit`` inside their transactions, while a chain is
verified on demand (``flask audit verify``, the administrator's button, the benchmark) by
walking every event. This module depends on ``core.audit`` (the tables, ``event_hash``,
the checkpoint file format) and nothing there depends on it, so there is no cycle.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import GENESIS_HASH, AuditChainHead, AuditEvent, Seal, event_hash, read_checkpoints, seal_of


@dataclass(frozen=True)
class ChainReport:
    """What a verification found: how many events held, and the first problem if any."""

    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""
    checkpoints: int = 0  # how many checkpoints were confirmed


def verify_chain(session: Session) -> ChainReport:
    """Recompute the whole chain and hold it against the checkpoints.

    Reports the first event that is missing or altered, a chain head that disagrees with
    the events, or a checkpoint the chain no longer contains (cut-off or emptied tail).
    """
    seal = seal_of(session)
    expected, problem = _load_checkpoints(seal)
    if problem:
        return ChainReport(False, 0, None, problem)
    stmt = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000)
    with session.scalars(stmt) as events:  # closes the server-side cursor on an early return
        report, last_hash = _walk(seal.key, events, expected)
    if not report.ok:
        return report
    head = session.get(AuditChainHead, 1)
    if head is None:
        return ChainReport(False, report.checked, None, "链头记录缺失")
    if head.seq != report.checked or head.last_hash != last_hash:
        missing = report.checked + 1
        return ChainReport(False, report.checked, missing, f"事件 #{missing} 缺失（链尾事件已被删除）")
    if expected:
        newest = max(expected)
        if newest > report.checked:
            return ChainReport(False, report.checked, report.checked + 1,
                               f"检查点记录链中已有 {newest} 条事件，现仅剩 {report.checked} 条："
                               f"事件 #{report.checked + 1} 起已被删除")
    return ChainReport(True, report.checked, checkpoints=len(expected))


def _load_checkpoints(seal: Seal) -> tuple[dict[int, str], str]:
    """seq → seal from the checkpoint file, or a problem with the file itself."""
    if seal.checkpoints is None or not seal.checkpoints.exists():
        return {}, ""
    expected: dict[int, str] = {}
    for item in read_checkpoints(seal.checkpoints):
        if isinstance(item, int):
            return {}, f"检查点文件第 {item} 行无法识别（已被改动）"
        if not item.genuine(seal.key):
            return {}, f"检查点 #{item.seq} 的签名不符（检查点文件已被改动）"
        expected[item.seq] = item.hash
    return expected, ""


def _walk(key: bytes, events: Iterable[AuditEvent], expected: Mapping[int, str]) -> tuple[ChainReport, str]:
    """Check each event against its predecessor and its seal; also hand back the last seal."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for ev in events:
        problem = ""
        if ev.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"事件 #{expected_seq} 缺失（已被删除）"), prev_hash
        if ev.prev_hash != prev_hash:
            problem = f"事件 #{ev.seq} 的前序哈希与事件 #{ev.seq - 1} 不符"
        elif not hmac.compare_digest(event_hash(ev, key), ev.hash):
            problem = f"事件 #{ev.seq} 的内容被改动（签名不符）"
        elif ev.seq in expected and expected[ev.seq] != ev.hash:
            problem = f"事件 #{ev.seq} 与检查点记录的不符（链已被重写）"
        if problem:
            return ChainReport(False, checked, ev.seq, problem), prev_hash
        prev_hash, expected_seq, checked = ev.hash, expected_seq + 1, checked + 1
    return ChainReport(True, checked), prev_hash

"""Reports are traced in the background: one daemon thread per process (`TRACER`) traces the
pending reports of each library it is woken for, each report with the evidence of every report
combined with it into one leak; `trace_pending` does the same work synchronously (tests, the
command line). What is pending lives in the database, so a report whose process died is traced
after the restart (`resume_traces`)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from gongwen.errors import GongwenError
from gongwen.library import Library
from gongwen.model.member import OPERATOR
from gongwen.platform.tracing import trace_combined
from gongwen.store import audit
from gongwen.store import reports as store

log = logging.getLogger(__name__)


def trace_pending(lib: Library) -> int:
    """Trace every report whose trace is pending, oldest first; how many were traced here.

    The background worker's loop, and what tests and the command line call to do the same
    work synchronously."""
    traced = 0
    tried: set[int] = set()
    while True:
        with lib.db.read() as conn:
            waiting = [i for i in store.untraced(conn) if i not in tried]
        if not waiting:
            return traced
        for report_id in waiting:
            tried.add(report_id)
            traced += _trace_report(lib, report_id)


def _trace_report(lib: Library, report_id: int) -> bool:
    """Trace a report: with the evidence of every report combined with it into one leak."""
    with lib.db.read() as conn:
        group = store.leak_of(conn, report_id)
        found = [store.evidence(conn, i) for i in group]
    items = [(data, filename, text) for text, data, filename in filter(None, found)]
    if not items:
        return False
    try:
        # The tracer reads each file within its budget (tracing.LIMITS, the one a report's
        # evidence was checked against on arrival). A report with a link only (nothing to
        # read) adds nothing to a combined leak.
        readable = [i for i in items if i[0] is not None or (i[2] or "").strip()]
        result = trace_combined(lib, OPERATOR, readable or items[:1])
        traced: dict[str, object] = dict(result.as_json())
        if len(group) > 1:
            traced["combined"] = group
    except GongwenError as err:  # an unreadable file: kept as evidence, traced by hand
        traced = {"error": getattr(err, "reason", "") or str(err)}
    except Exception as err:  # a crash must not leave the report pending for ever
        log.exception("tracing report #%s failed", report_id)
        traced = {"error": f"自动溯源出错（{type(err).__name__}），请在溯源页面手动核查"}
    with lib.db.write() as conn:
        if not store.set_trace(conn, report_id, json.dumps(traced, ensure_ascii=False)):
            return False  # traced meanwhile by another worker
        audit.record(
            conn, None, "report.trace", str(report_id), {"verdict": traced.get("verdict", "")}
        )
    return True


class Tracer:
    """The process's one background tracer: a daemon thread that traces the pending reports of
    each library it is woken for, one report at a time. Wake-ups wait in an ordered set (one
    entry per library), so a burst of reports costs one queue entry and never a thread each;
    what is pending lives in the database, so a report whose process died is traced after the
    restart (`resume_traces`, or the editor's list)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting: dict[int, Library] = {}
        self._thread: threading.Thread | None = None
        self._busy = False
        self._holds = 0

    def wake(self, lib: Library) -> None:
        with self._cond:
            if self._holds:
                return  # see `held`
            self._waiting.setdefault(id(lib), lib)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="gongwen-report-tracer", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._waiting) and not self._holds)
                lib = self._waiting.pop(next(iter(self._waiting)))
                self._busy = True
            try:
                trace_pending(lib)
            except Exception as err:  # a database hiccup (or a closed library) ends one round
                log.warning("tracing pending reports failed: %s", err)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Until nothing is queued or being traced; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._waiting and not self._busy, timeout)

    @contextmanager
    def held(self) -> Iterator[None]:
        """No background tracing inside the block (once the round under way, if any, ends):
        wake-ups are ignored, so what is submitted meanwhile stays pending until the next one
        after it (`trace_pending` traces it at once)."""
        with self._cond:
            self._holds += 1
            self._cond.wait_for(lambda: not self._busy)
        try:
            yield
        finally:
            with self._cond:
                self._holds -= 1
                self._cond.notify_all()


TRACER = Tracer()


def resume_traces(lib: Library) -> None:
    """Trace, in the background, the reports an earlier process left pending (the web app's
    lifespan calls this at start)."""
    TRACER.wake(lib)

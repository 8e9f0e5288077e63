"""The scheduler: every few seconds, scheduled materials whose time has come are announced.

Started by whoever runs the platform (the web app's lifespan when live updates are on; tests
call `publishing.announce_due` directly). Every worker runs one; a conditional update makes
exactly one of them announce each material.
"""

from __future__ import annotations

import logging
import threading

from gongwen.library import Library
from gongwen.platform.publishing import announce_due

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, lib: Library, every_s: float = 2.0) -> None:
        self.lib = lib
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="gongwen-scheduler", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                announce_due(self.lib)
            except Exception as err:  # a database hiccup must not end the loop
                log.warning("announcing scheduled materials failed: %s", err)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

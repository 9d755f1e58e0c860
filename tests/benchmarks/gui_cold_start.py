"""Run as a subprocess by test_bench_gui: start the app on a journal, show the main window,
and exit as soon as its first frame (with the entry list's first page) has been painted.

Unlocks with the raw key from RJ_BENCH_KEY_HEX (what the OS keyring would give), so the time
is the app's, not scrypt's. Prints the seconds from RJ_BENCH_SPAWNED (the parent's clock just
before it spawned this process) to the first painted frame, then leaves at once: closing the
window starts the automatic backup, which is not part of starting up.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class _Key:
    def get(self, path):
        return os.environ["RJ_BENCH_KEY_HEX"]


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from reflectjournal.gui.main_window import MainWindow
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.unlock import KeySources

    app = QApplication(sys.argv[:1])
    workspace = Workspace.open(Path(sys.argv[1]), KeySources(keyring=_Key(), environ={}))
    window = MainWindow(workspace)
    window.resize(1200, 800)
    window.show()
    window.grab()  # forces layout and a full paint of every visible widget, list rows included
    app.processEvents()  # one turn of the event loop, as a user's first frame gets
    # Not app.quit(): quitting closes the window, which starts the automatic backup.
    print(f"{time.time() - float(os.environ['RJ_BENCH_SPAWNED']):.4f}", flush=True)
    os._exit(0)  # skip the close-time backup; the journal was only read


if __name__ == "__main__":
    raise SystemExit(main())

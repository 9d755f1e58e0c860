"""The app side of the AT-SPI walk: shows one page or dialog at a time, on request.

Run by tests/gui/atspi_walk.py with Qt's accessibility bridge on (xcb under Xvfb, a private
D-Bus session). Reads target names (tests/gui/a11y_gallery.py) on stdin, one a line; answers
``shown <title>`` once the target is on screen, ``closed`` after ``close``, and exits on
``quit``. The demo journal lives in a temporary folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


PROBE = "unnamed-probe"


def probe(window):
    """The walk's own check: an icon-only button nobody named, a combo box with no label."""
    from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QPushButton, QVBoxLayout

    dialog = QDialog(window)
    dialog.setWindowTitle("Probe")
    column = QVBoxLayout(dialog)
    field = QLineEdit()
    field.setAccessibleName("Named field")
    column.addWidget(field)
    column.addWidget(QPushButton())  # no text, no accessible name
    kind = QComboBox()
    kind.addItems(["Coaching", "Mentoring"])
    kind.setAccessibleName("Kind")  # dropped on Linux: only a label names a combo box there
    column.addWidget(kind)
    dialog.show()
    return dialog


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="rj-atspi-"))
    for name in ("DATA", "STATE", "CONFIG"):
        os.environ[f"REFLECTJOURNAL_{name}_DIR"] = str(folder / name.lower())
    os.environ["REFLECTJOURNAL_NO_KEYRING"] = "1"
    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtWidgets import QDialog

    from reflectjournal.gui.app import make_app
    from tests.gui.a11y_gallery import TARGETS, demo_window, settle

    app = make_app(["reflectjournal-atspi"])
    window = demo_window(folder)
    state: dict = {"shown": None}

    def command_arrived() -> None:
        # The event loop keeps running between commands: Qt answers AT-SPI calls from it.
        command = sys.stdin.readline().strip()
        shown = state["shown"]
        if command in ("quit", ""):
            notifier.setEnabled(False)
            window.autolock_timer.stop()
            window.finish()
            window.close()
            window.workspace.close()
            app.quit()
            return
        if command == "close":
            if isinstance(shown, QDialog):
                shown.close()
                shown.deleteLater()
            state["shown"] = None
            settle()
            print("closed", flush=True)
            return
        build = probe if command == PROBE else TARGETS[command]
        shown = state["shown"] = build(window)
        shown.raise_()
        shown.activateWindow()
        settle(10)
        print(f"shown {shown.windowTitle()}", flush=True)

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(command_arrived)
    print("ready", flush=True)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

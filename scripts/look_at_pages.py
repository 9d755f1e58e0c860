"""Save every page and dialog at 1024x640 and 1920x1080, light and dark, for a look.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/look_at_pages.py OUT_DIR

Pages are taken at both sizes; dialogs at the size they open with. Uses the demo journal in
a temporary folder (tests/gui/a11y_gallery.py lists the pages and dialogs).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("REFLECTJOURNAL_NO_KEYRING", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = ((1024, 640), (1920, 1080))


def main(out: Path, only: list[str]) -> int:
    temp = tempfile.TemporaryDirectory(prefix="rj-look-")
    for name in ("DATA", "STATE", "CONFIG"):
        os.environ[f"REFLECTJOURNAL_{name}_DIR"] = str(Path(temp.name) / name.lower())
    from PySide6.QtWidgets import QDialog

    from reflectjournal.gui.app import make_app
    from reflectjournal.gui.theme import apply_theme
    from tests.gui.a11y_gallery import DIALOGS, PAGES, demo_window, settle

    out.mkdir(parents=True, exist_ok=True)
    app = make_app(["look"])
    window = demo_window(Path(temp.name))
    for theme in ("light", "dark"):
        apply_theme(app, theme)
        settle()
        for name, build in PAGES.items():
            if only and name not in only:
                continue
            for width, height in SIZES:
                window.resize(width, height)
                settle()
                build(window)
                settle(10)
                window.grab().save(str(out / f"{name}-{width}x{height}-{theme}.png"))
        for name, build in DIALOGS.items():
            if only and name not in only:
                continue
            dialog = build(window)
            settle(10)
            dialog.grab().save(str(out / f"dialog-{name}-{theme}.png"))
            if isinstance(dialog, QDialog):
                dialog.close()
                dialog.deleteLater()
    window.autolock_timer.stop()
    window.finish()
    window.close()
    window.workspace.close()
    temp.cleanup()
    print(f"pictures written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), sys.argv[2:]))

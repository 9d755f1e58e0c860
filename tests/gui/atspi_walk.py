"""Walk the app's accessibility tree through AT-SPI, the way Orca sees it.

Run with the system Python (it needs python3-pyatspi / gi's Atspi, which the project's venv
does not have) inside a private D-Bus session:

    dbus-run-session -- /usr/bin/python3 tests/gui/atspi_walk.py --python .venv/bin/python T...

It starts Xvfb, the AT-SPI bus, then the app (tests/gui/atspi_app.py) with Qt's accessibility
bridge on, asks it to show each target in turn, and walks that window over D-Bus. It writes
one JSON object (to --out): for each target, the names of the focusable controls it found and a
description of every focusable control without a name.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, Gio, GLib  # noqa: E402

HERE = Path(__file__).resolve().parent
# Items inside lists, tables and trees are data, not controls; menus' separators are lines.
ITEMS = {
    Atspi.Role.TABLE_CELL,
    Atspi.Role.LIST_ITEM,
    Atspi.Role.TREE_ITEM,
    Atspi.Role.TABLE_ROW,
    Atspi.Role.TABLE_COLUMN_HEADER,
    Atspi.Role.TABLE_ROW_HEADER,
    Atspi.Role.COLUMN_HEADER,
    Atspi.Role.ROW_HEADER,
    Atspi.Role.SEPARATOR,
}
CONTAINERS_OF_ITEMS = {Atspi.Role.TABLE, Atspi.Role.TREE_TABLE, Atspi.Role.TREE, Atspi.Role.LIST}


def _stop_with_parent() -> None:
    # A walk killed hard (timeout, crash) must not leave Xvfb or the app behind: the kernel
    # stops them when the walker goes (PR_SET_PDEATHSIG).
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def start_xvfb() -> tuple[subprocess.Popen, str]:
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
        preexec_fn=_stop_with_parent,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        raise SystemExit("Xvfb did not start")
    return xvfb, f":{number}"


def start_a11y_bus() -> None:
    """Ask the session bus for the AT-SPI bus (it activates at-spi-bus-launcher), so the app
    finds it registered when it starts: Qt's bridge waits for the name, it never activates it."""
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    bus.call_sync(
        "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress",
        None, GLib.VariantType.new("(s)"), Gio.DBusCallFlags.NONE, 20_000, None,
    )  # fmt: skip


def find_app(pid: int, timeout: float = 60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            if app is not None and app.get_process_id() == pid:
                return app
        time.sleep(0.2)
    raise SystemExit("the app never appeared on the AT-SPI bus")


def window_titled(app, title: str, timeout: float = 60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.clear_cache()
        for i in range(app.get_child_count()):
            win = app.get_child_at_index(i)
            if win is not None and win.get_name() == title:
                if win.get_state_set().contains(Atspi.StateType.SHOWING):
                    return win
        time.sleep(0.2)
    seen = [app.get_child_at_index(i).get_name() for i in range(app.get_child_count())]
    raise SystemExit(f"no window titled {title!r} on the AT-SPI bus, only {seen}")


def labelled_by(node) -> str:
    for relation in node.get_relation_set() or []:
        if relation.get_relation_type() == Atspi.RelationType.LABELLED_BY:
            for i in range(relation.get_n_targets()):
                text = (relation.get_target(i).get_name() or "").strip()
                if text:
                    return text
    return ""


def walk(window) -> dict:
    named, unnamed = [], []
    stack = [(window, [])]
    while stack:
        node, path = stack.pop()
        try:
            role = node.get_role()
            states = node.get_state_set()
            name = node.get_name() or ""
        except GLib.Error:
            continue  # a widget that went away while walking
        if role in ITEMS:
            continue
        if states.contains(Atspi.StateType.FOCUSABLE) and states.contains(Atspi.StateType.SHOWING):
            value = ""
            if role == Atspi.Role.COMBO_BOX:
                # On Linux Qt names a combo box by its current item and drops
                # setAccessibleName; what it is for travels as a "labelled by" relation.
                label, value = labelled_by(node), name
                name = f"{label}: {value}" if label else ""
            if name.strip():
                named.append(name)
            else:
                where = " / ".join(path[-4:])
                what = f" showing {value!r} but labelled by nothing" if value else ""
                unnamed.append(f"{node.get_role_name()}{what} (in {where})")
        if role in CONTAINERS_OF_ITEMS:
            continue
        label = f"{node.get_role_name()} {name!r}" if name else node.get_role_name()
        for i in range(node.get_child_count() - 1, -1, -1):
            child = node.get_child_at_index(i)
            if child is not None:
                stack.append((child, [*path, label]))
    return {"controls": named, "unnamed": unnamed}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", required=True, help="the project's Python (with PySide6)")
    parser.add_argument("--out", required=True, help="where the JSON report goes")
    parser.add_argument("targets", nargs="+")
    args = parser.parse_args()
    xvfb, display = start_xvfb()
    app_process = None
    try:
        start_a11y_bus()
        env = dict(
            os.environ,
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            QT_ACCESSIBILITY="1",
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
        )
        app_process = subprocess.Popen(
            [args.python, str(HERE / "atspi_app.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            preexec_fn=_stop_with_parent,
        )
        assert app_process.stdin is not None and app_process.stdout is not None
        if app_process.stdout.readline().strip() != "ready":
            raise SystemExit("the app did not start")
        app = find_app(app_process.pid)
        report = {}
        for target in args.targets:
            app_process.stdin.write(target + "\n")
            app_process.stdin.flush()
            answer = app_process.stdout.readline().strip()
            if not answer.startswith("shown "):
                raise SystemExit(f"the app could not show {target}: {answer!r}")
            report[target] = walk(window_titled(app, answer[len("shown ") :]))
            app_process.stdin.write("close\n")
            app_process.stdin.flush()
            app_process.stdout.readline()
        app_process.stdin.write("quit\n")
        app_process.stdin.flush()
        app_process.wait(timeout=60)
        # Not stdout: the AT-SPI registry daemon writes its greeting there.
        Path(args.out).write_text(json.dumps(report), encoding="utf-8")
        return 0
    finally:
        if app_process is not None and app_process.poll() is None:
            app_process.kill()
        xvfb.terminate()
        xvfb.wait()


if __name__ == "__main__":
    raise SystemExit(main())

"""Entry point: the desktop app when no command (or ``gui``) is given, else the CLI.

It sits above both front ends so that the CLI package itself never imports Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from reflectjournal.cli.main import build_parser, run

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in (None, "gui"):
        try:
            from reflectjournal.gui.app import run_gui
        except ImportError as exc:
            sys.stderr.write(f"reflectjournal: the desktop app cannot start ({exc}).\n")
            return 1
        return run_gui(args)
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())

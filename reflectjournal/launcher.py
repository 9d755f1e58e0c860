"""Entry point: the desktop app when no command (or ``gui``) is given, else the CLI.

It sits above both front ends so that the CLI package itself never imports Qt. A bare file
argument (``reflectjournal notes.rj``, as a file manager passes it) opens the desktop app on
that file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def _file_argument(argv: list[str], commands: set[str]) -> list[str]:
    """Rewrite ``[options] FILE`` into the equivalent ``gui`` invocation."""
    positional = [a for a in argv if not a.startswith("-")]
    if len(positional) != 1 or positional[0] in commands:
        return argv
    candidate = Path(positional[0])
    if not candidate.is_file():
        return argv
    from reflectjournal.services.sharing.kinds import PACKET_SUFFIXES  # no imports behind it

    rest = [a for a in argv if a != positional[0]]
    if candidate.suffix in PACKET_SUFFIXES:
        return [*rest, "gui", "--open", str(candidate)]
    return ["--journal", str(candidate), *rest, "gui"]


def main(argv: Sequence[str] | None = None) -> int:
    from reflectjournal.cli.main import COMMANDS, build_parser, run

    raw = list(sys.argv[1:] if argv is None else argv)
    rewritten = _file_argument(raw, set(COMMANDS))
    args = build_parser(rewritten).parse_args(rewritten)
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

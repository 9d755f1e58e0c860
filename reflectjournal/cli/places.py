"""Where a journal meets others or its other devices: the place options and their checks.

``exchange set``, ``devices set`` and ``init --join`` take the same place (docs/CLI.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.errors import UsageError

if TYPE_CHECKING:  # imported when used: every command's start-up reads this module
    from reflectjournal.services.exchange.places import PlaceSpec


def add_place_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    where = p.add_mutually_exclusive_group(required=required)
    where.add_argument("--folder", metavar="DIR")
    where.add_argument("--webdav", metavar="URL")
    where.add_argument("--s3", metavar="URL")
    p.add_argument("--user", metavar="U")
    p.add_argument("--password-file", metavar="F")
    p.add_argument("--bucket", metavar="B")
    p.add_argument("--access-key", metavar="K")
    p.add_argument("--secret-file", metavar="F")


def secret_from_file(path: str | None, what: str) -> str | None:
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise UsageError(f"The {what} file {path} could not be read; check its name.") from None
    secret = text.rstrip("\r\n")
    if not secret:
        raise UsageError(f"The {what} file {path} is empty.")
    return secret


def place_spec(args: argparse.Namespace) -> PlaceSpec:
    from reflectjournal.services.exchange.places import PlaceSpec

    if args.folder:
        if args.user or args.password_file or args.bucket or args.access_key or args.secret_file:
            raise UsageError("A folder needs no user, password, bucket or keys; remove them.")
        return PlaceSpec("folder", args.folder)
    if args.webdav:
        if args.bucket or args.access_key or args.secret_file:
            raise UsageError("--bucket, --access-key and --secret-file are for S3 places.")
        return PlaceSpec(
            "webdav",
            args.webdav,
            user=args.user,
            secret=secret_from_file(args.password_file, "password"),
        )
    if args.user or args.password_file:
        raise UsageError("--user and --password-file are for WebDAV places.")
    return PlaceSpec(
        "s3",
        args.s3,
        bucket=args.bucket,
        user=args.access_key,
        secret=secret_from_file(args.secret_file, "secret key"),
    )

"""A shared folder kept in step by the people's own sync (OneDrive, Dropbox, Syncthing…)."""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from .store import MAX_OBJECT_BYTES, TEMP_PREFIX, PlaceUnreachable, Store, check_name, visible


class FolderStore(Store):
    def __init__(self, root: str | Path):
        self.root = Path(root).expanduser()
        self.label = f"the folder {self.root}"

    def _fail(self, exc: OSError) -> PlaceUnreachable:
        return PlaceUnreachable(
            f"{self.label[0].upper()}{self.label[1:]} cannot be used "
            f"({exc.strerror or type(exc).__name__}); check that it is there and that you "
            "can write in it."
        )

    def list(self) -> list[str]:
        try:
            with os.scandir(self.root) as found:
                return visible([e.name for e in found if e.is_file(follow_symlinks=False)])
        except OSError as exc:
            raise self._fail(exc) from None

    def get(self, name: str) -> bytes | None:
        check_name(name)
        try:
            with open(self.root / name, "rb") as handle:
                return handle.read(MAX_OBJECT_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._fail(exc) from None

    def put_if_absent(self, name: str, data: bytes) -> bool:
        check_name(name)
        final = self.root / name
        tmp = self.root / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        try:
            if not self.root.is_dir():
                raise FileNotFoundError(errno.ENOENT, "No such folder")
            with open(tmp, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                # A hard link never replaces an existing file: put-if-absent in one step.
                os.link(tmp, final)
                return True
            except FileExistsError:
                return False
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                    raise
                # Folders on file systems without hard links (FAT, some cloud drives): names
                # are unique per message, so the only racer writes the same bytes.
                if final.exists():
                    return False
                os.replace(tmp, final)
                return True
        except OSError as exc:
            raise self._fail(exc) from None
        finally:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass

    def delete(self, name: str) -> None:
        check_name(name)
        try:
            (self.root / name).unlink(missing_ok=True)
        except OSError as exc:
            raise self._fail(exc) from None

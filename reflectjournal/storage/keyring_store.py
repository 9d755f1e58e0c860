"""The OS keyring, used only when it is a real, secure backend and answers in time.

`keyring` may hang (a locked Secret Service waiting for a prompt nobody sees), raise, or be a
backend that stores secrets in plain text. Every call here runs in a worker thread with a
timeout, refuses insecure backends, and reports failure as ``None``/``False``: losing the
keyring must never lose the journal, because the passphrase always still works.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reflectjournal.deferred import Deferred, import_deferring
from reflectjournal.errors import log_form
from reflectjournal.logs import get_logger, settle

log = get_logger(__name__)  # loads logging when a record is written (logs.py)

SERVICE = "ReflectJournal"
DEFAULT_TIMEOUT = 3.0

# Backends that "work" but must not hold a journal key.
_REFUSED_BACKENDS = (
    "keyring.backends.fail.Keyring",
    "keyring.backends.null.Keyring",
    "keyrings.alt.file.PlaintextKeyring",
    "keyrings.alt.file.EncryptedKeyring",  # asks for its own password on a terminal
)


# Modules the keyring package imports when it loads, for helpers that looking up one secret
# never calls: jaraco.context's download helper brings the whole HTTP client (urllib.request,
# http.client, email, ssl) and the backend registry brings importlib_metadata. Together about
# a third of a command line's start-up with the key in the keyring. jaraco.context also imports
# subprocess and tempfile for its shell and temporary-folder helpers, jaraco.functools imports
# more_itertools for helpers keyring does not call at import, and keyring.core imports
# configparser for a config file it reads only when no backend is named in the environment
# (another ~13 ms of CPU together), and jaraco.functools imports inspect for one helper. While
# keyring loads, each is stood in for by a module that imports the real one on first use
# (reflectjournal/deferred.py), so nothing breaks if a backend does use it. ``logging`` is
# stood in for too (by ``_DeferredLogging``), when nothing has loaded it yet.
_DEFERRED = (
    "urllib.request",
    "importlib_metadata",
    "subprocess",
    "tempfile",
    "more_itertools",
    "configparser",
    "inspect",
)


class _DeferredLogging(Deferred):
    """Stands in for ``logging`` while keyring loads: keyring.core and keyring.backend name
    their loggers at import, and get stand-ins (``logs.get_logger``) that load ``logging``
    when keyring writes a record. Anything else read from it loads the real module."""

    def getLogger(self, name: str | None = None) -> Any:  # logging's own name
        if name is None:
            return self.__getattr__("getLogger")()
        return get_logger(name)


class _DeferredTarfile(Deferred):
    """Stands in for tarfile (``backports.tarfile`` before Python 3.12) while keyring loads:
    jaraco.context composes ``tarfile.data_filter`` into its download helper's filter at
    import, and that helper is never called when looking up a key (~3 ms of imports)."""

    def data_filter(self, member: Any, dest_path: Any) -> Any:
        return self.__getattr__("data_filter")(member, dest_path)


class _DeferredShutil(Deferred):
    """Stands in for shutil while keyring loads: jaraco.context takes ``shutil.rmtree`` as a
    default argument at import (shutil brings zlib, bz2 and lzma: ~4 ms of imports)."""

    def rmtree(self, *args: Any, **kwargs: Any) -> Any:
        return self.__getattr__("rmtree")(*args, **kwargs)


class _DeferredPlatform(Deferred):
    """Stands in for platform while keyring loads: keyring and jaraco.context ask
    ``platform.system()`` at import, which on Linux and macOS is the kernel's name from
    ``os.uname()``; the platform module itself (~2 ms of imports) loads for anything else."""

    def system(self) -> str:
        if sys.platform in ("linux", "darwin"):
            return os.uname().sysname
        return str(self.__getattr__("system")())


def _import_keyring() -> Any:
    extra = [_DeferredLogging("logging"), _DeferredShutil("shutil"), _DeferredPlatform("platform")]
    package = None
    if sys.version_info >= (3, 12):
        extra.append(_DeferredTarfile("tarfile"))
    elif "backports.tarfile" not in sys.modules:
        try:  # the namespace package jaraco.context imports tarfile from
            package = importlib.import_module("backports")
        except ImportError:
            pass
        else:
            stand_in = _DeferredTarfile("backports.tarfile")
            extra.append(stand_in)
            vars(package)["tarfile"] = stand_in  # what `from backports import tarfile` reads
    try:
        return import_deferring("keyring", _DEFERRED, extra=extra)
    finally:
        if package is not None and isinstance(getattr(package, "tarfile", None), Deferred):
            delattr(package, "tarfile")  # a later `from backports import tarfile` imports it


def _account(journal: Path) -> str:
    return str(journal.resolve())


class KeyringStore:
    """Stores a journal's derived key under (service, absolute journal path)."""

    def __init__(self, backend: Any | None = None, timeout: float = DEFAULT_TIMEOUT):
        self._backend = backend
        self._timeout = timeout

    def _get_backend(self) -> Any | None:
        if self._backend is None:
            try:
                self._backend = _import_keyring().get_keyring()
            except Exception:  # a broken keyring install must not stop the journal opening
                log.exception("keyring could not be loaded")
                return None
            finally:
                if "getLogger" in vars(sys.modules.get("logging", sys)):
                    settle()  # a backend loaded logging: its records go to the log file too
        return self._backend

    def usable(self) -> bool:
        backend = self._get_backend()
        if backend is None:
            return False
        return self._secure(backend)

    @staticmethod
    def _secure(backend: Any) -> bool:
        name = f"{type(backend).__module__}.{type(backend).__qualname__}"
        if name in _REFUSED_BACKENDS:
            return False
        if name == "keyring.backends.chainer.ChainerBackend":
            return any(KeyringStore._secure(b) for b in getattr(backend, "backends", []))
        priority = getattr(backend, "priority", 1)
        try:
            return float(priority) >= 1
        except (TypeError, ValueError):
            return False

    def _call(self, fn: Callable[[], Any]) -> tuple[bool, Any]:
        result: dict[str, Any] = {}

        def run() -> None:
            try:
                result["value"] = fn()
            except Exception as exc:  # reported to the caller as a failure
                result["error"] = exc

        worker = threading.Thread(target=run, name="keyring-call", daemon=True)
        worker.start()
        worker.join(self._timeout)
        if worker.is_alive():
            log.warning("keyring did not answer within %.1f s", self._timeout)
            return False, None
        if "error" in result:
            log.warning("keyring call failed: %s", log_form(result["error"]))
            return False, None
        return True, result.get("value")

    def _ready(self) -> Any:
        """The backend, which ``usable()`` has just found (keyring ships no types)."""
        backend = self._get_backend()
        if backend is None:
            raise RuntimeError("keyring backend asked for before it was found usable")
        return backend

    def get(self, journal: Path) -> str | None:
        if not self.usable():
            return None
        ok, value = self._call(lambda: self._ready().get_password(SERVICE, _account(journal)))
        return value if ok and isinstance(value, str) else None

    def set(self, journal: Path, secret: str) -> bool:
        if not self.usable():
            return False
        ok, _ = self._call(lambda: self._ready().set_password(SERVICE, _account(journal), secret))
        return ok

    def delete(self, journal: Path) -> bool:
        if not self.usable():
            return False
        ok, _ = self._call(lambda: self._ready().delete_password(SERVICE, _account(journal)))
        return ok

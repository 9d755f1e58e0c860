"""A WebDAV collection (Nextcloud, ownCloud, any WebDAV server) through ``webdav4``.

``webdav4`` is a maintained, httpx-based client; we use four of its calls. Uploads go to a
temporary name and are then MOVEd with ``Overwrite: F``, so a reader never sees a
half-written object under a real name and an existing object is never replaced.
"""

from __future__ import annotations

import io
import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

from .store import (
    MAX_OBJECT_BYTES,
    TEMP_PREFIX,
    MissingLibrary,
    PlaceUnreachable,
    Store,
    check_name,
    visible,
)

TIMEOUT_SECONDS = 15.0

# httpx logs every request's URL at INFO; the log must not hold the user's server addresses.
logging.getLogger("httpx").setLevel(logging.WARNING)


def _client_module() -> Any:
    try:
        import httpx
        import webdav4.client
    except ImportError:  # pragma: no cover - webdav4 is a core dependency
        raise MissingLibrary(
            "WebDAV places need the webdav4 package; install it with "
            "`pip install webdav4` and try again."
        ) from None
    return webdav4.client, httpx


class WebDAVStore(Store):
    def __init__(self, url: str, user: str | None = None, password: str | None = None):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("a WebDAV address starts with http:// or https://")
        self.url = url if url.endswith("/") else url + "/"
        # The label names the server and folder only: never the user or password.
        self.label = f"the WebDAV folder {parts.hostname}{parts.path or '/'}"
        client_mod, httpx = _client_module()
        self._errors = (client_mod.ClientError, client_mod.HTTPError, httpx.HTTPError, OSError)
        self._not_found = client_mod.ResourceNotFound
        self._exists = client_mod.ResourceAlreadyExists
        auth = (user, password or "") if user else None
        self._client = client_mod.Client(self.url, auth=auth, retry=False, timeout=TIMEOUT_SECONDS)

    def _fail(self, exc: Exception) -> PlaceUnreachable:
        return PlaceUnreachable(
            f"{self.label[0].upper()}{self.label[1:]} did not answer as expected "
            f"({type(exc).__name__}); check the address, your connection and the password."
        )

    def list(self) -> list[str]:
        try:
            found = self._client.ls("", detail=True)
        except self._errors as exc:
            raise self._fail(exc) from None
        names = []
        for item in found:
            if item.get("type") == "directory":
                continue
            names.append(item["name"].rstrip("/").rsplit("/", 1)[-1])
        return visible(names)

    def get(self, name: str) -> bytes | None:
        check_name(name)
        buffer = io.BytesIO()
        try:
            self._client.download_fileobj(name, buffer)
        except self._not_found:
            return None
        except self._errors as exc:
            raise self._fail(exc) from None
        data = buffer.getvalue()
        return data[: MAX_OBJECT_BYTES + 1]

    def put_if_absent(self, name: str, data: bytes) -> bool:
        check_name(name)
        tmp = f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        try:
            if self._client.exists(name):
                return False
            self._client.upload_fileobj(io.BytesIO(data), tmp, overwrite=False, size=len(data))
            try:
                self._client.move(tmp, name, overwrite=False)
            except self._exists:
                self._remove_quietly(tmp)
                return False
            except self._errors as exc:
                # Some servers answer 412 Precondition Failed for Overwrite: F on a name taken.
                if getattr(getattr(exc, "response", None), "status_code", None) == 412:
                    self._remove_quietly(tmp)
                    return False
                raise
            return True
        except self._errors as exc:
            self._remove_quietly(tmp)
            raise self._fail(exc) from None

    def _remove_quietly(self, name: str) -> None:
        try:
            self._client.remove(name)
        except Exception:
            pass

    def delete(self, name: str) -> None:
        check_name(name)
        try:
            self._client.remove(name)
        except self._not_found:
            return
        except self._errors as exc:
            raise self._fail(exc) from None

    def close(self) -> None:
        try:
            self._client.http.close()
        except Exception:
            pass

"""S3-compatible object storage (AWS S3, MinIO, Ceph, SeaweedFS) through ``minio``.

``minio`` is the MinIO project's maintained S3 client: small (no botocore), synchronous and
speaking plain S3, so it works with any S3-compatible server. It is an optional extra
(``pip install 'reflectjournal[s3]'``) because only organisations running a programme need
it. A single PUT is atomic in S3: an object is either absent or whole.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

from .store import (
    MAX_OBJECT_BYTES,
    MissingLibrary,
    PlaceUnreachable,
    Store,
    check_name,
    visible,
)

TIMEOUT_SECONDS = 15.0


def _minio() -> Any:
    try:
        import minio
        import urllib3
    except ImportError:
        raise MissingLibrary(
            "S3 places need the minio package, which is not installed; install it with "
            "`pip install 'reflectjournal[s3]'` and try again."
        ) from None
    return minio, urllib3


class S3Store(Store):
    def __init__(
        self,
        url: str,
        bucket: str,
        access_key: str | None = None,
        secret_key: str | None = None,
        prefix: str = "",
    ):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("an S3 address starts with http:// or https://")
        minio, urllib3 = _minio()
        self.bucket = bucket
        self.prefix = prefix
        self.label = f"the S3 bucket {bucket} at {parts.hostname}"
        self._minio = minio
        self._errors = (minio.error.MinioException, urllib3.exceptions.HTTPError, OSError)
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS),
            retries=urllib3.Retry(total=1, backoff_factor=0.2),
        )
        self._http = http
        self._client = minio.Minio(
            parts.netloc,
            access_key=access_key,
            secret_key=secret_key,
            secure=parts.scheme == "https",
            region="us-east-1",
            http_client=http,
        )

    def _fail(self, exc: Exception) -> PlaceUnreachable:
        code = getattr(exc, "code", None) or type(exc).__name__
        return PlaceUnreachable(
            f"{self.label[0].upper()}{self.label[1:]} did not answer as expected ({code}); "
            "check the address, the bucket, your connection and the keys."
        )

    def _is_missing(self, exc: Exception) -> bool:
        if isinstance(exc, self._minio.error.S3Error):
            return exc.code in ("NoSuchKey", "NoSuchObject", "ResourceNotFound")
        # Some servers (rclone's) send their 404 as text/xml, which minio does not parse.
        return isinstance(exc, self._minio.error.InvalidResponseError) and exc._code == 404

    def list(self) -> list[str]:
        try:
            names = [
                obj.object_name[len(self.prefix) :]
                for obj in self._client.list_objects(self.bucket, prefix=self.prefix or None)
                if not obj.is_dir
            ]
        except self._errors as exc:
            raise self._fail(exc) from None
        return visible(names)

    def get(self, name: str) -> bytes | None:
        check_name(name)
        response = None
        try:
            response = self._client.get_object(self.bucket, self.prefix + name)
            data: bytes = response.read(MAX_OBJECT_BYTES + 1)
            return data
        except self._errors as exc:
            if self._is_missing(exc):
                return None
            raise self._fail(exc) from None
        finally:
            if response is not None:
                response.close()
                response.release_conn()

    def put_if_absent(self, name: str, data: bytes) -> bool:
        check_name(name)
        key = self.prefix + name
        try:
            try:
                self._client.stat_object(self.bucket, key)
                return False
            except self._errors as exc:
                if not self._is_missing(exc):
                    raise
            # Names are unique per message: a racing writer can only write the same bytes.
            self._client.put_object(self.bucket, key, io.BytesIO(data), len(data))
            return True
        except self._errors as exc:
            raise self._fail(exc) from None

    def delete(self, name: str) -> None:
        check_name(name)
        try:
            self._client.remove_object(self.bucket, self.prefix + name)
        except self._errors as exc:
            if self._is_missing(exc):
                return
            raise self._fail(exc) from None

    def close(self) -> None:
        self._http.clear()

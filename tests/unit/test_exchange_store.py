"""The store interface against a real folder, a real WebDAV server and a real S3 server."""

from __future__ import annotations

import os

import pytest
from exchange_servers import (  # tests/exchange_servers.py
    ACCESS_KEY,
    DAV_PASSWORD,
    DAV_USER,
    SECRET_KEY,
    s3_server,  # noqa: F401 - fixture
    webdav_server,  # noqa: F401 - fixture
)

from reflectjournal.services.exchange.folder import FolderStore
from reflectjournal.services.exchange.s3 import S3Store
from reflectjournal.services.exchange.store import (
    MARKER_NAME,
    PlaceRefused,
    PlaceUnreachable,
    Store,
    check_marker,
    setup_place,
)
from reflectjournal.services.exchange.webdav import WebDAVStore


@pytest.fixture(params=["folder", "webdav", "s3"])
def place(request, tmp_path):
    """(store, folder on the server's disk where the objects land, server or None)."""
    if request.param == "folder":
        root = tmp_path / "shared"
        root.mkdir()
        yield FolderStore(root), root, None
    elif request.param == "webdav":
        server = request.getfixturevalue("webdav_server")
        store = WebDAVStore(server.url + "exchange/", DAV_USER, DAV_PASSWORD)
        yield store, server.root / "exchange", server
        store.close()
    else:
        server = request.getfixturevalue("s3_server")
        yield (
            S3Store(server.url, "programme", ACCESS_KEY, SECRET_KEY),
            server.root / "programme",
            server,
        )


def test_four_calls_round_trip_bytes_on_the_servers_disk(place):
    store, disk, _ = place
    assert store.list() == []
    assert store.get("m-0001") is None
    assert store.put_if_absent("m-0001", b"\x00ciphertext\xff") is True
    assert (disk / "m-0001").read_bytes() == b"\x00ciphertext\xff"
    # put-if-absent never replaces what is there
    assert store.put_if_absent("m-0001", b"other") is False
    assert (disk / "m-0001").read_bytes() == b"\x00ciphertext\xff"
    assert store.put_if_absent("m-0002", b"two") is True
    assert store.list() == ["m-0001", "m-0002"]
    assert store.get("m-0002") == b"two"
    store.delete("m-0001")
    store.delete("m-0001")  # already gone: not an error
    assert not (disk / "m-0001").exists()
    assert store.list() == ["m-0002"]
    # no temporary files are left behind by the atomic uploads
    assert sorted(os.listdir(disk)) == ["m-0002"]


def test_temporary_and_stray_names_are_not_listed(place):
    store, disk, _ = place
    (disk / ".rj-tmp-0123").write_bytes(b"half")
    (disk / "Notes.docx").write_bytes(b"someone else's file")
    store.put_if_absent("m-0003", b"x")
    assert store.list() == ["m-0003"]


def test_setup_writes_a_marker_and_a_second_side_adopts_it(place):
    store, disk, _ = place
    first = setup_place(store)
    assert first.created and len(first.place_id) == 32
    assert (disk / MARKER_NAME).exists()
    second = setup_place(store)
    assert second == type(first)(first.place_id, created=False)
    check_marker(store, first.place_id)
    # only the marker is left: the probe was deleted
    assert sorted(os.listdir(disk)) == [MARKER_NAME]


def test_a_place_without_its_marker_or_with_another_is_refused(place):
    store, disk, _ = place
    check = setup_place(store)
    store.put_if_absent("m-0004", b"x")
    (disk / MARKER_NAME).unlink()
    with pytest.raises(PlaceRefused, match="no longer holds this exchange's marker"):
        check_marker(store, check.place_id)
    setup_place(store, expected="ab" * 16)
    with pytest.raises(PlaceRefused, match="belongs to another exchange"):
        check_marker(store, check.place_id)
    with pytest.raises(PlaceRefused, match="belongs to another exchange than the invitation"):
        setup_place(store, expected="cd" * 16)
    (disk / MARKER_NAME).write_bytes(b"not json")
    with pytest.raises(PlaceRefused, match="damaged"):
        check_marker(store, check.place_id)
    assert (disk / "m-0004").read_bytes() == b"x"  # nothing was deleted


class ForgetfulStore(Store):
    """A broken server: accepts writes but reads back something else (Joplin #4294-like)."""

    label = "the WebDAV folder example.org/broken/"

    def __init__(self):
        self.objects = {}

    def list(self):
        return sorted(self.objects)

    def get(self, name):
        return b"garbage" if name in self.objects else None

    def put_if_absent(self, name, data):
        self.objects.setdefault(name, data)
        return True

    def delete(self, name):
        self.objects.pop(name, None)


def test_a_faulty_place_is_refused_on_setup():
    store = ForgetfulStore()
    with pytest.raises(PlaceRefused, match="did not keep what was written"):
        setup_place(store)
    assert MARKER_NAME not in store.objects


def test_a_missing_folder_is_one_sentence(tmp_path):
    store = FolderStore(tmp_path / "not-there")
    for call in (store.list, lambda: store.put_if_absent("m-1", b"x")):
        with pytest.raises(PlaceUnreachable) as caught:
            call()
        assert str(caught.value).startswith("The folder ")
        assert str(caught.value).count(". ") == 0


@pytest.mark.parametrize("kind", ["webdav", "s3"])
def test_a_stopped_server_is_unreachable_not_empty(kind, request):
    server = request.getfixturevalue(f"{kind}_server")
    if kind == "webdav":
        store = WebDAVStore(server.url + "exchange/", DAV_USER, DAV_PASSWORD)
    else:
        store = S3Store(server.url, "programme", ACCESS_KEY, SECRET_KEY)
    store.put_if_absent("m-0005", b"x")
    server.stop()
    with pytest.raises(PlaceUnreachable):
        store.list()
    with pytest.raises(PlaceUnreachable):
        store.get("m-0005")
    server.start()
    assert store.list() == ["m-0005"]
    store.close()


def test_webdav_wrong_password_is_one_sentence(webdav_server):  # noqa: F811
    store = WebDAVStore(webdav_server.url + "exchange/", DAV_USER, "wrong")
    with pytest.raises(PlaceUnreachable) as caught:
        store.list()
    store.close()
    assert "wrong" not in str(caught.value)
    assert "password" in str(caught.value)

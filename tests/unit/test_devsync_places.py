"""Device sync through real WebDAV and S3-compatible servers (rclone serve on 127.0.0.1),
a place that goes away (the outbox keeps everything), and a skewed clock."""

from __future__ import annotations

import time

import pytest

from reflectjournal.services.devsync.service import DeviceSync
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace
from tests.exchange_servers import (  # noqa: F401 - fixtures
    ACCESS_KEY,
    DAV_PASSWORD,
    DAV_USER,
    SECRET_KEY,
    s3_server,
    webdav_server,
)

PASS = "correct horse battery staple"


@pytest.fixture(params=["webdav", "s3"])
def server_spec(request):
    if request.param == "webdav":
        server = request.getfixturevalue("webdav_server")
        spec = PlaceSpec("webdav", server.url + "exchange/", user=DAV_USER, secret=DAV_PASSWORD)
        return server, spec, server.root / "exchange"
    server = request.getfixturevalue("s3_server")
    spec = PlaceSpec("s3", server.url, bucket="programme", user=ACCESS_KEY, secret=SECRET_KEY)
    return server, spec, server.root / "programme"


def _titles(ws: Workspace) -> set[str]:
    return {r[0] for r in ws.db.query("SELECT title FROM entry")}


def test_two_devices_through_a_real_server_and_an_outage(server_spec, tmp_path):
    server, spec, disk = server_spec
    a = Workspace.create(tmp_path / "a.rj", PASS)
    a.journal.add("Budget meeting went well", title="Budget", tags=["financial-acumen"])
    assert DeviceSync(a.db).set_place(spec, PASS, name="laptop").errors == []
    b = Workspace.create(tmp_path / "b.rj", PASS)
    assert DeviceSync(b.db).join(spec, PASS, name="desktop").errors == []
    assert _titles(b) == {"Budget"}
    for path in disk.rglob("*"):
        if path.is_file():
            assert b"Budget" not in path.read_bytes()

    server.stop()
    a.journal.add("Written on the train", title="Offline")
    down = DeviceSync(a.db).sync()
    assert down.errors and "Traceback" not in down.errors[0]
    assert a.db.scalar("SELECT count(*) FROM sync_outbox") == 1  # sealed, waiting
    assert "unreachable" in DeviceSync(a.db).status()
    server.start()
    assert DeviceSync(a.db).sync().errors == []
    assert a.db.scalar("SELECT count(*) FROM sync_outbox") == 0
    assert DeviceSync(b.db).sync().errors == []
    assert _titles(b) == {"Budget", "Offline"}
    a.close()
    b.close()


def test_a_device_whose_clock_is_a_year_behind_loses_nothing(tmp_path, monkeypatch):
    place = tmp_path / "place"
    place.mkdir()
    spec = PlaceSpec("folder", str(place))
    a = Workspace.create(tmp_path / "a.rj", PASS)
    eid = a.journal.add("one\ntwo\nthree", title="Shared")
    DeviceSync(a.db).set_place(spec, PASS, name="a")
    b = Workspace.create(tmp_path / "b.rj", PASS)
    DeviceSync(b.db).join(spec, PASS, name="b")
    bid = b.db.scalar("SELECT id FROM entry WHERE title = 'Shared'")
    # b's clock runs a year behind: its later edit still is not lost to a's older one.
    real = time.time
    a.journal.edit(eid, body="one\ntwo\nthree\nfour from a")
    DeviceSync(a.db).sync()
    monkeypatch.setattr(time, "time", lambda: real() - 365 * 86400)
    b.journal.edit(bid, body="zero from b\none\ntwo\nthree")
    DeviceSync(b.db).sync()
    monkeypatch.setattr(time, "time", real)
    DeviceSync(a.db).sync()
    DeviceSync(b.db).sync()
    expected = "zero from b\none\ntwo\nthree\nfour from a"
    assert a.db.scalar("SELECT body FROM entry WHERE id = ?", (eid,)) == expected
    assert b.db.scalar("SELECT body FROM entry WHERE id = ?", (bid,)) == expected
    # And a plain later edit on the skewed device, made after it received a's, wins.
    monkeypatch.setattr(time, "time", lambda: real() - 365 * 86400)
    b.journal.edit(bid, body="final from b")
    DeviceSync(b.db).sync()
    monkeypatch.setattr(time, "time", real)
    DeviceSync(a.db).sync()
    assert a.db.scalar("SELECT body FROM entry WHERE id = ?", (eid,)) == "final from b"
    assert DeviceSync(a.db).conflicts() == []
    a.close()
    b.close()

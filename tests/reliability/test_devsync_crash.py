"""kill -9 during device sync loses nothing that was acknowledged (committed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from reflectjournal.services.devsync.service import DeviceSync
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"

CHILD = """
import sys
from pathlib import Path
from reflectjournal.services.workspace import Workspace
from reflectjournal.services.unlocking import KeySources
from reflectjournal.services.devsync.service import DeviceSync

ws = Workspace.open(Path(sys.argv[1]), KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": sys.argv[2]}))
n = int(sys.argv[3])
while True:
    n += 1
    eid = ws.journal.add("written before the crash " + str(n), title="crash " + str(n))
    print(ws.db.scalar("SELECT uid FROM entry WHERE id = ?", (eid,)), flush=True)
    if n % 3 == 0:
        DeviceSync(ws.db).sync()
"""


def test_kill_9_during_sync_loses_nothing_acknowledged(tmp_path):
    place = tmp_path / "place"
    place.mkdir()
    spec = PlaceSpec("folder", str(place))
    a_path = tmp_path / "a.rj"
    a = Workspace.create(a_path, PASS)
    DeviceSync(a.db).set_place(spec, PASS, name="a")
    a.close()
    b = Workspace.create(tmp_path / "b.rj", PASS)
    DeviceSync(b.db).join(spec, PASS, name="b")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    acknowledged: list[str] = []
    for round_no, delay in enumerate((0.6, 1.1, 1.7, 0.9)):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(a_path), PASS, str(round_no * 10000)],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        acknowledged += [line for line in out.split() if line]
    assert len(acknowledged) > 3
    a = Workspace.open(a_path, _sources())
    assert DeviceSync(a.db).sync().errors == []
    assert DeviceSync(b.db).sync().errors == []
    have = {r[0] for r in b.db.query("SELECT uid FROM entry")}
    assert set(acknowledged) <= have
    assert a.db.integrity_ok()
    a.close()
    b.close()


def _sources():
    from reflectjournal.services.unlocking import KeySources

    return KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": PASS})

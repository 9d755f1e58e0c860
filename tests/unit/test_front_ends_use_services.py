"""The front ends talk only to services: no database handle, no SQL, anywhere in gui/ or cli/.

import-linter stops ``import reflectjournal.storage``; this reads the code itself (without
importing Qt), because ``workspace.db.query("SELECT …")`` needs no import to reach storage.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "reflectjournal"
FRONT_ENDS = ("gui", "cli")
DATABASE_CALLS = {"execute", "executemany", "executescript", "query", "query_one", "scalar"}
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH)\s", re.I)
# A word followed by SQL's next keyword, so prose such as "Delete this entry?" is not flagged.
SQL_SHAPE = re.compile(r"\b(FROM|INTO|SET|WHERE|TABLE|VALUES)\b")


def _modules() -> list[Path]:
    return sorted(p for name in FRONT_ENDS for p in (PACKAGE / name).rglob("*.py"))


def database_uses(source: str) -> list[str]:
    """What in ``source`` reaches past the services: ``.db``, database calls, SQL text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "db":
            found.append(f"line {node.lineno}: .db")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in DATABASE_CALLS
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "re")
        ):
            found.append(f"line {node.lineno}: .{node.func.attr}(…)")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL.match(node.value)
            and SQL_SHAPE.search(node.value)
            and node.value.split()[0].isupper()
        ):
            found.append(f"line {node.lineno}: SQL {node.value[:40]!r}")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_front_end_module_has_no_database_access(path: Path) -> None:
    assert database_uses(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "months = retention.months_setting(self.workspace.db)",
        "rows = workspace.journal.db.query('SELECT 1')",
        "self.sharing.connection.execute(sql)",
        "sql = 'UPDATE entry SET title = ? WHERE id = ?'",
        "found = ws.scalar('x')",
    ],
)
def test_the_check_catches_database_access(source: str) -> None:
    assert database_uses(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "label = 'Delete this entry? It goes to the trash.'",
        "title = 'Select a person from the list'",
        "self.workspace.retention.months()",
        "words = re.findall('x', text)",
    ],
)
def test_the_check_passes_ordinary_code(source: str) -> None:
    assert database_uses(source) == []


def test_only_the_settings_registry_reads_or_writes_the_setting_table() -> None:
    """Keys, defaults and the upsert live in services/settings.py alone (issue 15); storage
    (migrations, device sync's row copier) moves rows without knowing any key."""
    touching = re.compile(r"(FROM|INTO|UPDATE|JOIN)\s+setting\b", re.I)
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if touching.search(p.read_text(encoding="utf-8"))
        and p.name != "settings.py"
        and p.relative_to(PACKAGE).parts[0] != "storage"
    ]
    assert offenders == []


def test_counts_agree_with_their_nouns_everywhere() -> None:
    """ "1 comment(s)" and "1 entries" are what display.plural exists to prevent (issue 15)."""
    hedged = re.compile(r"\w\(s\)")
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.replace("http(s)", "")
                if hedged.search(text) or re.search(r"\}\s+entries\b", text):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            elif isinstance(node, ast.JoinedStr):  # f"{n} entries": a count before a plural
                parts = node.values
                for before, after in zip(parts, parts[1:], strict=False):
                    if (
                        isinstance(before, ast.FormattedValue)
                        and isinstance(after, ast.Constant)
                        and re.match(r"\s(entries|comments|sessions|actions|days)\b", after.value)
                    ):
                        offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []

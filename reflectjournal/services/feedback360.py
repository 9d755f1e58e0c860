"""360 / multi-source feedback against the NHS Healthcare Leadership Model, from a CSV file.

The shape is documented in docs/360-import.md. Two layouts are read:

- wide: one row per dimension, one column per rater group
  (``Dimension, Self, Line manager, Peers, Direct reports, Others, All raters``);
- long: one row per dimension and rater group (``Dimension, Rater group, Score[, Raters]``).

Column names are matched loosely, because reports are exported by hand from a PDF or a
spreadsheet: case, spacing and punctuation do not matter, and the names the NHS Leadership
Academy's 360 report uses ("Self", "Line manager", "Peers", "Direct reports", "Others",
"Average of all raters", "Number of raters") are all known. Dimension cells may carry a
number ("1. Inspiring shared purpose"). The whole file is checked before anything is written;
a file that cannot be read changes nothing and says which line is wrong.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import mean
from typing import TYPE_CHECKING, Any

from reflectjournal.errors import ImportFailed, UsageError
from reflectjournal.services.timeutil import now_utc, parse_date
from reflectjournal.storage.database import Database

if TYPE_CHECKING:
    from reflectjournal.services.people import PeopleService

FRAMEWORK = "nhs-healthcare-leadership-model"
MAX_BYTES = 1_000_000
GAP = 0.5  # a difference between self and others worth talking about

# Normalised header -> our column. "others" is the report's own all-raters figure.
_HEADERS = {
    "dimension": "dimension",
    "leadershipdimension": "dimension",
    "hlmdimension": "dimension",
    "healthcareleadershipmodeldimension": "dimension",
    "competency": "dimension",
    "area": "dimension",
    "self": "self",
    "selfrating": "self",
    "selfscore": "self",
    "selfassessment": "self",
    "you": "self",
    "yourrating": "self",
    "linemanager": "line-manager",
    "manager": "line-manager",
    "yourlinemanager": "line-manager",
    "peer": "peer",
    "peers": "peer",
    "colleagues": "peer",
    "directreport": "direct-report",
    "directreports": "direct-report",
    "team": "direct-report",
    "other": "other",
    "otherraters": "other",
    "stakeholders": "other",
    "others": "others",
    "allraters": "others",
    "averageofallraters": "others",
    "allratersaverage": "others",
    "allrespondents": "others",
    "averageofothers": "others",
    "othersaverage": "others",
    "allothers": "others",
    "overallexcludingself": "others",
    "ratersaverage": "others",
    "numberofraters": "raters",
    "raters": "raters",
    "noofraters": "raters",
    "n": "raters",
    "ratergroup": "group",
    "group": "group",
    "rater": "group",
    "respondentgroup": "group",
    "score": "score",
    "rating": "score",
    "mean": "score",
    "average": "score",
    "averagescore": "score",
}
GROUP_NAMES = {
    "self": "Self",
    "line-manager": "Line manager",
    "peer": "Peers",
    "direct-report": "Direct reports",
    "other": "Other raters",
    "others": "All others",
}


@dataclass(frozen=True)
class DimensionScores:
    slug: str
    name: str
    self_score: float | None
    others: float | None  # the report's all-others figure, else the mean of the groups
    groups: tuple[tuple[str, float], ...]  # (rater group, score) besides self and others
    journal_rating: int | None  # the owner's latest self-rating in this journal, if any

    @property
    def gap(self) -> float | None:
        if self.self_score is None or self.others is None:
            return None
        return round(self.self_score - self.others, 2)

    @property
    def reading(self) -> str:
        """How self and others compare, in words a coach would use."""
        gap = self.gap
        if gap is None:
            return ""
        if gap >= GAP:
            return "self above others (a possible blind spot)"
        if gap <= -GAP:
            return "others above self (a hidden strength)"
        return "self and others broadly agree"


@dataclass(frozen=True)
class FeedbackReport:
    report: str
    person: str | None  # whose 360; None = the journal's owner
    taken: str
    title: str
    dimensions: tuple[DimensionScores, ...]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _number(text: str, line: int, column: str) -> float | None:
    raw = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text
    raw = raw.strip().rstrip("%")
    if raw in ("", "-", "–", "n/a", "N/A", "NA"):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ImportFailed(
            f"Line {line}: '{text.strip()}' under {column} is not a score; nothing was imported."
        ) from None
    if not 0 <= value <= 10:
        raise ImportFailed(
            f"Line {line}: {value:g} under {column} is outside 0-10; nothing was imported."
        )
    return value


class Feedback360Service:
    def __init__(self, db: Database, people: PeopleService) -> None:
        self.db = db
        self.people = people

    def _dimensions(self) -> dict[str, tuple[str, str]]:
        """Normalised dimension name -> (slug, name)."""
        rows = self.db.query(
            "SELECT t.slug, t.name FROM tag t JOIN framework f ON f.id = t.framework_id "
            "WHERE f.slug = ? AND t.category = 'dimension' ORDER BY t.position",
            (FRAMEWORK,),
        )
        if not rows:
            raise UsageError(
                "The NHS Healthcare Leadership Model is not installed in this journal, so a 360 "
                "cannot be matched to its dimensions."
            )
        return {_norm(r["name"]): (r["slug"], r["name"]) for r in rows}

    def _dimension(self, cell: str, known: dict[str, tuple[str, str]], line: int) -> str:
        text = _norm(re.sub(r"^\s*(?:dimension\s*)?\d+\s*[.:)\-]?\s*", "", cell, flags=re.I))
        for key, (slug, _name) in known.items():
            if text == key or (len(text) > 6 and key in text):
                return str(slug)
        names = ", ".join(name for _, name in known.values())
        raise ImportFailed(
            f"Line {line}: '{cell.strip()}' is not a Healthcare Leadership Model dimension "
            f"({names}); nothing was imported."
        )

    def read(self, path: Path) -> list[tuple[str, str, float, int | None]]:
        """(dimension slug, rater group, score, raters) from the file, checked, not stored."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise UsageError(f"There is no file {path}.") from None
        except OSError as exc:
            raise UsageError(f"{path} could not be read ({exc.strerror}).") from None
        if len(raw) > MAX_BYTES:
            raise ImportFailed(f"{path.name} is larger than 1 MB; a 360 summary is much smaller.")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            if not _cp1252(raw):
                raise ImportFailed(
                    f"{path.name} is not a text file in UTF-8; save it as CSV (UTF-8)."
                ) from None
            text = raw.decode("cp1252", errors="strict")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
        # Skip title lines above the header: the header is the first row naming a dimension.
        start = next(
            (
                i
                for i, row in enumerate(rows)
                if "dimension" in [_HEADERS.get(_norm(c)) for c in row]
            ),
            None,
        )
        if start is None:
            raise ImportFailed(
                f"{path.name} has no 'Dimension' column; see docs/360-import.md for the layout."
            )
        columns = [_HEADERS.get(_norm(c)) for c in rows[start]]
        known = self._dimensions()
        result: list[tuple[str, str, float, int | None]] = []
        long_form = "group" in columns and "score" in columns
        if not long_form and not any(
            c in GROUP_NAMES for c in columns if c not in (None, "dimension")
        ):
            raise ImportFailed(
                f"{path.name} has no rater columns (Self, Line manager, Peers, Others…); "
                "see docs/360-import.md."
            )
        for offset, row in enumerate(rows[start + 1 :], start=start + 2):
            if not any(cell.strip() for cell in row):
                continue
            cells = dict(zip(columns, row, strict=False))
            dimension_cell = cells.get("dimension", "").strip()
            if not dimension_cell:
                continue
            if _norm(dimension_cell) in ("overall", "total", "average", "allitems"):
                continue
            slug = self._dimension(dimension_cell, known, offset)
            raters = cells.get("raters", "").strip()
            count = int(float(raters)) if raters.replace(".", "", 1).isdigit() else None
            if long_form:
                group = _HEADERS.get(_norm(cells.get("group", "")))
                if group not in GROUP_NAMES:
                    raise ImportFailed(
                        f"Line {offset}: '{cells.get('group', '').strip()}' is not a rater group "
                        "(Self, Line manager, Peers, Direct reports, Other, Others); "
                        "nothing was imported."
                    )
                value = _number(cells.get("score", ""), offset, "Score")
                if value is not None:
                    result.append((slug, group, value, count))
                continue
            for column, cell in zip(columns, row, strict=False):
                if column in GROUP_NAMES:
                    value = _number(cell, offset, GROUP_NAMES[column])
                    if value is not None:
                        result.append((slug, column, value, count if column == "others" else None))
        if not result:
            raise ImportFailed(f"{path.name} holds no scores; nothing was imported.")
        return result

    def import_file(
        self,
        path: Path,
        *,
        person: str | int | None = None,
        taken: str | date | None = None,
        title: str = "",
    ) -> FeedbackReport:
        scores = self.read(Path(path))
        pid = self.people.get(person).id if person not in (None, "", "me") else None
        day = (
            taken.isoformat()
            if isinstance(taken, date)
            else (parse_date(taken).isoformat() if taken else date.today().isoformat())
        )
        report = uuid.uuid4().hex
        now = now_utc().isoformat()
        with self.db.transaction():
            self.db.executemany(
                "INSERT INTO feedback_score(report, person_id, taken, title, dimension, "
                "rater_group, score, raters, imported) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (report, pid, day, title.strip() or "360 feedback", s, g, v, n, now)
                    for s, g, v, n in scores
                ],
            )
        return self.report(report)

    def reports(self, person: str | int | None = None) -> list[tuple[str, str, str]]:
        """(report id, date, title) of the reports held for ``person`` (None = me), newest first."""
        params: tuple[int, ...] = ()
        if person in (None, "", "me"):
            where = "person_id IS NULL"
        else:
            where, params = "person_id = ?", (self.people.get(person).id,)
        rows = self.db.query(
            f"SELECT report, max(taken) AS taken, max(title) AS title FROM feedback_score "
            f"WHERE {where} GROUP BY report ORDER BY taken DESC, max(id) DESC",
            params,
        )
        return [(r["report"], r["taken"], r["title"]) for r in rows]

    def latest(self, person: str | int | None = None) -> FeedbackReport | None:
        held = self.reports(person)
        return self.report(held[0][0]) if held else None

    def report(self, report: str) -> FeedbackReport:
        rows = self.db.query(
            "SELECT f.*, t.name AS dim_name, t.position, p.name AS person_name "
            "FROM feedback_score f LEFT JOIN tag t ON t.slug = f.dimension "
            "LEFT JOIN person p ON p.id = f.person_id WHERE f.report = ? ORDER BY t.position, f.id",
            (report,),
        )
        if not rows:
            raise UsageError("There is no such 360 report in this journal.")
        mine = rows[0]["person_id"] is None
        ratings = self._journal_ratings() if mine else {}
        by_dim: dict[str, list[Any]] = {}
        for r in rows:
            by_dim.setdefault(r["dimension"], []).append(r)
        dimensions = []
        for slug, items in by_dim.items():
            scores = {r["rater_group"]: r["score"] for r in items}
            groups = tuple(
                (GROUP_NAMES[g], scores[g]) for g in GROUP_NAMES if g in scores and g != "self"
            )
            others = scores.get("others")
            if others is None:
                rest = [v for g, v in scores.items() if g not in ("self", "others")]
                others = round(mean(rest), 2) if rest else None
            dimensions.append(
                DimensionScores(
                    slug=slug,
                    name=items[0]["dim_name"] or slug,
                    self_score=scores.get("self"),
                    others=others,
                    groups=tuple((n, v) for n, v in groups if n != GROUP_NAMES["others"]),
                    journal_rating=ratings.get(slug),
                )
            )
        first = rows[0]
        return FeedbackReport(
            report=report,
            person=first["person_name"],
            taken=first["taken"],
            title=first["title"],
            dimensions=tuple(dimensions),
        )

    def _journal_ratings(self) -> dict[str, int]:
        rows = self.db.query(
            "SELECT t.slug, r.value FROM rating r JOIN tag t ON t.id = r.tag_id "
            "JOIN framework f ON f.id = t.framework_id WHERE f.slug = ? ORDER BY r.date, r.id",
            (FRAMEWORK,),
        )
        return {r["slug"]: r["value"] for r in rows}  # the latest wins

    def delete_report(self, report: str) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM feedback_score WHERE report = ?", (report,))


def _cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True

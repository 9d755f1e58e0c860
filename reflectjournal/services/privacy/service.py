"""The privacy check on every way out, and what the user decided about its findings.

One object on the Workspace (``workspace.privacy``). Exporters, the prep brief and share
packets call it; none of them scans text itself:

- ``check_entries(entries)`` — for documents built from entries (CPD, HTML, PDF): each entry's
  title, body, sections and comments are scanned with *that entry's* choices; what the user
  chose to redact is replaced, the rest is reported as :class:`EntryFinding`\\ s.
- ``check_text(text, entry_ids)`` — for a document assembled from many entries (the prep
  brief): choices of those entries apply.
- ``refuse_unless_allowed(findings, allow, what)`` — documents for other readers are not
  written while findings are undecided, unless the user said so (``--allow-identifiers``).
- ``counting(entries)`` — for data exports (JSON, Markdown): passes entries through unchanged
  and counts the findings they carry.

Choices are kept per entry in ``privacy_choice`` (migration 0006); the names the user marked
fine (colleagues, public figures) and sensitive are journal settings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from reflectjournal.errors import PrivacyCheckFailed, UsageError
from reflectjournal.services import settings
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.database import Database

if TYPE_CHECKING:
    from reflectjournal.services.entry_records import EntryRecord

from . import (
    DECISIONS,
    KIND_LABELS,
    KINDS,
    Choice,
    Finding,
    apply_choices,
    choice_key,
    redact,
    scan,
)

SENSITIVE_SETTING = settings.SENSITIVE_NAMES.key  # shared with SharingService
FINE_SETTING = settings.FINE_NAMES.key


@dataclass(frozen=True, slots=True)
class EntryFinding:
    """One undecided finding in one entry of an outgoing document."""

    entry_id: int | None
    entry: str  # the entry's title, to show where it is
    date: str
    field: str  # title | body | section KEY | comment
    kind: str
    label: str
    text: str
    context: str


@dataclass
class CheckedEntries:
    entries: list[EntryRecord]  # with the user's "redact" choices applied
    findings: list[EntryFinding] = field(default_factory=list)
    redacted: int = 0  # how many were replaced because the user chose so


@dataclass
class CheckedText:
    text: str
    findings: list[EntryFinding] = field(default_factory=list)
    redacted: int = 0


class FindingCounter:
    """Counts findings in entries as a data export streams them (see ``counting``)."""

    def __init__(self) -> None:
        self.findings = 0


class PrivacyService:
    def __init__(self, db: Database, *, today: date | None = None) -> None:
        self.db = db
        self.today = today

    # ---- the user's lists ------------------------------------------------------------------

    def _names(self, key: str) -> list[str]:
        raw = settings.read(self.db, key)
        try:
            names = json.loads(raw) if raw else []
        except ValueError:
            return []
        return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []

    def sensitive_names(self) -> list[str]:
        return self._names(SENSITIVE_SETTING)

    def fine_names(self) -> list[str]:
        """Staff and public names the user marked fine: never reported as patients' names."""
        return self._names(FINE_SETTING)

    def add_fine_name(self, name: str) -> list[str]:
        name = " ".join(name.split())
        if len(name) < 2:
            raise UsageError("A name marked fine needs at least two characters.")
        names = self.fine_names()
        if name.casefold() not in {n.casefold() for n in names}:
            self._save(FINE_SETTING, [*names, name])
        return self.fine_names()

    def remove_fine_name(self, name: str) -> list[str]:
        names = self.fine_names()
        kept = [n for n in names if n.casefold() != " ".join(name.split()).casefold()]
        if len(kept) == len(names):
            raise UsageError(f"'{name}' is not on the list of names marked fine.")
        self._save(FINE_SETTING, kept)
        return kept

    def _save(self, key: str, names: list[str]) -> None:
        settings.write(self.db, key, json.dumps(sorted(set(names), key=str.casefold)))

    # ---- per-entry choices -----------------------------------------------------------------

    def choices(self, entry_id: int | str) -> list[Choice]:
        entry_id = _entry_id(entry_id)
        return self.choices_for([entry_id]).get(entry_id, [])

    def choices_for(self, entry_ids: Iterable[int | str]) -> dict[int, list[Choice]]:
        ids = sorted({int(i) for i in entry_ids})
        out: dict[int, list[Choice]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.query(
                "SELECT entry_id, kind, text, decision, note FROM privacy_choice "
                f"WHERE entry_id IN ({marks}) ORDER BY entry_id, kind, key",
                chunk,
            ):
                out.setdefault(row["entry_id"], []).append(
                    Choice(row["kind"], row["text"], row["decision"], row["note"])
                )
        return out

    def choose(
        self, entry_id: int | str, kind: str, text: str, decision: str, note: str = ""
    ) -> None:
        """Remember a decision about one identifier in one entry ("redact" or "fine")."""
        if decision not in DECISIONS:
            raise UsageError(f"'{decision}' is not a choice; use one of {', '.join(DECISIONS)}.")
        if kind not in KINDS:
            raise UsageError(f"'{kind}' is not a kind of finding; use one of {', '.join(KINDS)}.")
        entry_id = _entry_id(entry_id)
        if self.db.scalar("SELECT 1 FROM entry WHERE id = ?", (entry_id,)) is None:
            raise UsageError(f"There is no entry {entry_id}; nothing was remembered.")
        _, key = choice_key(kind, text)
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO privacy_choice(entry_id, kind, key, text, decision, note, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(entry_id, kind, key) DO UPDATE SET "
                "text = excluded.text, decision = excluded.decision, note = excluded.note",
                (entry_id, kind, key, text, decision, note, now_utc().isoformat()),
            )

    def forget(self, entry_id: int | str, kind: str, text: str) -> bool:
        _, key = choice_key(kind, text)
        with self.db.transaction():
            cursor = self.db.execute(
                "DELETE FROM privacy_choice WHERE entry_id = ? AND kind = ? AND key = ?",
                (_entry_id(entry_id), kind, key),
            )
        return bool(getattr(cursor, "rowcount", 0))

    def choose_all(self, findings: Sequence[EntryFinding], decision: str, note: str = "") -> int:
        """The same decision for every finding (the findings dialog's "Redact")."""
        done = 0
        for f in findings:
            if f.entry_id is not None:
                self.choose(f.entry_id, f.kind, f.text, decision, note)
                done += 1
        return done

    # ---- scanning --------------------------------------------------------------------------

    def scan(self, text: str, entry_id: int | str | None = None) -> list[Finding]:
        """Findings in ``text`` with the lists and (when given) that entry's choices applied."""
        choices = self.choices(entry_id) if entry_id is not None else []
        return scan(
            text,
            self.sensitive_names(),
            choices=choices,
            fine_names=self.fine_names(),
            today=self.today,
        )

    def quiet_scan(self, text: str, entry_id: int | str | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.scan(text, entry_id):
            if f.choice is None:
                counts[f.kind] = counts.get(f.kind, 0) + 1
        return counts

    def check_entries(self, entries: Iterable[EntryRecord]) -> CheckedEntries:
        entries = list(entries)
        lists = (self.sensitive_names(), self.fine_names())
        choices = self.choices_for(e.id for e in entries)
        result = CheckedEntries(entries=[])
        for entry in entries:
            result.entries.append(self._clean(entry, choices, lists, result))
        return result

    def _clean(
        self,
        entry: EntryRecord,
        choices: dict[int, list[Choice]],
        lists: tuple[list[str], list[str]],
        result: CheckedEntries,
    ) -> EntryRecord:
        entry_id = entry.id
        mine = choices.get(entry_id, [])
        names, fine = lists

        def check(text: str, where: str, report: bool = True) -> str:
            found = scan(text, names, choices=mine, fine_names=fine, today=self.today)
            out, pending = apply_choices(text, found)
            if report:
                result.redacted += len(found) - len(pending)
                result.findings += [_entry_finding(entry, where, f) for f in pending]
            return out

        body, title = entry.body, entry.title
        # A title taken from the body's first sentence would count the same identifier twice.
        clean_title = check(title, "title", report=not title.strip() or title.strip() not in body)
        clean_body = check(body, "body")
        return replace(
            entry,
            title=clean_title,
            body=clean_body,
            sections=tuple(
                # A model entry's sections are cut from its body: report a hit once, not twice.
                (k, check(v, f"section {k}", report=v not in body))
                for k, v in entry.sections
            ),
            comments=tuple(replace(c, text=check(c.text, "comment")) for c in entry.comments),
        )

    def check_text(self, text: str, entry_ids: Iterable[int | str] = ()) -> CheckedText:
        """A document assembled from several entries: their choices all apply."""
        merged = [c for cs in self.choices_for(entry_ids).values() for c in cs]
        found = scan(
            text,
            self.sensitive_names(),
            choices=merged,
            fine_names=self.fine_names(),
            today=self.today,
        )
        out, pending = apply_choices(text, found)
        findings = [_entry_finding(None, "document", f) for f in pending]
        return CheckedText(out, findings, len(found) - len(pending))

    def redacted_text(self, text: str, entry_ids: Iterable[int | str] = ()) -> str:
        """``text`` with every finding replaced, chosen or not (a one-off "Redact all")."""
        merged = [c for cs in self.choices_for(entry_ids).values() for c in cs]
        found = scan(
            text,
            self.sensitive_names(),
            choices=merged,
            fine_names=self.fine_names(),
            today=self.today,
        )
        return redact(text, found)

    def guard_text(
        self, text: str, entry_ids: Iterable[int | str], allow: bool, what: str
    ) -> CheckedText:
        """``check_text``, refused while findings are undecided unless ``allow``."""
        checked = self.check_text(text, entry_ids)
        refuse_unless_allowed(checked.findings, allow, what)
        return checked

    def counting(
        self, entries: Iterable[EntryRecord], counter: FindingCounter
    ) -> Iterator[EntryRecord]:
        """``entries`` unchanged; ``counter.findings`` grows by the undecided findings in each."""
        names, fine = self.sensitive_names(), self.fine_names()
        batch: list[EntryRecord] = []

        def flush() -> Iterator[EntryRecord]:
            choices = self.choices_for(e.id for e in batch)
            for e in batch:
                mine = choices.get(e.id, [])
                title, body = e.title, e.body
                texts = [body] if title.strip() and title.strip() in body else [title, body]
                texts += [v for _, v in e.sections if v not in body]
                texts += [c.text for c in e.comments]
                for t in texts:
                    found = scan(t, names, choices=mine, fine_names=fine, today=self.today)
                    counter.findings += sum(1 for f in found if f.choice is None)
                yield e
            batch.clear()

        for entry in entries:
            batch.append(entry)
            if len(batch) >= 500:
                yield from flush()
        yield from flush()


def _entry_id(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UsageError(f"'{value}' is not an entry id; use the number 'list' shows.") from None


def _entry_finding(entry: EntryRecord | None, where: str, f: Finding) -> EntryFinding:
    """A finding in one entry's ``where``, or (``entry`` None) in an assembled document."""
    return EntryFinding(
        entry_id=entry.id if entry else None,
        entry=entry.title if entry else "",
        date=entry.created[:10] if entry else "",
        field=where,
        kind=f.kind,
        label=KIND_LABELS.get(f.kind, f.kind),
        text=f.text,
        context=f.context,
    )


def refuse_unless_allowed(findings: Sequence[EntryFinding], allow: bool, what: str) -> None:
    """Documents for other readers are not written while identifiers are undecided."""
    if findings and not allow:
        n = len(findings)
        exc = PrivacyCheckFailed(
            f"The privacy check found {n} likely patient identifier{'s' if n != 1 else ''} in "
            f"the {what}, so nothing was written; redact or edit them, mark them fine, or "
            "write anyway with --allow-identifiers.",
            findings=findings,
        )
        raise exc

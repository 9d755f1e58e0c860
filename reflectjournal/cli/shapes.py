"""The JSON shapes of docs/CLI.md, built from the services' typed results.

This module is the only place that knows the command line's wire format: ids as strings,
enums as their stored strings, ``from`` only on received entries. The services return
dataclasses (``services.entries.Entry`` …) and never these dicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types only: a command imports the services it calls, no more
    from reflectjournal.services.actions import Action
    from reflectjournal.services.attachments import AttachmentInfo
    from reflectjournal.services.backup import (  # the review pulls in the patterns engine: only the review command pays
        BackupReport,
        RestoreReport,
    )
    from reflectjournal.services.coaching import Reminders, Session, SessionSummary
    from reflectjournal.services.entries import Entry, EntryComment
    from reflectjournal.services.entry_records import CapabilityRating
    from reflectjournal.services.exchange.file_route import Written
    from reflectjournal.services.exporters import ExportReport
    from reflectjournal.services.frameworks import FrameworkInfo
    from reflectjournal.services.importers.service import ImportReport
    from reflectjournal.services.people import Person
    from reflectjournal.services.privacy import Choice, Finding
    from reflectjournal.services.privacy.service import EntryFinding
    from reflectjournal.services.review import Measure, Review
    from reflectjournal.services.sharing.identity import Contact, IdentitySummary, ImportedContact
    from reflectjournal.services.sharing.received import Received
    from reflectjournal.services.sharing.share import ShareFinding, SharePlan
    from reflectjournal.services.tags import TagUsage


def action_json(action: Action) -> dict[str, Any]:
    """An action as ``action list --json`` and the session, reminder and brief documents show it."""
    return {
        "id": str(action.id),
        "text": action.text,
        "owner": action.owner,
        "due": action.due.isoformat() if action.due else None,
        "status": str(action.status),
        "state": str(action.state),
        "created": action.created,
        "closed": action.closed,
        "session_id": str(action.session_id) if action.session_id else None,
        "session_with": action.session_with,
        "entry_id": str(action.entry_id) if action.entry_id else None,
        "entry_title": action.entry_title,
        "section": action.section,
        "from": action.sender,  # set by one's coach in a session summary
    }


def actions_json(actions: Iterable[Action]) -> list[dict[str, Any]]:
    return [action_json(a) for a in actions]


def comment_json(comment: EntryComment) -> dict[str, Any]:
    return {
        "author": comment.author,
        "text": comment.text,
        "created": comment.created,
        "earlier_version": comment.earlier_version,
    }


def entry_json(entry: Entry, *, detail: bool = False) -> dict[str, Any]:
    """The entry object; ``detail`` (``show``, ``add``, ``edit``) adds its sections."""
    data: dict[str, Any] = {
        "id": str(entry.id),
        "kind": str(entry.kind),
        "title": entry.title,
        "body": entry.body,
        "created": entry.created,
        "updated": entry.updated,
        "tags": list(entry.tags),
        "mood": None if entry.mood is None else int(entry.mood),
        "energy": None if entry.energy is None else int(entry.energy),
        "visibility": str(entry.visibility),
        "model": entry.model,
        "starred": entry.starred,
        "comments": [comment_json(c) for c in entry.comments],
    }
    if detail:
        data["sections"] = dict(entry.sections)
    if entry.is_shared:
        data["from"] = entry.sender
    return data


def rating_json(rating: CapabilityRating) -> dict[str, Any]:
    """``rate --json``: the rating as recorded (its id stays a number)."""
    return {
        "id": rating.id,
        "slug": rating.slug,
        "name": rating.name,
        "value": rating.value,
        "date": rating.date,
        "note": rating.note,
    }


def identity_json(identity: IdentitySummary) -> dict[str, Any]:
    """``identity --json``."""
    return {"name": identity.name, "fingerprint": identity.fingerprint}


def contact_json(contact: Contact, verified: str | None) -> dict[str, Any]:
    """One of ``contact list --json``; ``verified`` is the day the fingerprint was
    compared, or null."""
    return {
        "id": contact.id,
        "name": contact.name,
        "role": str(contact.role),
        "fingerprint": contact.fingerprint,
        "verified": verified,
    }


def imported_contact_json(
    imported: ImportedContact, verified: str | None, warnings: list[str]
) -> dict[str, Any]:
    """``contact import --json``: the contact, what the import did, and look-alike names."""
    contact = imported.contact
    return {
        "id": contact.id,
        "name": contact.name,
        "role": str(contact.role),
        "fingerprint": contact.fingerprint,
        "status": str(imported.status),
        "verified": verified,
        "warnings": warnings,
    }


def share_finding_json(finding: ShareFinding) -> dict[str, Any]:
    """One of ``share preview`` / ``share export``'s ``findings`` (its fields, in order)."""
    import dataclasses

    return dataclasses.asdict(finding)


def person_json(person: Person) -> dict[str, Any]:
    """``person add --json`` and ``person list --json`` (the id stays a number there)."""
    return {
        "id": person.id,
        "uid": person.uid,
        "name": person.name,
        "role": str(person.role),
        "email": person.email,
        "fingerprint": person.fingerprint,
        "created": person.created,
    }


def tag_json(tag: TagUsage) -> dict[str, Any]:
    return {
        "slug": tag.slug,
        "name": tag.name,
        "category": tag.category,
        "framework": tag.framework,
        "count": tag.count,
    }


def review_json(review: Review) -> dict[str, Any]:
    """``review --json``: the week's figures and the draft's Markdown."""
    return {
        "since": review.since,
        "until": review.until,
        "entries": [
            {
                "id": str(e.id),
                "title": e.title,
                "day": e.day,
                "mood": e.mood,
                "energy": e.energy,
                "tags": list(e.tags),
            }
            for e in review.entries
        ],
        "themes": [
            {
                "slug": t.slug,
                "name": t.name,
                "count": t.count,
                "previous_week": t.previous_week,
                "trend": t.trend,
            }
            for t in review.themes
        ],
        "mood": _measure_json(review.mood),
        "energy": _measure_json(review.energy),
        "open_actions": [
            {"id": str(a.id), "text": a.text, "due": a.due, "owner": a.owner, "overdue": a.overdue}
            for a in review.open_actions
        ],
        "overdue": review.overdue,
        "title": review.title,
        "markdown": review.markdown,
    }


def _measure_json(m: Measure) -> dict[str, Any]:
    return {
        "mean": m.mean,
        "n": m.n,
        "previous_mean": m.previous_mean,
        "previous_n": m.previous_n,
        "change": m.change,
    }


def backup_json(report: BackupReport) -> dict[str, Any]:
    return {
        "path": report.path,
        "entries": report.entries,
        "encrypted": report.encrypted,
        "bytes": report.bytes,
        "verified": True,  # a backup is only ever reported once verified
    }


def restore_json(report: RestoreReport) -> dict[str, Any]:
    return {"source": report.source, "path": report.path, "entries": report.entries}


def framework_json(framework: FrameworkInfo) -> dict[str, Any]:
    return {
        "slug": framework.slug,
        "name": framework.name,
        "version": framework.version,
        "description": framework.description,
        "builtin": framework.builtin,
        "default": framework.default,
        "rating_scale": list(framework.rating_scale),
        "items": [
            {"slug": i.slug, "name": i.name, "category": i.category, "description": i.description}
            for i in framework.items
        ],
    }


def entries_json(entries: list[Entry]) -> list[dict[str, Any]]:
    return [entry_json(e) for e in entries]


__all__ = [
    "action_json",
    "actions_json",
    "backup_json",
    "restore_json",
    "comment_json",
    "entries_json",
    "entry_json",
    "framework_json",
    "person_json",
    "review_json",
    "tag_json",
]


def _session_head(s: Session | SessionSummary) -> dict[str, Any]:
    return {
        "id": str(s.id),
        "entry_id": str(s.entry_id),
        "with": s.with_name,
        "date": s.date.isoformat(),
        "title": s.title,
        "agenda": s.agenda,
        "upcoming": s.upcoming,
    }


def session_summary_json(s: SessionSummary) -> dict[str, Any]:
    """``session list --json`` (and the sessions of ``reminders --json``)."""
    return {**_session_head(s), "open_actions": s.open_actions}


def session_json(s: Session) -> dict[str, Any]:
    """``session show --json`` and ``session add --json``."""
    return {
        **_session_head(s),
        "notes": s.notes,
        "model": s.model,
        "sections": dict(s.sections),
        "tags": list(s.tags),
        "linked_entries": [
            {"id": str(e.id), "title": e.title, "created": e.created.isoformat()}
            for e in s.linked_entries
        ],
        "actions": actions_json(s.actions),
    }


# ---- receiving and sending files (sharing, feedback) ----------------------------------------
# Kept together and apart from the rest: the receive side's results (services/sharing/received.py,
# services/exchange/file_route.py) and the privacy check's findings.


def received_json(got: Received) -> dict[str, Any]:
    """``share import --json`` and ``feedback import --json``: a file of exchange messages
    gives every count; an old share packet its id, an old feedback packet its number."""
    from reflectjournal.services.sharing.received import Carrier  # only this command pays

    if got.carrier is Carrier.SHARE_PACKET:
        return {
            "from": got.sender,
            "fingerprint": got.fingerprint,
            "packet": got.packet,
            "entries": got.entries,
            "added": got.added,
            "updated": got.updated,
            "unchanged": got.unchanged,
            "already_imported": got.already_imported,
        }
    if got.carrier is Carrier.FEEDBACK_PACKET:
        return {
            "already_imported": got.already_imported,
            "from": got.sender,
            "fingerprint": got.fingerprint,
            "seq": got.seq,
            "comments": got.comments,
            "attached": got.attached,
            "unmatched": got.unmatched,
        }
    return {
        "from": got.sender,
        "fingerprint": got.fingerprint,
        "messages": got.messages,
        "entries": got.entries,
        "added": got.added,
        "updated": got.updated,
        "unchanged": got.unchanged,
        "withdrawn": got.withdrawn,
        "comments": got.comments,
        "attached": got.attached,
        "unmatched": got.unmatched,
        "receipts": got.receipts,
        "other": got.other,
        "already_imported": got.already_imported,
    }


def feedback_export_json(written: Written) -> dict[str, Any]:
    """``feedback export --json``: what went in the file for them."""
    return {
        "to": written.person.name,
        "comments": written.comments,
        "entries": written.entries,
        "receipts": written.receipts,
        "messages": written.messages,
    }


def share_export_json(plan: SharePlan, out: str) -> dict[str, Any]:
    """``share export --json`` once the file is written."""
    return {
        "written": True,
        "to": plan.person.name,
        "fingerprint": plan.person.fingerprint,
        "out": out,
        "entries": plan.count,
        "messages": plan.messages,
        "findings": [share_finding_json(f) for f in plan.findings],
    }


def share_preview_json(plan: SharePlan) -> dict[str, Any]:
    """``share preview --json``: exactly the payload that would be sealed."""
    return {
        "to": plan.person.name,
        "payload": plan.payload,
        "findings": [share_finding_json(f) for f in plan.findings],
    }


def verified_contact_json(contact: Contact, verified: str) -> dict[str, Any]:
    """``contact verify --json``."""
    return {"name": contact.name, "fingerprint": contact.fingerprint, "verified": verified}


def entry_finding_json(finding: EntryFinding) -> dict[str, Any]:
    """A finding that refused a document or export (``{"written": false, "findings": […]}``)."""
    return {
        "entry_id": None if finding.entry_id is None else str(finding.entry_id),
        "entry": finding.entry,
        "date": finding.date,
        "field": finding.field,
        "kind": finding.kind,
        "label": finding.label,
        "text": finding.text,
        "context": finding.context,
    }


def privacy_findings_json(findings: Iterable[EntryFinding | ShareFinding]) -> list[dict[str, Any]]:
    """The findings a ``PrivacyCheckFailed`` carries: a document's, or a share file's."""
    from reflectjournal.services.privacy.service import EntryFinding

    return [
        entry_finding_json(f) if isinstance(f, EntryFinding) else share_finding_json(f)
        for f in findings
    ]


def scan_finding_json(finding: Finding) -> dict[str, Any]:
    """One of ``privacy scan --json``."""
    return {
        "kind": finding.kind,
        "label": finding.label,
        "text": finding.text,
        "context": finding.context,
        "choice": finding.choice,
    }


def privacy_choice_json(choice: Choice) -> dict[str, Any]:
    """One of ``privacy choices ENTRY_ID --json``: a remembered decision."""
    return {
        "kind": choice.kind,
        "text": choice.text,
        "decision": choice.decision,
        "note": choice.note,
    }


# ---- reminders, reports, attachments (typed in services; their JSON is built here) ----------


def reminders_json(reminders: Reminders) -> dict[str, Any]:
    """``reminders --json``."""
    return {
        "actions": actions_json(reminders.actions),
        "sessions": [session_summary_json(s) for s in reminders.sessions],
        "retention": list(reminders.retention),
    }


def import_report_json(report: ImportReport) -> dict[str, Any]:
    """``import --json`` (and ``import vault --json``); every text printable as UTF-8."""
    from reflectjournal.services.importers.service import printable

    return {
        "source": report.source,
        "format": report.format,
        "entries": report.entries,
        "duplicates": report.duplicates,
        "tags": report.tags,
        "tags_mapped": report.tags_mapped,
        "tags_new": report.tags_new,
        "attachments_skipped": report.attachments_skipped,
        "attachments": report.attachments,
        "links_resolved": report.links_resolved,
        "links_unresolved": report.links_unresolved,
        "summary": printable(report.summary()),
        "skipped": [
            {"where": printable(s.where), "reason": printable(s.reason)} for s in report.skipped
        ],
        "notes": [{"where": printable(s.where), "note": printable(s.reason)} for s in report.notes],
    }


def export_report_json(report: ExportReport) -> dict[str, Any]:
    """``export --json``."""
    return {
        "format": report.format,
        "path": report.path,
        "entries": report.entries,
        "findings": report.findings,
        "redacted": report.redacted,
    }


def attachment_json(info: AttachmentInfo) -> dict[str, Any]:
    """One of ``attach --json`` and ``attachments --json`` (ids stay numbers there)."""
    return {
        "id": info.id,
        "entry_id": info.entry_id,
        "name": info.name,
        "mime": info.mime,
        "size": info.size,
        "width": info.width,
        "height": info.height,
        "sha256": info.sha256,
        "created": info.created,
    }

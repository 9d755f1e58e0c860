"""A control that cannot be used says why (tooltip and accessible description), instead of
doing nothing: "Record rating" on a heading, "Save packet" with no recipient (issue 18)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def allow(widget: QWidget, enabled: bool, why_not: str) -> None:
    """Enable ``widget``, or disable it with the one sentence that says what would enable it."""
    widget.setEnabled(enabled)
    reason = "" if enabled else why_not
    widget.setToolTip(reason)
    widget.setAccessibleDescription(reason)

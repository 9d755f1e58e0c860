"""The file extensions of what people exchange by hand: one per kind, agreed everywhere.

The MIME types (resources/linux/*.xml), the app's file dialogs, the launcher (a double-clicked
file) and the CLI's suggested names all read them from here. No imports: the launcher reads
this before deciding whether Qt is needed.
"""

SHARE = ".rjshare"
FEEDBACK = ".rjfeedback"
CONTACT = ".rjcontact"
INVITE = ".rjinvite"
EXTENSIONS = {"share": SHARE, "feedback": FEEDBACK, "contact": CONTACT, "invite": INVITE}
PACKET_SUFFIXES = (SHARE, FEEDBACK, CONTACT, INVITE)
#: The MIME type of each kind (resources/linux/io.github.reflectjournal.ReflectJournal.xml).
MIME_TYPES = {kind: f"application/x-reflectjournal-{kind}" for kind in EXTENSIONS}


def dialog_filter(*kinds: str) -> str:
    """A Qt file-dialog filter for these kinds (all of them when none are named)."""
    chosen = kinds or ("share", "feedback", "contact", "invite")
    names = {
        "share": "Shared entries",
        "feedback": "Feedback",
        "contact": "Contact cards",
        "invite": "Invitations",
    }
    patterns = " ".join(f"*{EXTENSIONS[k]}" for k in chosen)
    label = names[chosen[0]] if len(chosen) == 1 else "ReflectJournal files"
    return f"{label} ({patterns});;All files (*)"

"""ReflectJournal: a private, encrypted desktop journal for healthcare leaders."""

__version__ = "0.1.0"

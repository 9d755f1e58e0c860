"""Choosing a place to meet: a shared folder, a WebDAV folder or an S3 bucket, with its
credentials.

Passwords and secret keys are typed into password fields and go only into the encrypted
journal (``exchange_place``), never into settings or the log; the form forgets them once the
place is set up.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from reflectjournal.errors import UsageError
from reflectjournal.services.exchange.places import PlaceSpec

KIND_LABELS = {
    "folder": "A shared folder (OneDrive, SharePoint, Dropbox, Nextcloud, Syncthing)",
    "webdav": "A WebDAV folder (Nextcloud, ownCloud, any WebDAV server)",
    "s3": "An S3-compatible bucket (AWS S3, MinIO, Ceph, SeaweedFS)",
}


class PlaceForm(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of place")
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Shared folder on this computer")
        self.folder.setPlaceholderText("The folder your sync app keeps in step")
        self.browse = QPushButton("Choose…")
        self.browse.clicked.connect(self._choose_folder)
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        self.url = QLineEdit()
        self.url.setAccessibleName("Address")
        self.url.setPlaceholderText("https://…")
        self.bucket = QLineEdit()
        self.bucket.setAccessibleName("Bucket")
        self.user = QLineEdit()
        self.user.setAccessibleName("User name or access key")
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Password or secret key")
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow("Kind", self.kind)
        self.form.addRow("Folder", folder_row)
        self.form.addRow("Address", self.url)
        self.form.addRow("Bucket", self.bucket)
        self.form.addRow("User", self.user)
        self.form.addRow("Password", self.secret)
        self._folder_row = folder_row
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def set_kind(self, kind: str, locked: bool = False) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.kind.setEnabled(not locked)

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        self.form.setRowVisible(self._folder_row, kind == "folder")
        for widget in (self.url, self.user, self.secret):
            self.form.setRowVisible(widget, kind != "folder")
        self.form.setRowVisible(self.bucket, kind == "s3")
        s3 = kind == "s3"
        self.form.labelForField(self.user).setText("Access key" if s3 else "User")  # type: ignore[attr-defined]
        self.form.labelForField(self.secret).setText("Secret key" if s3 else "Password")  # type: ignore[attr-defined]

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "The shared folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def spec(self) -> PlaceSpec:
        """What was typed, as a place; one sentence when something needed is missing."""
        kind = self.current_kind()
        if kind == "folder":
            if not self.folder.text().strip():
                raise UsageError("Choose the shared folder first.")
            return PlaceSpec("folder", self.folder.text().strip())
        url = self.url.text().strip()
        if not url:
            raise UsageError("Type the place's web address (starting with https://).")
        bucket = self.bucket.text().strip() or None
        return PlaceSpec(
            kind,
            url,
            bucket if kind == "s3" else None,
            self.user.text().strip() or None,
            self.secret.text() or None,
        )

    def forget_secret(self) -> None:
        self.secret.clear()

"""The exchange: journals meeting through a folder, WebDAV or S3 (issue 16)."""

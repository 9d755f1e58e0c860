"""A keyring backend for benchmarks only: answers from a JSON file named by
RJ_BENCH_KEYRING_FILE, so the CLI's keyring unlock path (raw key, no scrypt) can be timed
without a desktop Secret Service. Never used outside tests/benchmarks."""

from __future__ import annotations

import json
import os

from keyring.backend import KeyringBackend


class BenchKeyring(KeyringBackend):
    priority = 1

    def _store(self) -> dict:
        with open(os.environ["RJ_BENCH_KEYRING_FILE"], encoding="utf-8") as handle:
            return json.load(handle)

    def get_password(self, service, username):
        return self._store().get(username)

    def set_password(self, service, username, password):
        raise NotImplementedError("the benchmark keyring is read-only")

    def delete_password(self, service, username):
        raise NotImplementedError("the benchmark keyring is read-only")

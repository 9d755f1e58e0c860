"""``IN (?, ?, …)`` over any number of values, in chunks SQLite accepts.

SQLite caps the bound parameters of one statement (32,766 today, 999 in older builds), so a
query over an unbounded id list is run once per chunk with its own placeholder string.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

CHUNK = 900  # under the oldest limit (999), leaving room for a statement's other parameters


def marks(count: int) -> str:
    """``?,?,?`` for ``count`` values."""
    return ",".join("?" * count)


def in_chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[tuple[str, list[T]]]:
    """(placeholders, chunk) pairs covering ``values`` in order; nothing for an empty list."""
    if size < 1:
        raise ValueError("chunk size must be positive")
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield marks(len(chunk)), chunk


__all__ = ["CHUNK", "in_chunks", "marks"]

"""Patterns over time (see service.py for what is counted and rules.py for the judgement calls)."""

from reflectjournal.services.patterns.result import Patterns
from reflectjournal.services.patterns.rules import trend
from reflectjournal.services.patterns.service import PatternOptions, PatternService

__all__ = ["PatternOptions", "PatternService", "Patterns", "trend"]

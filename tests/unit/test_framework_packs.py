"""Typed relations, capability categories and the optional framework packs."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from reflectjournal.errors import UsageError
from reflectjournal.services.patterns import PatternOptions

PACKS = {"nhs-board-leadership-competencies", "medical-leadership-competency-framework"}


def test_relations_are_typed(workspace):
    item = workspace.frameworks.item("demand-management")
    assert [kind for kind, _ in item.relations] == ["calls-for"]
    assert set(item.related_by("calls-for")) == {
        "systems-thinking", "quality-improvement", "financial-acumen", "ethical-reasoning",
    }  # fmt: skip
    assert item.related_by("builds") == ()
    burnout = workspace.frameworks.item("burnout")
    assert [kind for kind, _ in burnout.relations] == ["related"]
    assert "resilience" in burnout.related and "resilience" in burnout.related_by("related")
    assert set(workspace.frameworks.item("qi-training").related_by("builds")) == {
        "quality-improvement", "systems-thinking",
    }  # fmt: skip
    kinds = {
        r[0]
        for r in workspace.db.query(
            "SELECT DISTINCT r.kind FROM tag_relation r JOIN tag t ON t.id = r.tag_id "
            "WHERE t.slug IN ('burnout', 'personal-sustainability') "
            "AND r.related_id = (SELECT id FROM tag WHERE slug = 'resilience')"
        )
    }
    assert kinds == {"related"}


def test_packs_are_optional_and_install_on_request(workspace):
    installed = {f.slug for f in workspace.frameworks.list()}
    assert not installed & PACKS
    assert {p.slug for p in workspace.frameworks.optional_packs()} == PACKS
    spec = workspace.frameworks.add_pack("medical-leadership-competency-framework")
    assert len(spec.items) == 20
    workspace.frameworks.install_builtins()  # a later start keeps it, and installs no other
    installed = {f.slug for f in workspace.frameworks.list()}
    assert installed & PACKS == {"medical-leadership-competency-framework"}
    with pytest.raises(UsageError, match="no optional framework pack 'board'"):
        workspace.frameworks.add_pack("board")


def test_leads_and_pack_domains_count_as_capabilities(workspace):
    cats = workspace.frameworks.capability_categories()
    assert {"capability", "dimension", "lead-self", "systems-transformation"} <= set(cats)
    workspace.frameworks.add_pack("nhs-board-leadership-competencies")
    assert "board-domain" in workspace.frameworks.capability_categories()
    # A LEADS capability the leader wrote about once, long ago, is now neglected.
    workspace.journal.add("Old note", tags=["leads-is-self-aware"],
                          when=datetime(2026, 5, 1, 9, tzinfo=UTC))  # fmt: skip
    d = workspace.patterns.compute(PatternOptions(asof=date(2026, 11, 30)))
    assert "leads-is-self-aware" in d.neglected


def test_cli_frameworks_add_pack(cli):
    assert cli("init", "--name", "T")[0] == 0
    code, out, err = cli("frameworks", "add", "nhs-board-leadership-competencies")
    assert code == 0, err
    assert "6 items" in out
    code, out, _ = cli("frameworks", "--json")
    assert "nhs-board-leadership-competencies" in {f["slug"] for f in json.loads(out)}
    code, _, err = cli("frameworks", "add", "no-such-pack.toml")
    assert code != 0 and "Traceback" not in err and err.count("\n") == 1

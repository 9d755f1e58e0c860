"""Validate the framework and reflection-model TOML files shipped in reflectjournal/resources.

These tests read the files with tomllib only (no Qt, no project imports), so a broken data file
is caught even before the loader that consumes it exists or changes.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

RESOURCES = Path(__file__).resolve().parents[2] / "reflectjournal" / "resources"
FRAMEWORK_DIR = RESOURCES / "frameworks"
MODEL_DIR = RESOURCES / "models"

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

FRAMEWORK_KEYS_REQUIRED = {"slug": str, "name": str, "version": int, "description": str}
FRAMEWORK_KEYS_OPTIONAL = {"default": bool, "rating_scale": list, "optional": bool}
CATEGORY_KEYS_REQUIRED = {"slug": str, "name": str, "description": str}
ITEM_KEYS_REQUIRED = {
    "slug": str,
    "name": str,
    "category": str,
    "description": str,
    "keywords": list,
    "questions": list,
}
ITEM_KEYS_OPTIONAL = {
    "related": list,
    "relations": dict,
    "calls_for": list,
    "evidence": str,
    "with_better_leadership": str,
}
CATEGORY_KEYS_OPTIONAL = {"counts_as": str}
RELATION_KINDS = {"calls-for", "builds", "influences", "related"}
MODEL_KEYS_REQUIRED = {"slug": str, "name": str, "kind": str, "description": str}
SECTION_KEYS_REQUIRED = {"key": str, "title": str, "prompt": str}
SECTION_KEYS_OPTIONAL = {"actionable": bool}

EXPECTED_FRAMEWORKS = {"healthcare-leadership", "nhs-healthcare-leadership-model", "leads"}
EXPECTED_MODELS = {
    "gibbs", "what-so-what-now-what", "kolb", "cpd", "free", "grow", "after-action-review",
    "johns", "schon", "brookfield", "schwartz-round", "significant-event-analysis", "star",
    "clear", "oskar",
}  # fmt: skip
SESSION_MODELS = {"grow", "clear", "oskar"}
MODELS_WITH_ONE_ACTION = EXPECTED_MODELS - {"free", "schwartz-round"}

DEFAULT_LABELS: dict[str, list[str]] = {
    "challenge": [
        "Workforce pressures",
        "Demand management",
        "Change fatigue",
        "Conflicting priorities",
        "Professional tensions",
        "External pressures",
        "Personal sustainability",
    ],
    "capability": [
        "Clinical credibility",
        "Systems thinking",
        "Quality improvement",
        "Compassionate leadership",
        "Collaborative leadership",
        "Resilience",
        "Change leadership",
        "Financial acumen",
        "Regulatory navigation",
        "Ethical reasoning",
    ],
    "context": [
        "Life and death stakes",
        "Professional autonomy",
        "Regulatory complexity",
        "Multiple bottom lines",
        "Emotional intensity",
        "Rapid change",
        "Resource constraints",
    ],
    "level": [
        "Team leadership",
        "Service leadership",
        "Organisational leadership",
        "System leadership",
        "Professional leadership",
    ],
    "leadership-type": ["Clinical leadership", "Managerial leadership", "Hybrid leadership"],
    "development-method": [
        "Leadership programme",
        "Action learning",
        "QI training",
        "Coaching and mentoring",
        "Cross-boundary experience",
        "Multi-source feedback",
        "Protected reflection time",
    ],
    "outcome": [
        "Patient mortality",
        "Infection rates",
        "Staff engagement",
        "Burnout",
        "Turnover",
        "Financial performance",
        "Culture and psychological safety",
        "Improvement capacity",
    ],
    "career-pathway": [
        "From clinician to clinical leader",
        "From clinician to hybrid role",
        "From clinician to manager or executive",
        "Management track",
        "From specialist function to wider leadership",
        "Making the transition into leadership",
    ],
}

# The source's table of outcomes: how strong the evidence is that leadership moves each.
OUTCOME_EVIDENCE = {
    "Patient mortality": ("moderate", "lower"),
    "Infection rates": ("moderate", "lower"),
    "Staff engagement": ("strong", "higher"),
    "Burnout": ("strong", "lower"),
    "Turnover": ("strong", "lower"),
    "Financial performance": ("moderate", "higher"),
}

CONTEXT_CALLS_FOR = {
    "Life and death stakes": ["judgement", "composure"],
    "Professional autonomy": ["collaborative leadership"],
    "Regulatory complexity": ["systems management"],
    "Multiple bottom lines": ["balanced decision-making"],
    "Emotional intensity": ["emotional intelligence"],
    "Rapid change": ["learning orientation"],
    "Resource constraints": ["ethical reasoning"],
}

NHS_DIMENSIONS = [
    "Inspiring shared purpose",
    "Leading with care",
    "Evaluating information",
    "Connecting our service",
    "Sharing the vision",
    "Engaging the team",
    "Holding to account",
    "Developing capability",
    "Influencing for results",
]

LEADS_DOMAINS = [
    "lead-self",
    "engage-others",
    "achieve-results",
    "develop-coalitions",
    "systems-transformation",
]


def _load(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


FRAMEWORK_FILES = sorted(FRAMEWORK_DIR.glob("*.toml"))
MODEL_FILES = sorted(MODEL_DIR.glob("*.toml"))
FRAMEWORKS: dict[str, dict[str, Any]] = {p.stem: _load(p) for p in FRAMEWORK_FILES}
MODELS: dict[str, dict[str, Any]] = {p.stem: _load(p) for p in MODEL_FILES}


def _check_table(
    table: Any,
    required: dict[str, type],
    optional: dict[str, type],
    where: str,
) -> None:
    assert isinstance(table, dict), f"{where}: expected a table"
    for key in required:
        assert key in table, f"{where}: missing key {key!r}"
    allowed = required | optional
    unknown = set(table) - set(allowed)
    assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
    for key, value in table.items():
        typ = allowed[key]
        # bool is a subclass of int: do not let `true` pass as a version number.
        ok = isinstance(value, typ) and not (typ is int and isinstance(value, bool))
        assert ok, f"{where}: {key!r} should be {typ.__name__}, got {type(value).__name__}"
        if typ is str:
            assert value.strip(), f"{where}: {key!r} is empty"


def _check_str_list(values: list[Any], where: str) -> None:
    assert values, f"{where}: empty list"
    for value in values:
        assert isinstance(value, str) and value.strip(), f"{where}: bad entry {value!r}"
    dupes = [v for v, n in Counter(values).items() if n > 1]
    assert not dupes, f"{where}: duplicates {dupes}"


def _items_by_category(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for item in data["items"]:
        grouped.setdefault(item["category"], []).append(item)
    return grouped


# ---------------------------------------------------------------------------------------------
# Frameworks
# ---------------------------------------------------------------------------------------------


def test_expected_framework_files_exist() -> None:
    assert EXPECTED_FRAMEWORKS <= set(FRAMEWORKS)


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda p: p.name)
def test_framework_schema(path: Path) -> None:
    data = _load(path)
    assert set(data) == {"framework", "categories", "items"}, f"{path.name}: top-level tables"

    fw = data["framework"]
    _check_table(fw, FRAMEWORK_KEYS_REQUIRED, FRAMEWORK_KEYS_OPTIONAL, f"{path.name} [framework]")
    assert SLUG_RE.match(fw["slug"]), f"{path.name}: bad framework slug {fw['slug']!r}"
    assert fw["slug"] == path.stem, f"{path.name}: slug should match the file name"
    assert fw["version"] >= 1
    if "rating_scale" in fw:
        _check_str_list(fw["rating_scale"], f"{path.name} rating_scale")
        assert len(fw["rating_scale"]) >= 2

    categories = data["categories"]
    assert isinstance(categories, list) and categories, f"{path.name}: no categories"
    for i, cat in enumerate(categories):
        where = f"{path.name} categories[{i}]"
        _check_table(cat, CATEGORY_KEYS_REQUIRED, CATEGORY_KEYS_OPTIONAL, where)
        assert cat.get("counts_as", "capability") == "capability", where
        assert SLUG_RE.match(cat["slug"]), f"{where}: bad slug {cat['slug']!r}"
    cat_slugs = [c["slug"] for c in categories]
    assert len(cat_slugs) == len(set(cat_slugs)), f"{path.name}: duplicate category slugs"

    items = data["items"]
    assert isinstance(items, list) and items, f"{path.name}: no items"
    item_slugs = {it.get("slug") for it in items}
    for i, item in enumerate(items):
        where = f"{path.name} item {item.get('slug', i)!r}"
        _check_table(item, ITEM_KEYS_REQUIRED, ITEM_KEYS_OPTIONAL, where)
        assert SLUG_RE.match(item["slug"]), f"{where}: bad slug"
        assert item["category"] in cat_slugs, f"{where}: unknown category {item['category']!r}"

        keywords = item["keywords"]
        _check_str_list(keywords, f"{where} keywords")
        assert 8 <= len(keywords) <= 20, f"{where}: {len(keywords)} keywords, want 8-20"
        for kw in keywords:
            assert kw == kw.lower(), f"{where}: keyword {kw!r} is not lower-case"
            assert kw == kw.strip(), f"{where}: keyword {kw!r} has stray whitespace"

        questions = item["questions"]
        _check_str_list(questions, f"{where} questions")
        assert 2 <= len(questions) <= 4, f"{where}: {len(questions)} questions, want 2-4"
        for q in questions:
            assert q.rstrip().endswith("?"), f"{where}: question {q!r} should end with '?'"

        for rel in item.get("related", []):
            assert isinstance(rel, str), f"{where}: related entry {rel!r}"
            assert rel in item_slugs, f"{where}: related slug {rel!r} not in this file"
            assert rel != item["slug"], f"{where}: relates to itself"
        if "related" in item:
            _check_str_list(item["related"], f"{where} related")
        for kind, targets in item.get("relations", {}).items():
            assert kind in RELATION_KINDS, f"{where}: unknown relation {kind!r}"
            _check_str_list(targets, f"{where} relations.{kind}")
            for rel in targets:
                assert rel in item_slugs and rel != item["slug"], f"{where}: {kind} {rel!r}"

        if "calls_for" in item:
            assert item["category"] == "context", f"{where}: calls_for only on context items"
            _check_str_list(item["calls_for"], f"{where} calls_for")

    every_category_used = {it["category"] for it in items}
    assert every_category_used == set(cat_slugs), f"{path.name}: empty categories"


def test_keywords_discriminative_within_each_framework() -> None:
    # Keywords drive tag suggestions: one phrase should point at one item of a framework.
    for name, data in FRAMEWORKS.items():
        owners: dict[str, list[str]] = {}
        for item in data["items"]:
            for kw in item["keywords"]:
                owners.setdefault(kw, []).append(item["slug"])
        shared = {kw: slugs for kw, slugs in owners.items() if len(slugs) > 1}
        assert not shared, f"{name}: keywords shared between items: {shared}"


def test_slugs_unique_across_all_frameworks() -> None:
    fw_slugs = [d["framework"]["slug"] for d in FRAMEWORKS.values()]
    assert len(fw_slugs) == len(set(fw_slugs))
    counts = Counter(it["slug"] for d in FRAMEWORKS.values() for it in d["items"])
    dupes = sorted(s for s, n in counts.items() if n > 1)
    assert not dupes, f"item slugs used more than once: {dupes}"


def test_exactly_one_default_framework() -> None:
    defaults = [n for n, d in FRAMEWORKS.items() if d["framework"].get("default") is True]
    assert defaults == ["healthcare-leadership"]


def test_default_framework_categories_and_labels() -> None:
    data = FRAMEWORKS["healthcare-leadership"]
    assert [c["slug"] for c in data["categories"]] == list(DEFAULT_LABELS)
    grouped = _items_by_category(data)
    for cat, labels in DEFAULT_LABELS.items():
        assert [it["name"] for it in grouped.get(cat, [])] == labels, f"category {cat!r}"
    burnout = [it for it in data["items"] if it["name"] == "Burnout"]
    assert len(burnout) == 1 and burnout[0]["slug"] == "burnout"


def _relations(item: dict[str, Any], kind: str) -> set[str]:
    found = set(item.get("relations", {}).get(kind, []))
    return found | (set(item.get("related", [])) if kind == "related" else set())


def test_default_framework_context_calls_for() -> None:
    items = FRAMEWORKS["healthcare-leadership"]["items"]
    by_name = {it["name"]: it for it in items}
    capability_slugs = {it["slug"] for it in items if it["category"] == "capability"}
    for name, calls_for in CONTEXT_CALLS_FOR.items():
        item = by_name[name]
        assert item["calls_for"] == calls_for, name
        needed = _relations(item, "calls-for")
        assert needed and needed <= capability_slugs, f"{name}: called-for capabilities"
    # Where the called-for quality is itself one of our capabilities, it must be linked.
    assert "collaborative-leadership" in _relations(by_name["Professional autonomy"], "calls-for")
    assert "ethical-reasoning" in _relations(by_name["Resource constraints"], "calls-for")


def test_default_framework_challenges_call_for_capabilities() -> None:
    items = FRAMEWORKS["healthcare-leadership"]["items"]
    capability_slugs = {it["slug"] for it in items if it["category"] == "capability"}
    for item in items:
        if item["category"] == "challenge" and item["slug"] != "personal-sustainability":
            needed = _relations(item, "calls-for")
            assert needed and needed <= capability_slugs, item["slug"]


def test_no_deficit_link_to_resilience() -> None:
    """Burnout, sustainability and the pressures on staff do not 'call for' resilience: the
    evidence points at how work is organised, so those links are only 'related'."""
    for item in FRAMEWORKS["healthcare-leadership"]["items"]:
        for kind in ("calls-for", "builds"):
            assert "resilience" not in _relations(item, kind), (item["slug"], kind)
    burnout = next(
        i for i in FRAMEWORKS["healthcare-leadership"]["items"] if i["slug"] == "burnout"
    )
    assert set(burnout["relations"]) == {"related"}


def test_development_methods_build_and_outcomes_carry_evidence() -> None:
    items = FRAMEWORKS["healthcare-leadership"]["items"]
    for item in items:
        if item["category"] == "development-method":
            assert _relations(item, "builds"), item["slug"]
        if item["category"] == "outcome":
            assert item["evidence"] in {"strong", "moderate", "described"}, item["slug"]
    by_name = {it["name"]: it for it in items}
    for name, (strength, direction) in OUTCOME_EVIDENCE.items():
        item = by_name[name]
        assert (item["evidence"], item["with_better_leadership"]) == (strength, direction)
        assert f"rates this evidence as {strength}" in item["description"]


def test_one_british_spelling() -> None:
    for path in [*FRAMEWORK_FILES, *MODEL_FILES]:
        # Published labels keep their own spelling ("healthy organizations" in LEADS).
        lines = path.read_text(encoding="utf-8").splitlines()
        # Published labels and titles keep their own spelling ("healthy organizations" in
        # LEADS, a book title in a source credit).
        text = "\n".join(
            x for x in lines if not x.startswith(("name = ", "slug = ", "source = ", "# "))
        )
        text = text.replace("healthy-organizations", "")  # a slug made from that label
        for us in ("judgment", " toward ", "organization", "behavior", "program ", "e-mail"):
            assert us not in text.lower(), f"{path.name}: {us!r}"


def test_leads_domains_count_as_capabilities() -> None:
    for cat in FRAMEWORKS["leads"]["categories"]:
        assert cat["counts_as"] == "capability"


def test_optional_packs() -> None:
    board = FRAMEWORKS["nhs-board-leadership-competencies"]
    assert board["framework"]["optional"] is True
    assert [it["name"] for it in board["items"]] == [
        "Driving high-quality and sustainable outcomes",
        "Setting strategy and delivering long-term transformation",
        "Promoting equality and inclusion, and reducing health and workforce inequalities",
        "Providing robust governance, assurance and risk management",
        "Creating a compassionate, just and positive culture",
        "Building a trusted relationship with partners and communities",
    ]
    mlcf = FRAMEWORKS["medical-leadership-competency-framework"]
    assert mlcf["framework"]["optional"] is True
    assert [c["name"] for c in mlcf["categories"]] == [
        "Demonstrating personal qualities", "Working with others", "Managing services",
        "Improving services", "Setting direction",
    ]  # fmt: skip
    grouped = _items_by_category(mlcf)
    assert all(len(items) == 4 for items in grouped.values()) and len(grouped) == 5


def test_nhs_model() -> None:
    data = FRAMEWORKS["nhs-healthcare-leadership-model"]
    assert data["framework"]["rating_scale"] == ["Essential", "Proficient", "Strong", "Exemplary"]
    assert [c["slug"] for c in data["categories"]] == ["dimension"]
    assert [it["name"] for it in data["items"]] == NHS_DIMENSIONS
    for item in data["items"]:
        assert item["slug"].startswith("nhs-"), item["slug"]


def test_leads_framework() -> None:
    data = FRAMEWORKS["leads"]
    assert [c["slug"] for c in data["categories"]] == LEADS_DOMAINS
    grouped = _items_by_category(data)
    for domain in LEADS_DOMAINS:
        assert len(grouped[domain]) == 4, domain
    assert len(data["items"]) == 20
    for item in data["items"]:
        assert item["slug"].startswith("leads-"), item["slug"]


# ---------------------------------------------------------------------------------------------
# Reflection models
# ---------------------------------------------------------------------------------------------


def test_expected_model_files_exist() -> None:
    assert EXPECTED_MODELS <= set(MODELS)


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.name)
def test_model_schema(path: Path) -> None:
    data = _load(path)
    assert set(data) == {"model", "sections"}, f"{path.name}: top-level tables"
    model = data["model"]
    _check_table(model, MODEL_KEYS_REQUIRED, {"source": str}, f"{path.name} [model]")
    if model["slug"] != "free":
        assert model.get("source"), f"{path.name}: credit the model's source"
    assert SLUG_RE.match(model["slug"]), f"{path.name}: bad slug"
    assert model["slug"] == path.stem, f"{path.name}: slug should match the file name"
    assert model["kind"] in {"reflection", "session"}

    sections = data["sections"]
    assert isinstance(sections, list) and sections, f"{path.name}: no sections"
    for i, section in enumerate(sections):
        where = f"{path.name} sections[{i}]"
        _check_table(section, SECTION_KEYS_REQUIRED, SECTION_KEYS_OPTIONAL, where)
        assert SLUG_RE.match(section["key"]), f"{where}: bad key {section['key']!r}"
        assert "?" in section["prompt"], f"{where}: prompt should ask guiding questions"
    keys = [s["key"] for s in sections]
    assert len(keys) == len(set(keys)), f"{path.name}: duplicate section keys"
    actionable = [s["key"] for s in sections if s.get("actionable") is True]
    assert len(actionable) <= 1, f"{path.name}: more than one actionable section"
    assert all(s.get("actionable", True) is True for s in sections), (
        "write actionable = true or omit"
    )


def test_model_slugs_unique() -> None:
    slugs = [d["model"]["slug"] for d in MODELS.values()]
    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize(
    ("slug", "keys", "action_key"),
    [
        (
            "gibbs",
            ["description", "feelings", "evaluation", "analysis", "conclusion", "action-plan"],
            "action-plan",
        ),
        ("what-so-what-now-what", ["what", "so-what", "now-what"], "now-what"),
        (
            "kolb",
            [
                "concrete-experience",
                "reflective-observation",
                "abstract-conceptualisation",
                "active-experimentation",
            ],
            "active-experimentation",
        ),
        (
            "cpd",
            ["what-happened", "what-i-learned", "what-i-changed", "professional-code"],
            "what-i-changed",
        ),
        ("grow", ["goal", "reality", "options", "way-forward"], "way-forward"),
    ],
)
def test_structured_models(slug: str, keys: list[str], action_key: str) -> None:
    assert slug in MODELS_WITH_ONE_ACTION
    data = MODELS[slug]
    assert [s["key"] for s in data["sections"]] == keys
    actionable = [s["key"] for s in data["sections"] if s.get("actionable")]
    assert actionable == [action_key]


def test_model_kinds() -> None:
    for slug in SESSION_MODELS:
        assert MODELS[slug]["model"]["kind"] == "session", slug
    for slug in EXPECTED_MODELS - SESSION_MODELS:
        assert MODELS[slug]["model"]["kind"] == "reflection", slug


def test_every_model_has_its_one_action_section_or_none_on_purpose() -> None:
    for slug in MODELS_WITH_ONE_ACTION:
        assert [s for s in MODELS[slug]["sections"] if s.get("actionable")], slug
    # A Schwartz Round is about the experience, not fixing it: no action section.
    assert not [s for s in MODELS["schwartz-round"]["sections"] if s.get("actionable")]


def test_driscoll_is_credited() -> None:
    assert "Driscoll" in MODELS["what-so-what-now-what"]["model"]["source"]


def test_free_model_is_single_free_section() -> None:
    sections = MODELS["free"]["sections"]
    assert len(sections) == 1
    assert not sections[0].get("actionable")

"""Code cites a house rule by docs/architecture.md's section and the rule's name, so a reader can
find it (and renumbering the rules breaks nothing): no bare "rule N", and every cited name is a
rule in §4."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CITATION = re.compile(r"docs/architecture\.md §4,? “([^”]+)”")


def test_rules_are_cited_by_name_and_exist():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rules = set(re.findall(r"^\d+\. \*\*([^*]+?)\.\*\*", doc, flags=re.M))
    assert "Writes go through actions" in rules and len(rules) >= 8
    bare, unknown, cited = [], [], 0
    for path in sorted((ROOT / "gridgov").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        bare += [f"{rel}: {m.group(0)}" for m in re.finditer(r"\brule \d\b", text)]
        for name in CITATION.findall(text):
            cited += 1
            if name not in rules:
                unknown.append(f"{rel}: “{name}”")
    assert bare == [] and unknown == []
    assert cited > 20

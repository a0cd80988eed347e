"""The docs match what a user sees: every column of a run's tables is documented in
docs/outputs.md, and the README lists every doc."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ROOT / "docs" / "outputs.md"


def sections(text: str) -> dict[str, str]:
    """Second-level headings -> their text."""
    parts = re.split(r"^## ", text, flags=re.M)
    return {p.splitlines()[0].strip(): p for p in parts[1:]}


def documented(section: str) -> set[str]:
    """Column names documented in a section's table rows: `a`, `b`, ... in the first cell."""
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
    return names


def test_every_table_column_is_documented(run1969):
    docs = sections(OUTPUTS.read_text("utf-8"))
    for name, table in run1969.tables().items():
        heading = next((h for h in docs if h.startswith(f"`tables/{name}`")), None)
        assert heading, f"docs/outputs.md has no section for tables/{name}"
        missing = set(table.columns) - documented(docs[heading])
        assert not missing, f"tables/{name}: undocumented columns {sorted(missing)}"


def test_the_readme_lists_every_doc_and_introduces_make_setup():
    readme = (ROOT / "README.md").read_text("utf-8")
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{doc.name}" in readme, f"README does not list docs/{doc.name}"
    assert "make setup" in readme


def test_the_checker_finds_a_missing_column():
    text = "## `tables/x`\n\n| column | what |\n| --- | --- |\n| `step`, `date` | when |\n"
    assert documented(sections(text)["`tables/x`"]) == {"step", "date"}

"""Generated documentation stays in step with the code."""

from pathlib import Path

from stratagraph.graph_schema import SCHEMA
from stratagraph.graph_schema.reference import markdown

DOCS = Path(__file__).parents[2] / "docs"


def test_schema_reference_is_current() -> None:
    assert (DOCS / "schema.md").read_text() == markdown(SCHEMA), (
        "docs/schema.md is stale: run `stratagraph schema > docs/schema.md`"
    )

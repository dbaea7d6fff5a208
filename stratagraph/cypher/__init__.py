"""Every Cypher statement the platform runs, as named `.cypher` files beside this module.

Statements are portable: the same text runs on FalkorDB and Neo4j (see docs/cypher.md).
A few ingest statements are templates whose label or relationship type is filled in from the
graph schema (identifiers never come from input; values are always parameters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from stratagraph.graph_schema import SCHEMA
from stratagraph.graph_schema.types import IDENTIFIER

_PLACEHOLDER = re.compile(r"__([A-Z]+)__")
_HEADER = re.compile(r"^//\s*(\w+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str = "string"
    default: str | None = None
    doc: str = ""


@dataclass(frozen=True)
class Query:
    """A named statement. `text` is what the engine receives."""

    name: str
    text: str
    description: str = ""
    params: tuple[QueryParam, ...] = field(default=())

    def __str__(self) -> str:
        return self.name

    @property
    def columns(self) -> list[str]:
        """Aliases of the final RETURN, so an empty result still has its header."""
        tail = re.split(r"(?i)\bRETURN\b", self.text)[-1]
        tail = re.split(r"(?i)\b(ORDER\s+BY|SKIP|LIMIT)\b", tail)[0]
        return re.findall(r"(?i)\bAS\s+(\w+)", tail)


def _parse_header(name: str, text: str) -> Query:
    description: list[str] = []
    params: list[QueryParam] = []
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if not m:
            if line.strip().startswith("//"):
                continue
            break
        key, value = m.groups()
        if key == "description":
            description.append(value.strip())
        elif key == "param":
            # // param: name type [= default] -- doc
            # no "=" means the parameter is required; "name type =" defaults to ""
            spec, _, doc = value.partition("--")
            head, has_default, default = spec.partition("=")
            parts = head.split()
            params.append(
                QueryParam(
                    name=parts[0],
                    type=parts[1] if len(parts) > 1 else "string",
                    default=default.strip() if has_default else None,
                    doc=doc.strip(),
                )
            )
    return Query(name=name, text=text, description=" ".join(description), params=tuple(params))


@cache
def load(name: str) -> Query:
    """Load `name` (e.g. "ingest/upsert_batch" or "analyst/channel_performance")."""
    if not re.fullmatch(r"[a-z0-9_]+(/[a-z0-9_]+)*", name):
        raise KeyError(f"not a query name: {name!r}")
    path = resources.files(__package__).joinpath(*f"{name}.cypher".split("/"))
    if not path.is_file():
        raise KeyError(f"no Cypher statement named {name!r}")
    return _parse_header(name, path.read_text(encoding="utf-8"))


@cache
def render(name: str, **identifiers: str) -> Query:
    """Fill a template's __LABEL__-style placeholders with schema identifiers."""
    for key, value in identifiers.items():
        if not IDENTIFIER.match(value) or not (SCHEMA.has_node(value) or SCHEMA.has_rel(value)):
            raise ValueError(f"{key}={value!r} is not a label or relationship type of the schema")
    template = load(name)

    def fill(m: re.Match[str]) -> str:
        key = m.group(1).lower()
        if key not in identifiers:
            raise KeyError(f"{name} needs {key}=")
        return identifiers[key]

    return Query(name=name, text=_PLACEHOLDER.sub(fill, template.text), params=template.params)


def catalogue(folder: str) -> list[Query]:
    """Every statement in a folder, e.g. the analyst queries."""
    root = resources.files(__package__).joinpath(folder)
    return sorted(
        (
            load(f"{folder}/{p.name[: -len('.cypher')]}")
            for p in root.iterdir()
            if p.name.endswith(".cypher")
        ),
        key=lambda q: q.name,
    )

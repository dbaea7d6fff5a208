"""The SHACL engine behind validation: pySHACL, or pyshacl-turbo (a Rust engine with the same
API) when it is installed and chosen.

Choose with `STRATAGRAPH_SHACL_ENGINE` = `auto` (default: pyshacl-turbo if installed, else
pySHACL), `pyshacl` or `pyshacl-turbo`. Both run the same shapes and must give the same
results (tests/contract/test_governance_policies.py runs every fixture on each installed
engine). Shapes are compiled once per process and version.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Protocol

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import BNode, Node

from stratagraph.errors import ConfigurationError
from stratagraph.graph_schema.rdf import local_name, parse_iri, to_graph

from .shapes import ShapesBundle, load_shapes

ENGINE_ENV = "STRATAGRAPH_SHACL_ENGINE"
PYSHACL = "pyshacl"
TURBO = "pyshacl-turbo"


@dataclass(frozen=True)
class ShaclResult:
    """One sh:ValidationResult in plain terms."""

    shape: str
    focus: str
    focus_label: str
    path: str
    message: str
    severity: str
    value: str
    constraint: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.shape, self.focus, self.path)


class ShaclEngine(Protocol):
    name: str

    def validate(self, ntriples: str) -> list[ShaclResult]:
        """Validate an N-Triples data graph against the shapes."""
        ...


def _path_text(report: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return local_name(str(path))
    if isinstance(path, BNode):
        inverse = report.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _path_text(report, inverse)
        first = report.value(path, RDF.first)
        if first is not None:
            parts = []
            node: Node | None = path
            while node is not None and node != RDF.nil:
                parts.append(_path_text(report, report.value(node, RDF.first)))
                node = report.value(node, RDF.rest)
            return "/".join(parts)
        for key, mark in ((SH.oneOrMorePath, "+"), (SH.zeroOrMorePath, "*")):
            inner = report.value(path, key)
            if inner is not None:
                return _path_text(report, inner) + mark
    return str(path)


def _term_text(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, float | Decimal) and not isinstance(value, bool):
            return f"{float(value):.12g}"  # engines spell doubles differently (1500.0, 1.5E3)
        return str(term)
    if isinstance(term, URIRef):
        label, uid = parse_iri(str(term))
        return uid if label else local_name(str(term))
    return str(term)


def parse_report(report: Graph, shapes: Graph) -> list[ShaclResult]:
    out: list[ShaclResult] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        label, uid = parse_iri(str(focus)) if focus is not None else ("", "")
        shape = report.value(result, SH.sourceShape)
        shape_name = local_name(str(shape)) if isinstance(shape, URIRef) else ""
        if not shape_name and shape is not None:
            # an unnamed property shape: name it by the node shape that holds it
            parent = shapes.value(None, SH.property, shape)
            shape_name = local_name(str(parent)) if parent is not None else str(shape)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        severity = report.value(result, SH.resultSeverity)
        constraint = report.value(result, SH.sourceConstraintComponent)
        out.append(
            ShaclResult(
                shape=shape_name,
                focus=uid,
                focus_label=label,
                path=_path_text(report, report.value(result, SH.resultPath)),
                message=" ".join(messages),
                severity=local_name(str(severity)).split("#")[-1] if severity else "Violation",
                value=_term_text(report.value(result, SH.value)),
                constraint=str(constraint).split("#")[-1] if constraint else "",
            )
        )
    out.sort(key=lambda r: (r.shape, r.focus_label, r.focus, r.path, r.value, r.message))
    return out


class PySHACLEngine:
    name = PYSHACL

    def __init__(self, bundle: ShapesBundle) -> None:
        self.bundle = bundle

    def validate(self, ntriples: str) -> list[ShaclResult]:
        import pyshacl

        _, report, _ = pyshacl.validate(
            to_graph(ntriples),
            shacl_graph=self.bundle.graph,
            advanced=True,
            inference="none",
            allow_warnings=True,
            allow_infos=True,
        )
        return parse_report(report, self.bundle.graph)


class TurboEngine:
    name = TURBO

    def __init__(self, bundle: ShapesBundle) -> None:
        import importlib

        turbo: Any = importlib.import_module("pyshacl_turbo")
        self.bundle = bundle
        self._program: Any = turbo.compile_shapes(bundle.graph, advanced=True)
        self._oxigraph: Any = None
        with contextlib.suppress(ImportError):
            self._oxigraph = importlib.import_module("pyoxigraph")

    def validate(self, ntriples: str) -> list[ShaclResult]:
        data: Any = ntriples
        if self._oxigraph is not None:
            # parsed natively: no rdflib graph is built on the request path
            store = self._oxigraph.Store()
            store.load(ntriples.encode("utf-8"), format=self._oxigraph.RdfFormat.N_TRIPLES)
            data = store
        else:
            data = to_graph(ntriples)
        _, report, _ = self._program.validate(data, allow_warnings=True, allow_infos=True)
        return parse_report(report, self.bundle.graph)


def turbo_available() -> bool:
    try:
        import pyshacl_turbo  # noqa: F401
    except ImportError:
        return False
    return True


def engine_name(choice: str | None = None) -> str:
    wanted = (choice or os.environ.get(ENGINE_ENV) or "auto").strip().lower()
    if wanted == "auto":
        return TURBO if turbo_available() else PYSHACL
    if wanted in (PYSHACL, TURBO):
        if wanted == TURBO and not turbo_available():
            raise ConfigurationError(
                f"{ENGINE_ENV}={TURBO} but pyshacl-turbo is not installed: "
                "pip install pyshacl-turbo, or use pyshacl"
            )
        return wanted
    raise ConfigurationError(f"{ENGINE_ENV} is {wanted!r}; use auto, {PYSHACL} or {TURBO}")


@cache
def _engine(name: str, version: str) -> ShaclEngine:
    bundle = load_shapes()
    return TurboEngine(bundle) if name == TURBO else PySHACLEngine(bundle)


def get_engine(choice: str | None = None) -> ShaclEngine:
    """The engine (cached per process and shapes version)."""
    return _engine(engine_name(choice), load_shapes().version)

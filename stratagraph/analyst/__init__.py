"""Analyst access: named queries, read-only ad-hoc Cypher, graph statistics, exports."""

from .adhoc import run_cypher
from .named import list_queries, run_named
from .stats import GraphStats, graph_stats
from .table import ResultTable

__all__ = [
    "GraphStats",
    "ResultTable",
    "graph_stats",
    "list_queries",
    "run_cypher",
    "run_named",
]

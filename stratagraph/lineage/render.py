"""Lineage for people in a terminal: the tree of how each node was reached, trail in bold."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from .model import Lineage, LineageNode

# properties worth a glance, per label (the rest are in --json)
GLANCE = {
    "KPIObservation": ("period_start", "spend", "conversions", "revenue"),
    "Strategy": ("version", "status", "spend", "risk_score"),
    "Approval": ("decision", "actor", "role", "at"),
    "ValidationReport": ("conforms", "violation_count", "at"),
    "Run": ("status", "spent", "budget"),
    "Action": ("kind", "status", "amount"),
    "Campaign": ("status", "spend"),
    "PlanItem": ("budget", "start", "end"),
    "IngestBatch": ("file_name", "rows_written", "last_ingested_at"),
    "DataSource": ("kind", "location"),
}


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def node_line(node: LineageNode, on_trail: bool = False) -> str:
    shown = ", ".join(
        f"{k}={_value(node.props[k])}"
        for k in GLANCE.get(node.label, ())
        if node.props.get(k) is not None
    )
    text = f"[cyan]{node.label}[/] {escape(node.uid)}"
    if node.name != node.uid:
        text += f" [dim]({escape(node.name)})[/]"
    if shown:
        text += f" [dim]{escape(shown)}[/]"
    if node.current_status:
        text += f" [yellow](status then; now {escape(node.current_status)})[/]"
    if node.omitted:
        more = ", ".join(f"{n:,} more via {t}" for t, n in sorted(node.omitted.items()))
        text += f" [magenta]+{more}[/]"
    return f"[bold]{text}[/]" if on_trail else text


def lineage_tree(result: Lineage, *, per_node: int = 8) -> Tree:
    """The discovery tree of the answer: each node under the node it was reached from,
    trail first; at most `per_node` other children per node."""
    trail = set(result.trail)
    children: dict[str, list[LineageNode]] = {}
    for n in result.nodes.values():
        if n.parent is not None:
            children.setdefault(n.parent, []).append(n)
    root = result.root_node
    at = f" as of {result.at}" if result.at else ""
    tree = Tree(f"{node_line(root, True)} [dim]{result.direction}{at}[/]")

    def grow(node: LineageNode, branch: Tree) -> None:
        kids = sorted(children.get(node.id, []), key=lambda c: (c.id not in trail, c.label, c.uid))
        hidden: Counter[str] = Counter()
        shown = 0
        for kid in kids:
            if kid.id not in trail and shown >= per_node:
                hidden[kid.label] += 1
                continue
            shown += kid.id not in trail
            edge = result.edges[kid.via] if kid.via else None
            arrow = ""
            if edge is not None:
                arrow = f"-[{edge.type}]->" if edge.source == node.id else f"<-[{edge.type}]-"
            grow(kid, branch.add(f"[dim]{arrow}[/] {node_line(kid, kid.id in trail)}"))
        if hidden:
            branch.add(
                "[dim]... "
                + ", ".join(f"{n} {label}" for label, n in hidden.most_common())
                + " more (--json for all)[/]"
            )

    grow(root, tree)
    return tree


def print_lineage(result: Lineage, console: Console) -> None:
    console.print(lineage_tree(result))
    labels = Counter(n.label for n in result.nodes.values())
    console.print(
        f"[dim]{len(result.nodes):,} nodes ({', '.join(f'{k} {v}' for k, v in labels.items())}), "
        f"{len(result.edges):,} edges, {result.queries} statements, "
        f"{result.seconds * 1000:.0f} ms"
        + ("; cut by the fan-out or node limit" if result.truncated else "")
        + "[/]",
        highlight=False,
    )
    sources = [result.nodes[n] for n in result.trail if result.nodes[n].label == "DataSource"]
    if sources:
        console.print(
            "trail ends at: " + ", ".join(f"DataSource {escape(s.uid)}" for s in sources),
            highlight=False,
        )

"""API commands: serve, token (create, revoke, list), lineage."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from stratagraph.errors import UsageError
from stratagraph.settings import Settings
from stratagraph.store import GraphStore

from .common import JsonOpt, StoreOpt, err, opened, out, print_json, settings_for

token_app = typer.Typer(help="Bearer tokens of the HTTP API.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the API commands to the `stratagraph` app."""
    app.command("serve")(serve_command)
    app.add_typer(token_app, name="token")
    app.command("lineage")(lineage_command)


def serve_command(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (STRATAGRAPH_API_HOST).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (STRATAGRAPH_API_PORT).")] = None,
    dev: Annotated[
        bool,
        typer.Option(
            "--dev",
            help="Development mode: GraphiQL at /graphql, introspection, suggestions and "
            "unmasked errors. Never in production.",
        ),
    ] = False,
    workers: Annotated[int, typer.Option(help="Server processes (each opens the store once).")] = 1,
    store: StoreOpt = None,
) -> None:
    """Serve the GraphQL API, analyst endpoints and the lineage explorer."""
    import os

    import uvicorn

    settings = settings_for(store)
    if dev:
        settings = settings.model_copy(update={"api_dev": True})
    settings.api_token_key()  # a placeholder pepper is refused before the server starts
    host = host or settings.api_host
    port = port or settings.api_port
    err().print(
        f"[dim]serving {settings.store} on http://{host}:{port} "
        f"(GraphQL /graphql, explorer /explorer{', dev mode' if dev else ''})[/]",
        highlight=False,
    )
    if workers > 1:
        # worker processes build their app from the environment
        os.environ["STRATAGRAPH_STORE"] = settings.store
        if dev:
            os.environ["STRATAGRAPH_API_DEV"] = "true"
        uvicorn.run(
            "stratagraph.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
        return
    from stratagraph.api.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def _tokens(graph: GraphStore, settings: Settings) -> object:
    from stratagraph.api.tokens import TokenService

    return TokenService(graph, settings.api_token_key(), pii_roles=settings.api_pii_roles)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option("--name", help="A name for the token (unique).")],
    role: Annotated[
        str, typer.Option("--role", help="viewer, analyst, marketer, approver or admin.")
    ],
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            help="The actor name it acts as in governance and the audit chain (default: the "
            "token's name). Approvers must be registered actors: stratagraph actors add.",
        ),
    ] = None,
    by: Annotated[str | None, typer.Option("--as", help="Who creates it (audit).")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a bearer token and print it ONCE (only its hash is stored)."""
    from stratagraph.api.tokens import TokenService

    with opened(store) as (graph, settings):
        service = _tokens(graph, settings)
        assert isinstance(service, TokenService)
        created = service.create(name, role, actor=actor, by=by)
    if as_json:
        print_json({**created.info.as_dict(), "token": created.token})
        return
    console = out()
    console.print(
        f"token [bold]{created.info.name}[/] (role {created.info.role}, acts as "
        f"{created.info.actor}); copy it now, it is not shown again:",
        highlight=False,
    )
    typer.echo(created.token)


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name.")],
    by: Annotated[str | None, typer.Option("--as", help="Who revokes it (audit).")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Revoke a token; a running server refuses it within a few seconds."""
    from stratagraph.api.tokens import TokenService

    with opened(store) as (graph, settings):
        service = _tokens(graph, settings)
        assert isinstance(service, TokenService)
        info = service.revoke(name, by=by)
    if as_json:
        print_json(info.as_dict())
    else:
        out().print(f"token {info.name} revoked at {info.revoked_at}", highlight=False)


@token_app.command("list")
def token_list(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """The tokens, their roles and actors (never the secrets)."""
    from stratagraph.api.tokens import TokenService

    with opened(store) as (graph, settings):
        service = _tokens(graph, settings)
        assert isinstance(service, TokenService)
        found = service.list()
    if as_json:
        print_json([t.as_dict() for t in found])
        return
    table = Table(title=f"{len(found)} token(s)")
    for col in ("name", "role", "actor", "starts with", "created", "by", "revoked"):
        table.add_column(col)
    for t in found:
        table.add_row(
            t.name,
            t.role,
            t.actor,
            f"{t.prefix}..." if t.prefix else "",
            t.created_at or "",
            t.created_by or "",
            t.revoked_at or "" if t.revoked else "",
        )
    out().print(table)


def lineage_command(
    uid: Annotated[str, typer.Argument(help="The node's uid (a KPI observation, a source...).")],
    label: Annotated[
        str | None, typer.Option(help="Its label, when the uid names nodes of several.")
    ] = None,
    direction: Annotated[
        str, typer.Option(help="upstream (where it came from), downstream or both.")
    ] = "upstream",
    depth: Annotated[int, typer.Option(help="Relationships away from the node.")] = 6,
    at: Annotated[
        str | None,
        typer.Option(help="As the graph was then: 2026-11-01 (end of day, UTC) or ISO-8601."),
    ] = None,
    fanout: Annotated[int, typer.Option(help="Most neighbours per node and type.")] = 50,
    max_nodes: Annotated[int, typer.Option(help="Most nodes in the answer.")] = 2000,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The lineage of a node: from a KPI back through action, run, campaign, plan item,
    strategy version, approvals and evidence to the ingest batches and data sources."""
    from stratagraph.lineage import DIRECTIONS, lineage, print_lineage

    if direction not in DIRECTIONS:
        raise UsageError(f"--direction must be one of {', '.join(DIRECTIONS)}")
    with opened(store) as (graph, _):
        result = lineage(
            graph,
            uid,
            label=label,
            direction=direction,
            depth=depth,
            at=at,
            fanout=fanout,
            max_nodes=max_nodes,
        )
    if as_json:
        print_json(result.as_dict())
    else:
        print_lineage(result, out())


def print_demo_lineage(
    graph: GraphStore,
    settings: Settings,
    console: Console,
    *,
    token: bool = True,
    host: str | None = None,
    port: int | None = None,
) -> str | None:
    """For `stratagraph demo`: print the lineage of one realised KPI (one measured by an
    action of a run) and how to open the explorer on it. With `token`, creates a viewer
    token `demo-auditor-N` for the link. Returns the KPI uid, or None when no run has
    measured anything yet."""
    from stratagraph import cypher
    from stratagraph.lineage import lineage, print_lineage

    rows = graph.read(cypher.load("api/realised_kpi"))
    if not rows:
        console.print("[dim]no realised KPI yet: execute an approved strategy first[/]")
        return None
    uid = str(rows[0]["uid"])
    console.print(f"\n[bold]where this KPI came from[/]: stratagraph lineage {uid}")
    print_lineage(lineage(graph, uid, depth=6, fanout=8), console)
    base = f"http://{host or settings.api_host}:{port or settings.api_port}/explorer/"
    fragment = f"#uid={uid}&label=KPIObservation"
    if token:
        from stratagraph.api.tokens import TokenService

        service = TokenService(graph, settings.api_token_key())
        taken = {t.name for t in service.list()}
        name = next(
            f"demo-auditor-{n}" for n in range(1, 10_000) if f"demo-auditor-{n}" not in taken
        )
        created = service.create(name, "viewer", by="demo")
        fragment += f"&token={created.token}"
    from stratagraph.settings import DEFAULT_STORE

    store_opt = "" if settings.store == DEFAULT_STORE else f" --store {settings.store}"
    console.print(
        "\nopen the explorer on it:\n"
        f"  stratagraph serve{store_opt}\n"
        f"  then browse {base}{fragment}",
        highlight=False,
        soft_wrap=True,
    )
    if not token:
        console.print(
            "  (a token: stratagraph token create --name auditor --role viewer; add "
            "&token=... to the link)",
            highlight=False,
        )
    return uid

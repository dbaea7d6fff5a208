"""The HTTP API: FastAPI app, strawberry GraphQL schema, bearer tokens, limits, analyst
endpoints and the explorer (see docs/api.md).

    from stratagraph.api.app import create_app
    app = create_app(get_settings(), store=store)   # or `stratagraph serve`
"""

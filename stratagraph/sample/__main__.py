"""Write a sample twin: `python -m stratagraph.sample OUT_DIR [--scale large] [--seed 7]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from .generate import generate_twin
from .writers import FILE_FORMATS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m stratagraph.sample", description="Write the sample twin as ingest files."
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--scale", default="small", help="small, medium, large or an entity count")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", dest="file_format", default="csv", choices=FILE_FORMATS)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    summary = generate_twin(
        args.out_dir,
        scale=args.scale,
        seed=args.seed,
        file_format=args.file_format,
        progress=None if args.quiet else print,
    )
    print(
        f"{summary.entities} entities ({summary.node_rows} nodes, "
        f"{summary.relationship_rows} relationships) in {summary.seconds:.2f} s "
        f"-> {summary.out_dir}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

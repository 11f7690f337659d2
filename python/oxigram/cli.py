"""Command line: ``oxigram bench`` (more commands arrive with the local DC and the demo)."""

from __future__ import annotations

import argparse
import platform
import sys

from . import __version__


def _bench(args: argparse.Namespace) -> int:
    try:
        from . import benchtable
    except ImportError as exc:  # the table compares against native, which must load
        print(f"oxigram bench needs the native module: {exc}", file=sys.stderr)
        return 1

    def progress(label: str) -> None:
        if not args.quiet:
            print(f"\r\033[K  measuring {label}", end="", file=sys.stderr, flush=True)

    table = benchtable.measure(benchtable.rows(), budget=args.budget, progress=progress)
    if not args.quiet:
        print("\r\033[K", end="", file=sys.stderr)
    print(
        f"oxigram {__version__} on {platform.python_implementation()} {platform.python_version()}"
    )
    print(benchtable.format_table(table))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``oxigram`` command."""
    parser = argparse.ArgumentParser(prog="oxigram", description=__doc__)
    parser.add_argument("--version", action="version", version=f"oxigram {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("bench", help="time native vs pure vs installed anchors")
    bench.add_argument("--budget", type=float, default=0.2, help="seconds per measurement")
    bench.add_argument("--quiet", action="store_true", help="no progress line")
    bench.set_defaults(run=_bench)
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

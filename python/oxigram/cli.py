"""Command line: ``oxigram demo``, ``oxigram serve`` (the local DC), ``oxigram bench``, and
``oxigram front`` / ``oxigram worker`` (scale-out through Redis)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from . import __version__


def _bench(args: argparse.Namespace) -> int:
    from .bench.command import run

    return run(args)


def _server_key(path: Path | None) -> object:
    """The DC's RSA key: read from ``path`` (private PKCS#1 PEM) or generated (and written
    there, so clients keep trusting the same key across runs)."""
    from .mtproto import rsa_keys

    if path is not None and path.exists():
        return rsa_keys.private_key_from_pem(path.read_text())
    key = rsa_keys.generate_rsa_key()
    if path is not None:
        path.write_text(rsa_keys.private_key_to_pem(key))
        path.chmod(0o600)
    return key


async def _serve_async(args: argparse.Namespace) -> int:
    from .mtproto.rsa_keys import RsaPrivateKey
    from .server import LocalDC

    key_path = Path(args.key) if args.key else (Path(args.db + ".key.pem") if args.db else None)
    key = _server_key(key_path)
    assert isinstance(key, RsaPrivateKey)
    dc = LocalDC(args.host, args.port, db=args.db, answer_timeout=args.answer_timeout, rsa_key=key)
    await dc.start()
    pem_path = Path(args.pem) if args.pem else None
    if pem_path is not None:
        pem_path.write_text(dc.public_key_pem)
    print(f"oxigram local DC {dc.dc_id} listening on {dc.host}:{dc.port}")
    print(f"fingerprint: {dc.fingerprint}")
    print(f"public key (PKCS#1 PEM): {pem_path if pem_path else '(not written; use --pem)'}")
    if args.db:
        print(f"state: {args.db}")
    for spec in args.bot or []:
        username, _, token = spec.partition(":")
        existing = dc.store.by_username(username)
        if existing is not None and existing.bot:
            print(f"bot @{existing.username} id={existing.id} token={existing.token} (existing)")
            continue
        bot = dc.add_bot(username, token=token or None)
        print(f"bot @{bot.username} id={bot.id} token={bot.token}")
    for spec in args.user or []:
        phone, _, rest = spec.partition(":")
        name, _, password = rest.partition(":")
        found = dc.store.by_phone(phone)
        if found is not None:
            print(f"user {found.first_name} id={found.id} phone={found.phone} (existing)")
            continue
        user = dc.add_user(phone, name or "User", password=password or None)
        extra = " (2FA password set)" if user.password else ""
        print(
            f"user {user.first_name} id={user.id} phone={user.phone} "
            f"login code={user.login_code}{extra}"
        )
    sys.stdout.flush()
    try:
        if args.duration > 0:
            await asyncio.sleep(args.duration)
        else:
            await asyncio.Event().wait()
    finally:
        await dc.stop()
    return 0


def _serve(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return asyncio.run(_serve_async(args))
    except KeyboardInterrupt:
        return 0


def _demo(args: argparse.Namespace) -> int:
    from .demo import main as demo_main

    return demo_main(args.presses, args.users, not args.quiet)


def _front(args: argparse.Namespace) -> int:
    from .scale.command import run

    return run(args, "front")


def _worker(args: argparse.Namespace) -> int:
    from .scale.command import run

    return run(args, "worker")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``oxigram`` command."""
    parser = argparse.ArgumentParser(prog="oxigram", description=__doc__)
    parser.add_argument("--version", action="version", version=f"oxigram {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("bench", help="time native vs pure vs installed anchors")
    from .bench.command import add_arguments as bench_arguments

    bench_arguments(bench)
    bench.set_defaults(run=_bench)
    serve = commands.add_parser("serve", help="run the local DC (an MTProto server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="0: any free port")
    serve.add_argument("--db", help="SQLite file for the state (default: memory)")
    serve.add_argument("--key", help="private RSA key PEM to use or create (default: <db>.key.pem)")
    serve.add_argument("--pem", help="write the public key (PKCS#1 PEM) to this file")
    serve.add_argument("--answer-timeout", type=float, default=5.0, help="seconds a bot has")
    serve.add_argument(
        "--bot", action="append", metavar="USERNAME[:TOKEN]", help="create a bot (repeatable)"
    )
    serve.add_argument(
        "--user",
        action="append",
        metavar="PHONE[:NAME[:PASSWORD]]",
        help="create a user (login code 12345; repeatable)",
    )
    serve.add_argument("--duration", type=float, default=0, help="stop after N seconds")
    serve.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    serve.set_defaults(run=_serve)
    demo = commands.add_parser("demo", help="bot + users on a local DC: every kind of press")
    demo.add_argument("--presses", type=int, default=500, help="presses in the burst")
    demo.add_argument("--users", type=int, default=4, help="user clients in the burst")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(run=_demo)
    from .scale.command import add_front, add_worker

    front = commands.add_parser("front", help="scale-out: put callback presses on a Redis stream")
    add_front(front)
    front.set_defaults(run=_front)
    worker = commands.add_parser("worker", help="scale-out: run handlers on presses from Redis")
    add_worker(worker)
    worker.set_defaults(run=_worker)
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

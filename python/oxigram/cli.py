"""The ``oxigram`` command: ``demo``, ``serve`` (the local DC), ``bench``, and ``front`` /
``worker`` (scale-out through Redis). Each subcommand's ``--help`` gives its options with
their defaults and an example."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import textwrap
from pathlib import Path

from . import __version__

DESCRIPTION = (
    "oxigram: Telegram's MTProto for bots that live on inline buttons. Run a local DC (an "
    "MTProto server that Telegram clients talk to unchanged), a demo of every kind of button "
    "press, the benchmarks, or a bot's scale-out processes."
)

EXAMPLES = """\
examples:
  oxigram demo                     a bot and users on a local DC: every kind of press
  oxigram serve --port 8443 --pem dc.pem --bot demo_bot --user 15550001:Alice
                                   a DC for your own bot (prints its token and login code)
  oxigram bench --quick            native vs pure Python vs other libraries
  oxigram COMMAND --help           a command's options, defaults and an example"""


WIDTH = 78  # descriptions are filled to this; the examples are kept as written


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples as written; each option's default after its help (not
    for flags, nor for options whose help says what their absence means)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            not action.option_strings
            or "%(default)" in text
            or default is None
            or isinstance(default, bool)
            or default == argparse.SUPPRESS
        ):
            return text
        return f"{text} (default: %(default)s)"


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    description: str,
    example: str,
) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=summary,
        description=textwrap.fill(description, WIDTH),
        epilog=f"example:\n  {example}",
        formatter_class=HelpFormatter,
    )


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


def _connect_lines(
    host: str, port: int, pem_path: Path | None, pem: str, dc_id: int | None = None
) -> list[str]:
    """Python that connects a client to this DC (``dc_id``: named, for a cluster's DC),
    ready to paste."""
    if host in ("", "0.0.0.0", "::"):  # listening everywhere: dial it locally
        host = "127.0.0.1"
    lines = ["from oxigram.client import Client"]
    if pem_path is not None:
        key = f"open({json.dumps(str(pem_path))}).read()"
    else:
        lines += ['DC_KEY = """' + pem.rstrip("\n"), '"""']
        key = "DC_KEY"
    server = f"({json.dumps(host)}, {port})"
    dc = f", dc_id={dc_id}" if dc_id is not None else ""
    lines.append(f'client = Client("local", 1, "hash", server={server}{dc}, rsa_keys=[{key}])')
    return lines


def parse_dc_ids(text: str) -> list[int]:
    """``"1-5"`` or ``"1,2,4"`` (or both: ``"1-3,5"``) -> the DC ids, in order."""
    ids: set[int] = set()
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise argparse.ArgumentTypeError(f"DC ids like 1-5 or 1,2,4, not {text!r}") from None
        if low < 1 or high < low:
            raise argparse.ArgumentTypeError(f"DC ids are 1 or more, in order, not {part!r}")
        ids.update(range(low, high + 1))
    return sorted(ids)


async def _serve_async(args: argparse.Namespace) -> int:
    from .errors import InvalidInputError
    from .mtproto.rsa_keys import RsaPrivateKey
    from .server import ConnectionLimits, LocalDC

    try:
        limits = ConnectionLimits(**{name: getattr(args, name) for name in _LIMIT_FLAGS})
    except InvalidInputError as exc:
        print(f"oxigram serve: {exc}", file=sys.stderr)
        return 2
    key_path = Path(args.key) if args.key else (Path(args.db + ".key.pem") if args.db else None)
    key = _server_key(key_path)
    assert isinstance(key, RsaPrivateKey)
    dcs = args.dcs
    # --port P with --dcs: DC ids in order on P, P+1, ... (0: each on any free port)
    ports = {each: args.port + i if args.port else 0 for i, each in enumerate(dcs or [])}
    first = (2 if 2 in dcs else dcs[0]) if dcs else None  # where accounts live, as LocalDC
    dc = LocalDC(
        args.host,
        ports[first] if first is not None else args.port,
        db=args.db,
        answer_timeout=args.answer_timeout,
        rsa_key=key,
        dcs=dcs,
        dc_id=first,
        ports=ports or None,
        limits=limits,
        delivery=args.delivery,
        delivery_seed=args.delivery_seed,
    )
    await dc.start()
    pem_path = Path(args.pem) if args.pem else None
    if pem_path is not None:
        pem_path.write_text(dc.public_key_pem)
    for each, (host, port) in dc.addresses.items():
        print(f"oxigram local DC {each} listening on {host}:{port}")
    print(f"fingerprint: {dc.fingerprint}")
    print(f"public key (PKCS#1 PEM): {pem_path if pem_path else '(not written; use --pem)'}")
    if args.db:
        print(f"state: {args.db}")
    if not dcs:
        print("connect with:")
        print("\n".join(_connect_lines(dc.host, dc.port, pem_path, dc.public_key_pem)))
    else:
        print(f"accounts live on DC {dc.dc_id}; connect with:")
        host, port = dc.address()
        print("\n".join(_connect_lines(host, port, pem_path, dc.public_key_pem, dc.dc_id)))
        for each, (host, port) in dc.addresses.items():
            if each != dc.dc_id:  # the same key; the client line for an account on DC each
                line = _connect_lines(host, port, pem_path, dc.public_key_pem, each)[-1]
                print(f"# an account living on DC {each}:\n{line}")
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


def _add_serve(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=0, help="port to listen on; 0: any free port")
    serve.add_argument(
        "--dcs",
        type=parse_dc_ids,
        metavar="IDS",
        help="run a cluster of DCs, e.g. 1-5 or 1,2,4 (each on its own port: --port, "
        "--port+1, ...; accounts live on DC 2 if listed, else the first); default: one DC, id 2",
    )
    serve.add_argument(
        "--db",
        metavar="FILE",
        help="SQLite file keeping accounts, keys and messages across "
        "restarts (default: memory only: a restart forgets them)",
    )
    serve.add_argument(
        "--key",
        metavar="FILE",
        help="the DC's private RSA key (PEM), read, or created when missing (default: "
        "<db>.key.pem with --db; without --db a new key each run)",
    )
    serve.add_argument(
        "--pem",
        metavar="FILE",
        help="write the public key here, for clients' rsa_keys= and the examples' --pem",
    )
    serve.add_argument(
        "--answer-timeout",
        type=float,
        default=10.0,  # server.callbacks.DEFAULT_ANSWER_TIMEOUT (not imported for --help)
        metavar="SECONDS",
        help="how long a press waits for the bot's answer before BOT_RESPONSE_TIMEOUT",
    )
    serve.add_argument(
        "--delivery",
        choices=("all", "recent", "random"),
        default="all",
        help="which sessions of a bot get each update: all of them (default), only the one "
        "that sent a request last, or one at random (Telegram promises a bot with several "
        "sessions no more); a session takes updates from its first request not wrapped in "
        "invokeWithoutUpdates",
    )
    serve.add_argument(
        "--delivery-seed",
        type=int,
        metavar="N",
        help="seed of --delivery random (a repeatable choice)",
    )
    serve.add_argument(
        "--bot",
        action="append",
        metavar="USERNAME[:TOKEN]",
        help="create a bot and print its token (repeatable; a random token unless given)",
    )
    serve.add_argument(
        "--user",
        action="append",
        metavar="PHONE[:NAME[:PASSWORD]]",
        help="create a user with an optional 2FA password (repeatable; login code 12345)",
    )
    serve.add_argument(
        "--duration", type=float, default=0, metavar="SECONDS", help="stop after this; 0: never"
    )
    serve.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    _add_limits(serve.add_argument_group("connection limits (what a hostile peer runs into)"))


#: ``oxigram serve`` flag (dashes for underscores) -> its metavar and help; the defaults
#: are ``ConnectionLimits``'.
_LIMIT_FLAGS: dict[str, tuple[str, str]] = {
    "hello_timeout": (
        "SECONDS",
        "close a connection whose first frame (the transport tag included) is not in by then",
    ),
    "frame_timeout": ("SECONDS", "close a connection that does not finish a frame begun by then"),
    "idle_timeout": (
        "SECONDS",
        "close a connection that sends no frame for this long (clients ping every minute)",
    ),
    "max_connections": (
        "N",
        "open connections at most (lowered to the descriptor limit less --fd-reserve); at "
        "the cap a new one replaces the oldest that has sent no encrypted message yet, or "
        "is refused",
    ),
    "max_per_address": ("N", "open connections from one IP address at most"),
    "max_buffered": (
        "BYTES",
        "unfinished frames of all connections together at most; above it the connection "
        "holding the most is closed",
    ),
    "max_plain_frame": ("BYTES", "largest unencrypted (handshake) frame accepted"),
    "log_interval": (
        "SECONDS",
        "at most one log line per kind of refused or closed connection in this long",
    ),
    "fd_reserve": ("N", "file descriptors kept free below the process's limit (ulimit -n)"),
}


def _add_limits(group: argparse._ArgumentGroup) -> None:
    from dataclasses import fields

    from .server.limits import ConnectionLimits

    for field in fields(ConnectionLimits):
        metavar, text = _LIMIT_FLAGS[field.name]
        kind = float if isinstance(field.default, float) else int
        flag = "--" + field.name.replace("_", "-")
        group.add_argument(flag, type=kind, default=field.default, metavar=metavar, help=text)


def _add_demo(demo: argparse.ArgumentParser) -> None:
    demo.add_argument("--presses", type=int, default=500, help="presses in the closing burst")
    demo.add_argument("--users", type=int, default=4, help="user clients pressing in the burst")
    demo.add_argument("--quiet", action="store_true", help="no progress bar (none off a terminal)")


def parser() -> argparse.ArgumentParser:
    """The ``oxigram`` argument parser, with every subcommand."""
    from .bench.command import add_arguments as add_bench
    from .scale.command import add_front, add_worker

    top = argparse.ArgumentParser(
        prog="oxigram",
        description=textwrap.fill(DESCRIPTION, WIDTH),
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"oxigram {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = _command(
        commands,
        "demo",
        "a bot and users on a local DC: every kind of press, then a burst",
        "Starts a local DC on 127.0.0.1, logs a bot and users in over TCP, presses a toast, "
        "an alert, a link, a game, a password-protected button and a slow one, printing "
        "each answer and its latency, then a burst of concurrent presses with presses per "
        "second and p50/p99.",
        "oxigram demo --presses 2000 --users 8",
    )
    _add_demo(demo)
    demo.set_defaults(run=_demo)

    serve = _command(
        commands,
        "serve",
        "run a local DC (an MTProto server) for your bots and users",
        "Runs a local DC until stopped (Ctrl+C): an MTProto 2.0 server that oxigram, "
        "Telethon and other Telegram clients log in to, with the bots and users named "
        "here. Point a client at it with server=(HOST, PORT) and rsa_keys=[the --pem "
        "file's text].",
        "oxigram serve --port 8443 --pem dc.pem --bot demo_bot --user 15550001:Alice",
    )
    _add_serve(serve)
    serve.set_defaults(run=_serve)

    bench = _command(
        commands,
        "bench",
        "time native vs pure Python vs other installed libraries",
        "Times each crypto and TL operation (native, pure Python, and the libraries "
        "installed beside oxigram), optionally the end-to-end bot benchmark on a local "
        "DC; prints the tables and writes the results as JSON and PNG charts.",
        "oxigram bench --e2e --quick",
    )
    add_bench(bench)
    bench.set_defaults(run=_bench)

    front = _command(
        commands,
        "front",
        "scale-out: hold the bot's updates, put every press on a Redis stream",
        "Logs in as the bot and puts every button press on a Redis stream, for 'oxigram "
        "worker' processes to answer. Needs a Redis server and pip install "
        "'oxigram[redis]'.",
        "oxigram front --server 127.0.0.1:8443 --pem dc.pem --token TOKEN",
    )
    add_front(front)
    front.set_defaults(run=_front)

    worker = _command(
        commands,
        "worker",
        "scale-out: answer presses from the Redis stream with your handlers",
        "Runs your @on_callback_query handlers on the presses 'oxigram front' puts on the "
        "Redis stream, and answers them as the bot (one answer per press, whichever worker "
        "takes it). Start any number. Needs a Redis server and pip install "
        "'oxigram[redis]'.",
        "oxigram worker --server 127.0.0.1:8443 --pem dc.pem --token TOKEN "
        "--handlers examples/toast_alert_bot.py:setup",
    )
    add_worker(worker)
    worker.set_defaults(run=_worker)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``oxigram`` command."""
    args = parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

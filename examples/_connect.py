"""Shared by the examples: where the DC is.

``--server HOST:PORT --pem FILE`` connects to a running ``oxigram serve`` (``--pem`` is the
public key file it wrote with ``--pem``); without them, the example starts a local DC in
process and a user that presses its buttons, then exits.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from oxigram.client import Client


def parse(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", help="HOST:PORT of `oxigram serve` (default: in-process DC)")
    parser.add_argument("--pem", help="the DC's public key file (`oxigram serve --pem FILE`)")
    parser.add_argument("--token", help="the bot token printed by `oxigram serve --bot NAME`")
    parser.add_argument("--phone", help="a user's phone (`oxigram serve --user PHONE`)")
    parser.add_argument("--code", help="the user's login code (`oxigram serve` prints it)")
    parser.add_argument("--password", help="the user's 2FA password, if any")
    parser.add_argument("--bot", default="demo_bot", help="the bot's username (demo_bot)")
    return parser.parse_args()


def client(host: str, port: int, pem: str, session: str | None = None) -> Client:
    return Client(session, 1, "example", server=(host, port), rsa_keys=[pem])


def remote(args: argparse.Namespace) -> tuple[str, int, str]:
    if not args.pem:
        raise SystemExit("--server needs --pem FILE (the file `oxigram serve --pem FILE` wrote)")
    host, _, port = args.server.rpartition(":")
    return host, int(port), Path(args.pem).read_text()

#!/usr/bin/env python3
"""Writes python/oxigram/tl/api.tl: the layer's constructors and methods oxigram uses, closed
over every type they reference.

Run by hand when the layer changes:

    python scripts/tl_subset.py [path/to/main_api.tl]

The reference file defaults to ``<checkout>/../shared/tl/main_api.tl``. The closure follows
fields (``flags.N?T``, ``Vector<T>``, bare ``%T``/lowercase constructor names) and, for
methods, the result type; a boxed type pulls in every constructor of that type, so any value
the server may send in that position decodes. ``tests/unit/test_tl_schema_files.py`` checks
the output against the reference and that the closure is complete.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = REPO.parent / "shared" / "tl" / "main_api.tl"
OUTPUT = REPO / "python" / "oxigram" / "tl" / "api.tl"

#: What the project uses; everything else comes in through the closure.
ROOTS = [
    # connection wrappers and config
    "invokeWithLayer",
    "initConnection",
    "invokeAfterMsg",
    "invokeAfterMsgs",
    "invokeWithoutUpdates",
    "help.getConfig",
    "help.getNearestDc",
    # logins: bot token, phone code, 2FA, DC migration, temp keys
    "auth.importBotAuthorization",
    "auth.sendCode",
    "auth.signIn",
    "auth.signUp",
    "auth.logOut",
    "auth.exportAuthorization",
    "auth.importAuthorization",
    "auth.bindTempAuthKey",
    "account.getPassword",
    "auth.checkPassword",
    # users, chats, channels, peers
    "users.getUsers",
    "users.getFullUser",
    "messages.getChats",
    "messages.getFullChat",
    "channels.getChannels",
    "channels.getFullChannel",
    "contacts.resolveUsername",
    # messages with entities and inline keyboards
    "messages.sendMessage",
    "messages.editMessage",
    "messages.getMessages",
    "channels.getMessages",
    "messages.deleteMessages",
    "channels.deleteMessages",
    "messages.readHistory",
    "channels.readHistory",
    # the two callback methods
    "messages.setBotCallbackAnswer",
    "messages.getBotCallbackAnswer",
    "messages.editInlineBotMessage",
    # updates and difference
    "updates.getState",
    "updates.getDifference",
    "updates.getChannelDifference",
    "updates",
    "updateBotCallbackQuery",
    "updateInlineBotCallbackQuery",
]

PRIMITIVES = {"int", "long", "double", "string", "bytes", "int128", "int256", "true", "#", "Bool"}
_DECL = re.compile(r"^([A-Za-z0-9_.]+)#([0-9a-fA-F]+)\s(.*)=\s*([^;]+);$")


def _read(path: Path) -> list[tuple[str, str, str, list[str], str]]:
    """(section, name, line, field types, result) for each declaration."""
    out = []
    section = "types"
    for raw in path.read_text(encoding="utf-8").splitlines():
        code = raw.split("//", 1)[0].strip()
        if code in ("---types---", "---functions---"):
            section = code.strip("-")
            continue
        m = _DECL.match(code)
        if m is None:
            continue
        types = []
        for arg in m.group(3).split():
            if ":" not in arg or arg.startswith("{"):
                continue
            t = arg.split(":", 1)[1]
            types.append(t.split("?", 1)[1] if "?" in t else t)
        out.append((section, m.group(1), code, types, m.group(4).strip()))
    return out


def _inner(t: str) -> str:
    t = t.lstrip("!%")
    while True:
        m = re.match(r"^[Vv]ector<(.*)>$", t)
        if m is None:
            return t.lstrip("%")
        t = m.group(1)


def closure(decls: list[tuple[str, str, str, list[str], str]], roots: list[str]) -> set[str]:
    """Names of the roots and of every constructor they reach."""
    by_name = {d[1]: d for d in decls}
    by_type: dict[str, list[str]] = {}
    for section, name, _, _, result in decls:
        if section == "types":
            by_type.setdefault(result, []).append(name)
    seen: set[str] = set()
    done_types: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        if name not in by_name:
            raise SystemExit(f"{name} is not in the reference schema")
        seen.add(name)
        section, _, _, types, result = by_name[name]
        refs = [_inner(t) for t in types]
        if section == "functions":
            refs.append(_inner(result))
        for t in refs:
            if t in PRIMITIVES or (len(t) == 1 and t.isupper()) or t in ("Type", "Object"):
                continue
            if t in by_name and by_name[t][0] == "types" and t[:1].islower():
                stack.append(t)
            elif t in by_type:
                if t not in done_types:
                    done_types.add(t)
                    stack.extend(by_type[t])
            else:
                raise SystemExit(f"{name} references {t}, which nothing provides")
    return seen


def main() -> None:
    ref = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REFERENCE
    decls = _read(ref)
    keep = closure(decls, ROOTS)
    layer = re.search(r"//\s*LAYER\s+(\d+)", ref.read_text(encoding="utf-8"))
    lines = [
        "// oxigram's API schema: the subset of Telegram's API that oxigram uses, closed over",
        "// every type it references. Written by scripts/tl_subset.py from the layer's",
        "// main_api.tl; do not edit by hand. Each line is checked against the reference and",
        "// its CRC32 by tests/unit/test_tl_schema_files.py.",
        "",
        "---types---",
        "",
    ]
    lines += [d[2] for d in decls if d[0] == "types" and d[1] in keep]
    lines += ["", "---functions---", ""]
    lines += [d[2] for d in decls if d[0] == "functions" and d[1] in keep]
    lines += ["", f"// LAYER {layer.group(1) if layer else '?'}", ""]
    OUTPUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"{OUTPUT}: {len(keep)} of {len(decls)} declarations")


if __name__ == "__main__":
    main()

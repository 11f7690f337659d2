"""The object model: one Python class per TL constructor, built from a parsed schema.

Instances keep only the fields that were given (or decoded) in their ``__dict__``; absent
optional fields read as ``None`` and unset true-flags as ``False`` through class-level
defaults, so the codecs (native and pure) create objects without calling ``__init__``.
"""

from __future__ import annotations

import functools
import operator
import sys
import types as _pytypes
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from .. import _backend
from ..errors import TLEncodeError

__all__ = ["Schema", "TLObject", "fill_module", "python_name", "shipped_schema"]

_TEXT_DIR = Path(__file__).resolve().parent


def python_name(tl_name: str) -> tuple[str, str]:
    """``"messages.botCallbackAnswer"`` -> ``("messages", "BotCallbackAnswer")``."""
    ns, _, name = tl_name.rpartition(".")
    return ns, name[:1].upper() + name[1:]


class TLObject:
    """Base of every TL constructor class.

    Keyword construction (``peerUser(user_id=1)``), attribute access, equality, ``repr``,
    :meth:`to_dict` and ``bytes(obj)`` (boxed serialization, flags computed).
    """

    _tl_name: ClassVar[str] = ""
    _tl_id: ClassVar[int] = 0
    _tl_type: ClassVar[str] = ""
    _tl_is_function: ClassVar[bool] = False
    _tl_fields: ClassVar[tuple[str, ...]] = ()
    #: Field name -> TL type as written in the schema (``"InputPeer"``, ``"Vector<long>"``).
    _tl_field_types: ClassVar[dict[str, str]] = {}
    _tl_true: ClassVar[frozenset[str]] = frozenset()
    _tl_optional: ClassVar[frozenset[str]] = frozenset()
    _tl_required: ClassVar[tuple[str, ...]] = ()
    _tl_field_set: ClassVar[frozenset[str]] = frozenset()
    _tl_required_set: ClassVar[frozenset[str]] = frozenset()
    _tl_schema: ClassVar[Schema]
    #: The schema codec's ``encode`` (a plain callable, not a method: ``self._tl_encode(self)``).
    _tl_encode: ClassVar[Callable[[Any], bytes]]

    #: ``None`` for each optional field and ``False`` for each true-flag.
    _tl_defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, /, **fields: Any) -> None:
        # Set operations in C first (the DC and a busy bot build objects per press); the
        # loops only run to name the culprit.
        if not self._tl_field_set.issuperset(fields):
            for key in fields:
                if key not in self._tl_field_set:
                    raise TypeError(f"{self._tl_name}() got an unexpected field {key!r}")
        if not self._tl_required_set <= fields.keys():
            missing = [f for f in self._tl_required if f not in fields]
            raise TypeError(f"{self._tl_name}() is missing required fields: {', '.join(missing)}")
        # Absent optionals are stored too (as their class defaults), so the encoders find
        # every field with one instance-dict lookup instead of a miss plus a class lookup.
        values = self.__dict__
        values.update(self._tl_defaults)
        values.update(fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f, None) == getattr(other, f, None) for f in self._tl_fields)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def _present(self) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        for f in self._tl_fields:
            v = getattr(self, f, None)
            if f in self._tl_true:
                if v:
                    out.append((f, True))
            elif v is not None or f not in self._tl_optional:
                out.append((f, v))
        return out

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._present())
        return f"{self._tl_name}({inner})"

    def to_dict(self) -> dict[str, Any]:
        """``{"_": name, field: value, ...}``: absent optionals are left out, set true-flags
        are ``True``, nested objects are dicts too."""
        d: dict[str, Any] = {"_": self._tl_name}
        for k, v in self._present():
            d[k] = _plain(v)
        return d

    def __bytes__(self) -> bytes:
        # Replaced in each generated class by the codec's ``bytes_method()``: a native method
        # descriptor (no Python frame) or the pure codec's closure over its ``encode``.
        return type(self)._tl_encode(self)


def _plain(v: Any) -> Any:
    if isinstance(v, TLObject):
        return v.to_dict()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


class Schema:
    """A loaded schema: its codec (native or pure, per ``oxigram.backend``) and classes.

    ``Schema(text)`` parses the text and checks every constructor id against its CRC32.
    ``codec`` (a module with a ``TLCodec`` class, e.g. ``oxigram._backend.load("python").tl``)
    overrides the backend picked at import; the parity tests and benchmarks use it.
    ``schema["messages.botCallbackAnswer"]`` is the class of that constructor.
    """

    def __init__(self, text: str, *, module: str = "oxigram.tl", codec: Any = None) -> None:
        self._codec = (codec if codec is not None else _backend.selected.tl).TLCodec(text)
        self.layer: int = self._codec.layer
        self._by_name: dict[str, type[TLObject]] = {}
        self.types = _pytypes.SimpleNamespace()
        self.functions = _pytypes.SimpleNamespace()
        self._bytes = self._codec.bytes_method()
        classes = []
        for cid, name, is_function, fields, result in self._codec.constructors():
            cls = self._make_class(module, cid, name, is_function, fields, result)
            classes.append(cls)
            self._by_name[name] = cls
        self._codec.bind(classes)

    def _make_class(
        self,
        module: str,
        cid: int,
        name: str,
        is_function: bool,
        fields: list[tuple[str, str, str, int]],
        result: str,
    ) -> type[TLObject]:
        ns, pyname = python_name(name)
        names = tuple(f[0] for f in fields if f[1] != "#")
        required = tuple(f[0] for f in fields if not f[2] and f[1] != "#")
        attrs: dict[str, Any] = {
            "_tl_name": name,
            "_tl_id": cid,
            "_tl_type": result,
            "_tl_is_function": is_function,
            "_tl_fields": names,
            "_tl_field_types": {f[0]: f[1] for f in fields if f[1] != "#"},
            "_tl_true": frozenset(f[0] for f in fields if f[1] == "true"),
            "_tl_optional": frozenset(f[0] for f in fields if f[2]),
            "_tl_required": required,
            "_tl_field_set": frozenset(names),
            "_tl_required_set": frozenset(required),
            "_tl_schema": self,
            "_tl_encode": self._codec.encode,
            "__bytes__": self._bytes,
        }
        defaults = {
            fname: False if ftype == "true" else None for fname, ftype, flag, _ in fields if flag
        }
        attrs.update(defaults)
        attrs["_tl_defaults"] = defaults
        where = "functions" if is_function else "types"
        attrs["__module__"] = f"{module}.{where}"
        attrs["__qualname__"] = f"{ns}.{pyname}" if ns else pyname
        cls = type(pyname, (TLObject,), attrs)
        space = self.functions if is_function else self.types
        if ns:
            if not hasattr(space, ns):
                setattr(space, ns, _pytypes.SimpleNamespace())
            space = getattr(space, ns)
        setattr(space, pyname, cls)
        return cls

    def __getitem__(self, name: str) -> type[TLObject]:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def names(self) -> list[str]:
        """Every constructor and method name, in schema order."""
        return list(self._by_name)

    def dumps(self, obj: TLObject) -> bytes:
        """Serializes ``obj`` boxed (constructor id first, flags computed)."""
        return self._codec.encode(obj)  # type: ignore[no-any-return]

    def loads(self, data: bytes | bytearray | memoryview, *, exact: bool = True) -> Any:
        """Decodes one boxed value; with ``exact``, trailing bytes are an error."""
        return self._codec.decode(data, exact)

    def loads_prefix(
        self, data: bytes | bytearray | memoryview, offset: int = 0
    ) -> tuple[Any, int]:
        """Decodes one boxed value at ``offset``; returns ``(value, offset after it)``."""
        return self._codec.decode_prefix(data, offset)  # type: ignore[no-any-return]

    def from_dict(self, d: Mapping[str, Any]) -> TLObject:
        """Builds an object from ``{"_": name, field: value}``; nested dicts with ``"_"``
        become objects too (MadelineProto's convention)."""
        name = d.get("_")
        if not isinstance(name, str) or name not in self._by_name:
            raise TLEncodeError(f"from_dict: unknown constructor {name!r}")
        cls = self._by_name[name]
        kwargs = {k: self._from_value(v) for k, v in d.items() if k != "_"}
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise TLEncodeError(f"from_dict: {exc}") from None

    def _from_value(self, v: Any) -> Any:
        if isinstance(v, Mapping) and "_" in v:
            return self.from_dict(v)
        if isinstance(v, (list, tuple)):
            return [self._from_value(x) for x in v]
        return v


def shipped_text() -> str:
    """The text of the shipped schema: ``mtproto.tl`` followed by ``api.tl``."""
    return "\n".join((_TEXT_DIR / f).read_text(encoding="utf-8") for f in ("mtproto.tl", "api.tl"))


@functools.cache
def shipped_schema() -> Schema:
    """The shipped schema, loaded once (``oxigram.tl.schema``)."""
    return Schema(shipped_text())


def fill_module(module: str, space: _pytypes.SimpleNamespace) -> None:
    """Fills the (imported) package ``module`` with the classes of ``space`` (a ``Schema``'s
    ``types`` or ``functions``): namespaces become submodules registered in ``sys.modules``
    (``import oxigram.tl.types.messages`` works), and ``TypeX`` names resolve to the union of
    the constructors of boxed type ``X`` (what the generated stubs declare)."""
    _fill(sys.modules[module], space, "")


def _fill(mod: _pytypes.ModuleType, space: _pytypes.SimpleNamespace, ns: str) -> None:
    by_type: dict[str, list[type[TLObject]]] = {}
    for key, value in vars(space).items():
        if isinstance(value, _pytypes.SimpleNamespace):
            sub = _pytypes.ModuleType(f"{mod.__name__}.{key}", f"``{key}.*`` classes.")
            _fill(sub, value, key)
            sys.modules[sub.__name__] = sub
            setattr(mod, key, sub)
        else:
            setattr(mod, key, value)
            if not value._tl_is_function:
                by_type.setdefault(value._tl_type, []).append(value)

    def __getattr__(name: str) -> Any:  # noqa: N807  # module __getattr__ (PEP 562)
        tl_type = (f"{ns}." if ns else "") + name[4:]
        if name.startswith("Type") and tl_type.rpartition(".")[2] and tl_type in by_type:
            alias: Any = functools.reduce(operator.or_, by_type[tl_type])  # A | B | ...
            setattr(mod, name, alias)
            return alias
        raise AttributeError(f"module {mod.__name__!r} has no attribute {name!r}")

    mod.__getattr__ = __getattr__  # type: ignore[method-assign]

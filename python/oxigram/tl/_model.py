"""The object model: one Python class per TL constructor, built from a parsed schema.

Instances keep only the fields that were given (or decoded) in their ``__dict__``; absent
optional fields read as ``None`` and unset true-flags as ``False`` through class-level
defaults, so the codecs (native and pure) create objects without calling ``__init__``.
"""

from __future__ import annotations

import functools
import operator
import sys
import threading
import types as _pytypes
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from .. import _backend
from .._schema_index import find_index
from ..errors import TLEncodeError

__all__ = [
    "DECODE_MAX_ELEMENTS",
    "DECODE_MAX_INFLATED",
    "Schema",
    "TLObject",
    "fill_module",
    "python_name",
    "shipped_schema",
]

#: The decode budget of one message, the defaults of both backends' ``TLCodec.decode``
#: (sized on Telegram's largest answers; the reasoning is in ``rust/core/src/tl/codec.rs``):
#: bytes all of its ``gzip_packed`` may unpack to, together...
DECODE_MAX_INFLATED = 16 * 1024 * 1024
#: ...and elements it may build: an object costs one plus its constructor's fields (flag
#: words excepted), a vector item one. Beyond either: ``LimitExceededError``, raised as the
#: input is read, before anything is allocated for what is over.
DECODE_MAX_ELEMENTS = 1_000_000

_TEXT_DIR = Path(__file__).resolve().parent
#: Held while a schema compiles its codec or makes a class without one (see Schema._codec).
_COMPILING = threading.RLock()


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
    #: ``(id, name, is_function, fields, result)`` as the schema declares the constructor
    #: (``TLCodec.constructor``): another schema's codec compares it with its own to encode
    #: this class's objects (``_native.pyi``, ``TLCodec.encode``).
    _tl_declaration: ClassVar[tuple[int, str, bool, tuple[tuple[str, str, str, int], ...], str]]
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

    Classes are made on first use: by name (``schema[name]``, ``schema.types.X``), or by the
    codec when it first decodes their id. A full layer has ~2,500 constructors, and a program
    meets a few dozen; each class is made once, so identity and equality are as if all had
    been made up front.

    The shipped schema's text is read through its index (:mod:`oxigram._schema_index`,
    checked when it was written): the names at once, a declaration when its class is made,
    and the codec is compiled on the first encode or decode (``_codec``), so that importing
    the whole layer costs a few milliseconds. Any other text is parsed, checked and compiled
    here, and its errors raised here.
    """

    def __init__(self, text: str, *, module: str = "oxigram.tl", codec: Any = None) -> None:
        self._text = text
        self._codec_module = codec
        self._module = module
        #: Classes made before the codec was compiled, by constructor index: the codec adopts
        #: them (its factory hands them over) and they get its encoder then (_adopt).
        self._early: dict[int, type[TLObject]] = {}
        self._first_encode = _first_encoder(self)
        index = find_index(text)
        if index is None:
            compiled = self._compile()  # parse and check now: errors belong to the caller
            self.layer: int = compiled.layer
            # (id, name, is_function, result) per constructor; the fields are read when the
            # class is made.
            self._heads: list[tuple[int, str, bool, str]] = compiled.headers()
            self._declaration: Callable[[int], Any] = compiled.constructor
            self._bind(compiled)
        else:
            self.layer = index.layer
            self._heads = index.headers
            self._declaration = index.declaration
        self._index: dict[str, int] = {h[1]: i for i, h in enumerate(self._heads)}
        self._by_name: dict[str, type[TLObject]] = _ClassCache(self)
        self._spaces: dict[tuple[bool, str], _Space] | None = None
        self._by_id: dict[int, str] | None = None
        #: ``types.messages.BotCallbackAnswer``, ``types.TypeInputPeer`` (made on access).
        self.types = Namespace(self, False, "")
        #: ``functions.messages.SetBotCallbackAnswer`` (made on access).
        self.functions = Namespace(self, True, "")

    def _compile(self) -> Any:
        module = self._codec_module if self._codec_module is not None else _backend.selected.tl
        return module.TLCodec(self._text)

    @functools.cached_property
    def _codec(self) -> Any:
        """The codec (native or pure ``TLCodec``), compiled on first use for a schema read
        through its index; an instance attribute from then on."""
        with _COMPILING:
            compiled = self.__dict__.get("_codec")
            if compiled is None:  # not made by another thread meanwhile
                compiled = self._compile()
                self._bind(compiled)
        return compiled

    def _bind(self, compiled: Any) -> None:
        """Makes ``compiled`` this schema's codec, with the classes made so far."""
        self._encode = compiled.encode
        self._bytes = compiled.bytes_method()
        self.__dict__["_codec"] = compiled  # before bind: the classes made from now use it
        compiled.bind(self._adopt)
        for cls in self._early.values():
            cls._tl_encode = self._encode
            cls.__bytes__ = self._bytes  # type: ignore[method-assign]

    def _adopt(self, index: int) -> type[TLObject]:
        """The class factory given to the codec: a class made before it, or a new one."""
        early = self._early.get(index)
        return early if early is not None else self._make_class(index)

    def _class_of(self, index: int) -> type[TLObject]:
        """The class of constructor ``index``, made once (by the codec when there is one)."""
        compiled = self.__dict__.get("_codec")
        if compiled is None:
            with _COMPILING:
                compiled = self.__dict__.get("_codec")
                if compiled is None:
                    cls = self._early.get(index)
                    if cls is None:
                        cls = self._early[index] = self._make_class(index)
                    return cls
        made: type[TLObject] = compiled.class_of(index)
        return made

    def _make_class(self, index: int) -> type[TLObject]:
        """Makes the class of constructor ``index`` (once: see :meth:`_class_of`)."""
        cid, name, is_function, fields, result = self._declaration(index)
        ns, pyname = python_name(name)
        # One pass over the fields (classes are made at import too): a # field is no
        # attribute, a flagged one is optional (a true-flag defaults to False, others to None).
        field_types: dict[str, str] = {}
        required: list[str] = []
        optional: list[str] = []
        defaults: dict[str, Any] = {}
        for fname, ftype, flag, _ in fields:
            if ftype == "#":
                continue
            field_types[fname] = ftype
            if flag:
                optional.append(fname)
                defaults[fname] = False if ftype == "true" else None
            else:
                required.append(fname)
        names = tuple(field_types)
        attrs: dict[str, Any] = {
            "_tl_name": name,
            "_tl_id": cid,
            "_tl_type": result,
            "_tl_is_function": is_function,
            "_tl_fields": names,
            "_tl_field_types": field_types,
            "_tl_true": frozenset(f for f, v in defaults.items() if v is False),
            "_tl_optional": frozenset(optional),
            "_tl_required": tuple(required),
            "_tl_field_set": frozenset(names),
            "_tl_required_set": frozenset(required),
            "_tl_schema": self,
            "_tl_declaration": (cid, name, is_function, tuple(map(tuple, fields)), result),
        }
        if "_codec" in self.__dict__:
            attrs["_tl_encode"] = self._encode
            attrs["__bytes__"] = self._bytes
        else:  # until the codec is compiled (then _bind gives the class the codec's own)
            attrs["_tl_encode"] = staticmethod(self._first_encode)
            attrs["__bytes__"] = self._first_encode
        attrs.update(defaults)
        attrs["_tl_defaults"] = defaults
        where = "functions" if is_function else "types"
        attrs["__module__"] = f"{self._module}.{where}"
        attrs["__qualname__"] = f"{ns}.{pyname}" if ns else pyname
        return type(pyname, (TLObject,), attrs)

    def __getitem__(self, name: str) -> type[TLObject]:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def names(self) -> list[str]:
        """Every constructor and method name, in schema order."""
        return list(self._index)

    def namespaces(self, is_function: bool) -> list[str]:
        """The namespaces of ``functions`` (or ``types``): ``["account", "auth", ...]``."""
        found = {h[1].rpartition(".")[0] for h in self._heads if h[2] is is_function}
        if not is_function:  # a boxed type's TypeX alias lives in the type's namespace
            found.update(h[3].rpartition(".")[0] for h in self._heads if not h[2])
        found.discard("")
        return sorted(found)

    def _space(self, is_function: bool, ns: str) -> _Space:
        """The names of one namespace (``types.messages``...), indexed on first need."""
        if self._spaces is None:
            spaces: dict[tuple[bool, str], _Space] = {}
            for i, (_, name, fn, result) in enumerate(self._heads):
                ns_, pyname = python_name(name)
                space = spaces.get((fn, ns_))
                if space is None:
                    space = spaces[fn, ns_] = _Space()
                    if ns_:
                        root = spaces.get((fn, ""))
                        if root is None:
                            root = spaces[fn, ""] = _Space()
                        root.subspaces.append(ns_)
                space.classes[pyname] = name
                if not fn:
                    t_ns, t_name = python_name(result)
                    alias = spaces.get((fn, t_ns))
                    if alias is None:
                        alias = spaces[fn, t_ns] = _Space()
                        if t_ns:
                            spaces.setdefault((fn, ""), _Space()).subspaces.append(t_ns)
                    alias.aliases.setdefault("Type" + t_name, []).append(i)
            self._spaces = spaces
        return self._spaces.get((is_function, ns)) or _Space()

    def _class_name(self, is_function: bool, ns: str, pyname: str) -> str | None:
        """The TL name of class ``pyname`` of namespace ``ns`` (what :meth:`_space` would
        say), found without indexing every namespace: only a name whose first letter is
        lower or upper case turns into ``pyname`` (the later one in the schema wins, as in
        the index). ``None`` when neither is there: the caller asks the index."""
        prefix = f"{ns}." if ns else ""
        found = -1
        for tl_name in {prefix + pyname[:1].lower() + pyname[1:], prefix + pyname}:
            i = self._index.get(tl_name, -1)
            if (
                i > found
                and self._heads[i][2] is is_function
                and python_name(tl_name) == (ns, pyname)
            ):
                found = i
        return self._heads[found][1] if found >= 0 else None

    def name_of_id(self, constructor_id: int) -> str | None:
        """The name of constructor or method ``constructor_id`` (unsigned), ``None`` when
        the schema has none (built on first use: only diagnostics need it)."""
        if self._by_id is None:
            self._by_id = {h[0]: h[1] for h in self._heads}
        return self._by_id.get(constructor_id)

    def dumps(self, obj: TLObject) -> bytes:
        """Serializes ``obj`` boxed (constructor id first, flags computed)."""
        return self._codec.encode(obj)  # type: ignore[no-any-return]

    def loads(
        self,
        data: bytes | bytearray | memoryview,
        *,
        exact: bool = True,
        max_inflated: int = DECODE_MAX_INFLATED,
        max_elements: int = DECODE_MAX_ELEMENTS,
    ) -> Any:
        """Decodes one boxed value; with ``exact``, trailing bytes are an error. The decode
        budget (``max_inflated``, ``max_elements``) is ``TLCodec.decode``'s."""
        if max_inflated == DECODE_MAX_INFLATED and max_elements == DECODE_MAX_ELEMENTS:
            return self._codec.decode(data, exact)  # the common call, without keywords
        return self._codec.decode(data, exact, max_inflated=max_inflated, max_elements=max_elements)

    def loads_prefix(
        self,
        data: bytes | bytearray | memoryview,
        offset: int = 0,
        *,
        max_inflated: int = DECODE_MAX_INFLATED,
        max_elements: int = DECODE_MAX_ELEMENTS,
    ) -> tuple[Any, int]:
        """Decodes one boxed value at ``offset``; returns ``(value, offset after it)``."""
        if max_inflated == DECODE_MAX_INFLATED and max_elements == DECODE_MAX_ELEMENTS:
            return self._codec.decode_prefix(data, offset)  # type: ignore[no-any-return]
        return self._codec.decode_prefix(  # type: ignore[no-any-return]
            data, offset, max_inflated=max_inflated, max_elements=max_elements
        )

    def from_dict(self, d: Mapping[str, Any]) -> TLObject:
        """Builds an object from ``{"_": name, field: value}``; nested dicts with ``"_"``
        become objects too (MadelineProto's convention)."""
        name = d.get("_")
        if not isinstance(name, str) or name not in self._index:
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


def _first_encoder(schema: Schema) -> Callable[[Any], bytes]:
    """What a class made before its schema's codec has as its encoder and ``__bytes__``:
    encodes with the codec, compiling it (a plain function, so that it binds as a method)."""

    def encode(obj: Any) -> bytes:
        return schema._codec.encode(obj)  # type: ignore[no-any-return]

    return encode


class _ClassCache(dict[str, "type[TLObject]"]):
    """name -> class of one schema; a miss asks the codec, which makes the class once."""

    def __init__(self, schema: Schema) -> None:
        super().__init__()
        self._schema = schema

    def __missing__(self, name: str) -> type[TLObject]:
        schema = self._schema
        cls = schema._class_of(schema._index[name])
        self[name] = cls
        return cls


class _Space:
    """The names of one namespace of a schema's ``types`` or ``functions``."""

    __slots__ = ("aliases", "classes", "subspaces")

    def __init__(self) -> None:
        #: Python name -> TL name (``BotCallbackAnswer`` -> ``messages.botCallbackAnswer``).
        self.classes: dict[str, str] = {}
        #: ``TypeX`` -> indices of the constructors of boxed type ``X`` (types only).
        self.aliases: dict[str, list[int]] = {}
        #: Namespaces under the root (``messages``, ``auth``...); empty elsewhere.
        self.subspaces: list[str] = []


class Namespace:
    """``schema.types`` / ``schema.functions`` and their namespaces (``types.messages``):
    attribute access makes (once) and returns the class; ``TypeX`` names the union of the
    constructors of boxed type ``X`` (what the generated stubs declare)."""

    def __init__(self, schema: Schema, is_function: bool, ns: str) -> None:
        self._schema = schema
        self._is_function = is_function
        self._ns = ns

    def lookup(self, name: str) -> Any:
        """The class, namespace or ``TypeX`` alias called ``name`` here; ``AttributeError``
        if there is none."""
        tl_name = self._schema._class_name(self._is_function, self._ns, name)
        if tl_name is not None:
            return self._schema[tl_name]
        space = self._schema._space(self._is_function, self._ns)
        if name in space.subspaces:
            return Namespace(self._schema, self._is_function, name)
        members = space.aliases.get(name)
        if members is not None:
            return functools.reduce(  # A | B | ...
                operator.or_, (self._schema._class_of(i) for i in members)
            )
        raise AttributeError(name)

    def names(self) -> list[str]:
        """Every name :meth:`lookup` knows here."""
        space = self._schema._space(self._is_function, self._ns)
        return [*space.subspaces, *space.classes, *space.aliases]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = self.lookup(name)
        setattr(self, name, value)  # later lookups skip this method
        return value

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.names()))


def shipped_text() -> str:
    """The text of the shipped schema: ``mtproto.tl`` followed by ``api.tl``."""
    return "\n".join((_TEXT_DIR / f).read_text(encoding="utf-8") for f in ("mtproto.tl", "api.tl"))


@functools.cache
def shipped_schema() -> Schema:
    """The shipped schema, loaded once (``oxigram.tl.schema``)."""
    return Schema(shipped_text())


def fill_module(module: str, space: Namespace) -> None:
    """Makes the (imported) package ``module`` serve the names of ``space`` (a ``Schema``'s
    ``types`` or ``functions``): namespaces become submodules registered in ``sys.modules``
    (``import oxigram.tl.types.messages`` works), and classes and ``TypeX`` aliases are made
    on first access (module ``__getattr__``, PEP 562), then kept as module attributes."""
    _fill(sys.modules[module], space)


def _fill(mod: _pytypes.ModuleType, space: Namespace) -> None:
    if not space._ns:
        for key in space._schema.namespaces(space._is_function):
            sub = _pytypes.ModuleType(f"{mod.__name__}.{key}", f"``{key}.*`` classes.")
            _fill(sub, Namespace(space._schema, space._is_function, key))
            sys.modules[sub.__name__] = sub
            setattr(mod, key, sub)

    def __getattr__(name: str) -> Any:  # noqa: N807  # module __getattr__ (PEP 562)
        try:
            value = space.lookup(name)
        except AttributeError:
            raise AttributeError(f"module {mod.__name__!r} has no attribute {name!r}") from None
        setattr(mod, name, value)
        return value

    def __dir__() -> list[str]:  # noqa: N807  # module __dir__ (PEP 562)
        return sorted(set(vars(mod)) | set(space.names()))

    mod.__getattr__ = __getattr__  # type: ignore[method-assign]
    mod.__dir__ = __dir__  # type: ignore[method-assign]

//! Bindings of `oxigram_core::tl`: the codec's [`Builder`] and [`Source`] over Python
//! objects, so one call decodes or encodes a whole message.
//!
//! Decoding creates instances of the classes made by the factory given to `TLCodec.bind`
//! without running their `__init__` (through the class's `tp_new` with no arguments) and sets
//! only the present fields; absent optionals come from class-level defaults. A class is made
//! on first use (a decode of its id, or `class_of`), so a layer of ~2,500 constructors costs
//! nothing at import for the classes a program never meets.

use std::borrow::Cow;
use std::cell::{Cell, UnsafeCell};
use std::sync::OnceLock;

use oxigram_core::error::Error as CoreError;
use oxigram_core::tl::codec::{Builder, Foreign, IdMap, Source, Text};
use oxigram_core::tl::{
    parse_schema, Codec, Constructor, Field, Limits, Schema, MAX_ELEMENTS, MAX_INFLATED,
};
use pyo3::exceptions::PyAttributeError;
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

use crate::args::{type_name, wrong_type, Buffer};
use crate::errors::{guard, Error, Result};
use crate::tl_fast::Fast;

/// `(id, name, is_function, fields, result)`, fields as `(name, type, flag word, bit)`.
fn describe_ctor<'py>(py: Python<'py>, c: &Constructor) -> PyResult<Bound<'py, PyAny>> {
    let fields = PyList::empty(py);
    for f in &c.fields {
        // Interned, like the encoder's keys: the instance dicts built from these names then
        // hit on a pointer compare.
        let name = PyString::intern(py, &f.name);
        fields.append((name, f.ty.as_str(), f.flag.as_str(), f.bit))?;
    }
    Ok((
        c.id,
        c.name.as_str(),
        c.is_function,
        fields,
        c.result.as_str(),
    )
        .into_pyobject(py)?
        .into_any())
}

fn describe(py: Python<'_>, schema: &Schema) -> PyResult<Py<PyAny>> {
    let items = PyList::empty(py);
    for c in &schema.constructors {
        items.append(describe_ctor(py, c)?)?;
    }
    Ok((schema.layer, items).into_pyobject(py)?.into_any().unbind())
}

thread_local! {
    /// The encode output buffer of this thread.
    static OUT: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// Largest encode buffer kept for the next call.
const KEEP_BUFFER: usize = 64 * 1024;

/// Runs `f` on this thread's encode buffer, emptied; the buffer is kept for the next call
/// unless it grew large. A nested call (Python code run during an encode encoding again)
/// gets a fresh one.
fn with_out_buffer<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut out = OUT.take();
    out.clear();
    let result = f(&mut out);
    if out.capacity() <= KEEP_BUFFER {
        OUT.set(out);
    }
    result
}

/// A class made by the factory, with its `tp_new`.
struct Slot {
    cls: Py<PyType>,
    new_fn: ffi::newfunc,
}

/// Class (type pointer) -> constructor index, filled as the factory makes classes. Only
/// touched with the GIL held, and never borrowed across a call into Python code (a lookup
/// copies the value out), so an insert while an encode is running is sound.
#[derive(Default)]
pub(crate) struct ClassIndex(UnsafeCell<IdMap<usize, usize>>);

// SAFETY: every access holds the GIL (see the type's comment), which serializes them.
unsafe impl Sync for ClassIndex {}

impl ClassIndex {
    /// The constructor of the class at `ty` (a type pointer), if the factory made it.
    pub(crate) fn get(&self, ty: usize) -> Option<usize> {
        // SAFETY: GIL held by every caller; the borrow ends before this returns.
        unsafe { (*self.0.get()).get(&ty).copied() }
    }

    fn insert(&self, _py: Python<'_>, ty: usize, ctor: usize) {
        // SAFETY: the GIL is held (the token) and no other borrow outlives a call.
        unsafe { (*self.0.get()).insert(ty, ctor) };
    }
}

/// The factory given to `bind` and the classes it made so far.
struct Classes {
    factory: Py<PyAny>,
    slots: Vec<OnceLock<Slot>>,
    names: Vec<Vec<Py<PyString>>>,
    index: ClassIndex,
    empty: Py<PyTuple>,
    /// The codec object's pointer, as registered for the native `__bytes__`.
    owner: usize,
}

impl Classes {
    /// The class of constructor `ctor`, made by the factory (and registered) on first use.
    fn slot(&self, py: Python<'_>, ctor: usize) -> Result<&Slot> {
        if let Some(slot) = self.slots[ctor].get() {
            return Ok(slot);
        }
        let made = self.factory.bind(py).call1((ctor,))?;
        let Ok(cls) = made.cast_into::<PyType>() else {
            return Err(Error::from(CoreError::TlSchema(format!(
                "the class factory returned no class for constructor {ctor}"
            ))));
        };
        // SAFETY: a valid type object; Py_tp_new of a heap type is its tp_new.
        let new_fn = unsafe { ffi::PyType_GetSlot(cls.as_type_ptr(), ffi::Py_tp_new) };
        if new_fn.is_null() {
            return Err(Error::from(CoreError::TlSchema(format!(
                "class {} cannot be instantiated",
                type_name(cls.as_any())
            ))));
        }
        // SAFETY: the Py_tp_new slot holds a newfunc.
        let new_fn = unsafe { std::mem::transmute::<*mut std::ffi::c_void, ffi::newfunc>(new_fn) };
        let key = cls.as_ptr() as usize;
        // A factory that re-entered the codec for the same constructor set it first: keep that.
        if self.slots[ctor]
            .set(Slot {
                cls: cls.unbind(),
                new_fn,
            })
            .is_ok()
        {
            self.index.insert(py, key, ctor);
            with_registry(py, |m| {
                m.insert(key, (self.owner, ctor));
            });
        }
        Ok(self.slots[ctor].get().expect("the slot was set above"))
    }
}

/// Class (type pointer) -> the `TLCodec` object (pointer) that bound it and the class's
/// constructor index, for the native `__bytes__`. Only touched with the GIL held (the module
/// is built for GIL-enabled CPython: abi3, which free-threaded CPython does not load), and
/// never borrowed across a call into Python code.
struct Registry(UnsafeCell<Option<IdMap<usize, (usize, usize)>>>);

// SAFETY: every access goes through `with_registry`, which needs a `Python` token, i.e. the GIL
// serializes all accesses.
unsafe impl Sync for Registry {}

static REGISTRY: Registry = Registry(UnsafeCell::new(None));

fn with_registry<R>(_py: Python<'_>, f: impl FnOnce(&mut IdMap<usize, (usize, usize)>) -> R) -> R {
    // SAFETY: the GIL is held (the token), `f` runs no Python code, so no other reference to
    // the map exists while it runs.
    let map = unsafe { &mut *REGISTRY.0.get() };
    f(map.get_or_insert_with(IdMap::default))
}

/// `__bytes__` of the generated classes: the descriptor of [`crate::tl_method`] calls this
/// function, so `bytes(obj)` runs no Python frame. The codec is found by the exact class of `obj`; for
/// anything else (a subclass) it calls `type(obj)._tl_encode(obj)` like the pure backend.
unsafe extern "C" fn tl_bytes(
    slf: *mut ffi::PyObject,
    _args: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    let run = std::panic::AssertUnwindSafe(|| {
        // SAFETY: CPython calls this with the GIL held and a live `slf`.
        let py = unsafe { Python::assume_attached() };
        let obj = unsafe { Bound::from_borrowed_ptr(py, slf) };
        let ty = unsafe { ffi::Py_TYPE(slf) } as usize;
        let result = guard(py, || match with_registry(py, |m| m.get(&ty).copied()) {
            Some((codec, ctor)) => {
                // SAFETY: a registered pointer is a live TLCodec (its Drop unregisters it);
                // the new reference keeps it alive during the call (a nested dict being
                // created can run the GC, hence finalizers, even on the fast path).
                let codec = unsafe { Bound::from_borrowed_ptr(py, codec as *mut ffi::PyObject) };
                let codec = unsafe { codec.cast_unchecked::<TLCodec>() };
                codec
                    .get()
                    .encode_as(py, &obj, Some(ctor))
                    .map(Bound::into_any)
            }
            None => Ok(obj
                .get_type()
                .getattr("_tl_encode")
                .and_then(|encode| encode.call1((&obj,)))?),
        })
        .map_err(PyErr::from);
        match result {
            Ok(b) => b.into_ptr(),
            Err(e) => {
                e.restore(py);
                std::ptr::null_mut()
            }
        }
    });
    std::panic::catch_unwind(run).unwrap_or_else(|_| {
        // SAFETY: the GIL is held (see above).
        let py = unsafe { Python::assume_attached() };
        pyo3::exceptions::PySystemError::new_err("panic in TL __bytes__").restore(py);
        std::ptr::null_mut()
    })
}

/// A TL codec over one schema; see `_native.pyi`.
#[pyclass(name = "TLCodec", module = "oxigram._native", frozen)]
pub struct TLCodec {
    codec: Codec,
    /// Set once by `bind`.
    classes: OnceLock<Classes>,
}

impl Drop for TLCodec {
    fn drop(&mut self) {
        if let Some(cls) = self.classes.get() {
            Python::attach(|py| {
                let owner = cls.owner;
                with_registry(py, |m| {
                    for slot in cls.slots.iter().filter_map(OnceLock::get) {
                        let key = slot.cls.as_ptr() as usize;
                        if m.get(&key).is_some_and(|(codec, _)| *codec == owner) {
                            m.remove(&key);
                        }
                    }
                });
            });
        }
    }
}

/// An object being decoded: whether its class stores attributes the default way
/// (`tp_setattro` is `PyObject_GenericSetAttr`: no `__setattr__` anywhere in its MRO), and
/// its field names.
struct Decoded<'a, 'py> {
    obj: Bound<'py, PyAny>,
    generic: bool,
    /// The constructor's field names, looked up once per object rather than once per field.
    names: &'a [Py<PyString>],
}

struct PyBuilder<'a, 'py> {
    py: Python<'py>,
    cls: &'a Classes,
}

impl<'a, 'py> Builder for PyBuilder<'a, 'py> {
    type Value = Bound<'py, PyAny>;
    type Object = Decoded<'a, 'py>;
    type Error = Error;

    // The values are made through the C API with the null check, not pyo3's constructors,
    // which panic when a Python allocation fails: a decode out of memory is a `MemoryError`.
    fn int(&mut self, v: i32) -> Result<Self::Value> {
        // SAFETY: plain C API constructors; a null result is turned into the pending error.
        owned(self.py, unsafe { ffi::PyLong_FromLong(v.into()) })
    }
    fn long(&mut self, v: i64) -> Result<Self::Value> {
        owned(self.py, unsafe { ffi::PyLong_FromLongLong(v) })
    }
    fn double(&mut self, v: f64) -> Result<Self::Value> {
        owned(self.py, unsafe { ffi::PyFloat_FromDouble(v) })
    }
    fn big(&mut self, le: &[u8]) -> Result<Self::Value> {
        if let Ok(b) = <[u8; 16]>::try_from(le) {
            return Ok(i128::from_le_bytes(b).into_pyobject(self.py)?.into_any());
        }
        let kwargs = PyDict::new(self.py);
        kwargs.set_item("signed", true)?;
        let int = self.py.get_type::<PyInt>();
        Ok(int.call_method(
            "from_bytes",
            (PyBytes::new(self.py, le), "little"),
            Some(&kwargs),
        )?)
    }
    fn string(&mut self, raw: &[u8]) -> Result<Self::Value> {
        // Same replacement rule as Python's bytes.decode("utf-8", "replace").
        let ptr = unsafe {
            ffi::PyUnicode_DecodeUTF8(
                raw.as_ptr().cast(),
                raw.len() as ffi::Py_ssize_t,
                c"replace".as_ptr(),
            )
        };
        Ok(unsafe { Bound::from_owned_ptr_or_err(self.py, ptr) }?)
    }
    fn bytes(&mut self, raw: &[u8]) -> Result<Self::Value> {
        // SAFETY: `raw` is a live slice of `raw.len()` bytes (below 2^24, a TL length).
        owned(self.py, unsafe {
            ffi::PyBytes_FromStringAndSize(raw.as_ptr().cast(), raw.len() as ffi::Py_ssize_t)
        })
    }
    fn boolean(&mut self, v: bool) -> Result<Self::Value> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn vector(&mut self, items: Vec<Self::Value>) -> Result<Self::Value> {
        // SAFETY: a new list of `items.len()` empty slots, each filled once with a reference
        // it takes over (`into_ptr`), as `PyList_SetItem` steals it.
        let list = owned(self.py, unsafe {
            ffi::PyList_New(items.len() as ffi::Py_ssize_t)
        })?;
        for (i, item) in items.into_iter().enumerate() {
            unsafe { ffi::PyList_SetItem(list.as_ptr(), i as ffi::Py_ssize_t, item.into_ptr()) };
        }
        Ok(list)
    }
    fn begin(&mut self, ctor: usize) -> Result<Self::Object> {
        let slot = self.cls.slot(self.py, ctor)?;
        let cls = slot.cls.bind(self.py);
        let empty = self.cls.empty.bind(self.py);
        // SAFETY: tp_new of a heap type called with its own type, an empty args tuple and no
        // kwargs, exactly what `cls.__new__(cls)` does.
        let ptr = unsafe { (slot.new_fn)(cls.as_type_ptr(), empty.as_ptr(), std::ptr::null_mut()) };
        let obj = unsafe { Bound::from_owned_ptr_or_err(self.py, ptr) }?;
        // Read per object, not cached in the slot: assigning `cls.__setattr__` later changes it.
        // SAFETY: a valid type object; Py_tp_setattro is a slot every type has.
        let setattro = unsafe { ffi::PyType_GetSlot(cls.as_type_ptr(), ffi::Py_tp_setattro) };
        let generic = setattro == ffi::PyObject_GenericSetAttr as *mut std::ffi::c_void;
        Ok(Decoded {
            obj,
            generic,
            names: &self.cls.names[ctor],
        })
    }
    fn set(
        &mut self,
        obj: &mut Self::Object,
        _ctor: usize,
        field: usize,
        v: Self::Value,
    ) -> Result<()> {
        let name = obj.names[field].bind(self.py);
        let (o, n, v) = (obj.obj.as_ptr(), name.as_ptr(), v.as_ptr());
        // SAFETY: live objects and an exact (interned) str name. With the default
        // `tp_setattro`, calling it directly is what `PyObject_SetAttr` would do after its
        // checks of the name, which an interned str passes.
        let rc = unsafe {
            if obj.generic {
                ffi::PyObject_GenericSetAttr(o, n, v)
            } else {
                ffi::PyObject_SetAttr(o, n, v)
            }
        };
        if rc < 0 {
            return Err(PyErr::fetch(self.py).into());
        }
        Ok(())
    }
    fn finish(&mut self, obj: Self::Object) -> Result<Self::Value> {
        Ok(obj.obj)
    }
    fn detached<R: Send>(&mut self, work: impl FnOnce() -> R + Send) -> R {
        self.py.detach(work)
    }
}

/// A new reference from the C API, or the Python error it set (`MemoryError`).
fn owned(py: Python<'_>, ptr: *mut ffi::PyObject) -> Result<Bound<'_, PyAny>> {
    // SAFETY: `ptr` is a new reference or null with an exception set.
    Ok(unsafe { Bound::from_owned_ptr_or_err(py, ptr) }?)
}

struct PySource<'a, 'py> {
    cls: &'a Classes,
    _py: Python<'py>,
}

impl<'py> Source for PySource<'_, 'py> {
    type Value = Bound<'py, PyAny>;
    type Fields = Option<Bound<'py, PyDict>>;
    type Error = Error;

    fn type_name(&mut self, v: &Self::Value) -> String {
        type_name(v)
    }
    fn ctor_of(&mut self, v: &Self::Value) -> Option<usize> {
        // SAFETY: `v` is a live object; its type pointer is only used as a map key.
        let ty = unsafe { ffi::Py_TYPE(v.as_ptr()) };
        self.cls.index.get(ty as usize)
    }
    fn foreign(&mut self, v: &Self::Value) -> Result<Option<Foreign>> {
        // A class made by a schema holds its declaration in its own namespace (a subclass
        // only inherits it, and is refused like any other class).
        let py = v.py();
        let own = v.get_type().getattr(intern!(py, "__dict__"))?;
        let Ok(declared) = own.get_item(intern!(py, "_tl_declaration")) else {
            return Ok(None);
        };
        type Declared = (
            u32,
            String,
            bool,
            Vec<(String, String, String, i32)>,
            String,
        );
        let Ok((id, name, _, fields, _)) = declared.extract::<Declared>() else {
            return Ok(None);
        };
        let fields = fields
            .into_iter()
            .map(|(name, ty, flag, bit)| Field {
                name,
                ty,
                flag,
                bit,
            })
            .collect();
        Ok(Some(Foreign { name, id, fields }))
    }
    fn fields(&mut self, v: &Self::Value, _: usize) -> Result<Self::Fields> {
        // The instance `__dict__` (our classes have no slots or data descriptors for fields,
        // so a key found there is what getattr would return); `None` if there is none.
        // SAFETY: a live object; a NULL result only sets an exception, cleared here.
        let dict = unsafe { ffi::PyObject_GenericGetDict(v.as_ptr(), std::ptr::null_mut()) };
        if dict.is_null() {
            drop(PyErr::take(v.py()));
            return Ok(None);
        }
        // SAFETY: a new reference returned by the call above.
        let dict = unsafe { Bound::from_owned_ptr(v.py(), dict) };
        Ok(dict.cast_into::<PyDict>().ok())
    }
    fn get(
        &mut self,
        v: &Self::Value,
        fields: &Self::Fields,
        ctor: usize,
        field: usize,
    ) -> Result<Option<Self::Value>> {
        let name = self.cls.names[ctor][field].bind(v.py());
        if let Some(dict) = fields {
            // SAFETY: a dict and an exact str key (no Python code runs on lookup); the
            // borrowed result is turned into a new reference at once.
            let item = unsafe { ffi::PyDict_GetItemWithError(dict.as_ptr(), name.as_ptr()) };
            if !item.is_null() {
                return Ok(Some(unsafe { Bound::from_borrowed_ptr(v.py(), item) }));
            }
        }
        match v.getattr(name) {
            Ok(x) => Ok(Some(x)),
            Err(e) if e.is_instance_of::<PyAttributeError>(v.py()) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
    fn is_none(&mut self, v: &Self::Value) -> bool {
        v.is_none()
    }
    fn truthy(&mut self, v: &Self::Value) -> Result<bool> {
        Ok(v.is_truthy()?)
    }
    fn int(&mut self, v: &Self::Value) -> Result<Option<Option<i64>>> {
        let p = v.as_ptr();
        // SAFETY: `p` is a live object; an exact int is read with the C API, whose overflow
        // error is cleared here (it only means "outside i64").
        unsafe {
            if ffi::Py_TYPE(p) == std::ptr::addr_of_mut!(ffi::PyLong_Type) {
                // PyLong_AsLongAndOverflow takes a fast path that PyLong_AsLongLong (through
                // _PyLong_AsByteArray) lacks on CPython 3.11, and raises nothing on overflow.
                if std::mem::size_of::<std::ffi::c_long>() == 8 {
                    let mut overflow = 0;
                    let x = ffi::PyLong_AsLongAndOverflow(p, &mut overflow);
                    if overflow != 0 {
                        return Ok(Some(None));
                    }
                    if x != -1 || ffi::PyErr_Occurred().is_null() {
                        // c_long is i64 here (checked above); `From` keeps other targets compiling.
                        #[allow(clippy::useless_conversion)]
                        return Ok(Some(Some(i64::from(x))));
                    }
                    ffi::PyErr_Clear();
                    return Ok(Some(None));
                }
                let x = ffi::PyLong_AsLongLong(p);
                if x == -1 && !ffi::PyErr_Occurred().is_null() {
                    ffi::PyErr_Clear();
                    return Ok(Some(None));
                }
                return Ok(Some(Some(x)));
            }
        }
        if !v.is_instance_of::<PyInt>() {
            return Ok(None);
        }
        Ok(Some(v.extract::<i64>().ok()))
    }
    fn big(&mut self, v: &Self::Value, size: usize) -> Result<Option<Option<Vec<u8>>>> {
        // A bool is an int to Python, but no nonce: refused, as the pure codec does.
        if !v.is_instance_of::<PyInt>() || v.is_instance_of::<PyBool>() {
            return Ok(None);
        }
        let bits = size * 8;
        let negative = v.lt(0)?;
        let magnitude = if negative {
            v.call_method0("__invert__")?
        } else {
            v.clone()
        };
        let len: usize = magnitude.call_method0("bit_length")?.extract()?;
        if len > if negative { bits - 1 } else { bits } {
            return Ok(Some(None));
        }
        let kwargs = PyDict::new(v.py());
        kwargs.set_item("signed", negative)?;
        let b = v.call_method("to_bytes", (size, "little"), Some(&kwargs))?;
        Ok(Some(Some(
            b.cast::<PyBytes>()
                .map_err(PyErr::from)?
                .as_bytes()
                .to_vec(),
        )))
    }
    fn float(&mut self, v: &Self::Value) -> Result<Option<Option<f64>>> {
        if let Ok(f) = v.cast::<PyFloat>() {
            return Ok(Some(Some(f.value())));
        }
        if !v.is_instance_of::<PyInt>() {
            return Ok(None);
        }
        Ok(Some(v.extract::<f64>().ok()))
    }
    fn boolean(&mut self, v: &Self::Value) -> Option<bool> {
        v.cast::<PyBool>().ok().map(|b| b.is_true())
    }
    fn text<'v>(&mut self, v: &'v Self::Value) -> Result<Text<'v>> {
        // SAFETY: type pointers of live objects, compared for the exact-type fast paths.
        let ty = unsafe { ffi::Py_TYPE(v.as_ptr()) };
        if ty == std::ptr::addr_of_mut!(ffi::PyBytes_Type) {
            // SAFETY: checked above.
            let b = unsafe { v.cast_unchecked::<PyBytes>() };
            return Ok(Text::Raw(Cow::Borrowed(b.as_bytes())));
        }
        if let Ok(s) = v.cast::<PyString>() {
            return Ok(match s.to_str() {
                Ok(s) => Text::Raw(Cow::Borrowed(s.as_bytes())),
                Err(_) => Text::BadUtf8,
            });
        }
        Ok(match self.raw(v)? {
            Some(b) => Text::Raw(b),
            None => Text::Not,
        })
    }
    fn raw<'v>(&mut self, v: &'v Self::Value) -> Result<Option<Cow<'v, [u8]>>> {
        Ok(Buffer::of(v)?.map(Buffer::into_cow))
    }
    fn list(&mut self, v: &Self::Value) -> Result<Option<Vec<Self::Value>>> {
        if let Ok(l) = v.cast::<PyList>() {
            return Ok(Some(l.iter().collect()));
        }
        if let Ok(t) = v.cast::<PyTuple>() {
            return Ok(Some(t.iter().collect()));
        }
        Ok(None)
    }
}

impl TLCodec {
    /// The fast path ([`Fast`]) for `obj`, an exact instance of the class bound to `ctor`;
    /// `None` when it gives up (or the classes are not bound), with no exception set.
    fn encode_fast<'py>(
        &self,
        py: Python<'py>,
        obj: *mut ffi::PyObject,
        ctor: usize,
    ) -> Option<Bound<'py, PyBytes>> {
        let cls = self.classes.get()?;
        let fast = Fast {
            codec: &self.codec,
            names: &cls.names,
            index: &cls.index,
        };
        with_out_buffer(|out| {
            // SAFETY: the caller passes a live exact instance of the class of `ctor`, and the
            // GIL is held.
            let done = unsafe { fast.boxed(obj, ctor, out) }.is_ok();
            done.then(|| PyBytes::new(py, out))
        })
    }

    /// The generic encoder (every value type, the exact errors of the pure twin).
    fn encode_generic<'py>(
        &self,
        py: Python<'py>,
        obj: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyBytes>> {
        let cls = self.classes()?;
        with_out_buffer(|out| {
            self.codec
                .encode(&mut PySource { cls, _py: py }, obj, out)
                .map(|()| PyBytes::new(py, out))
        })
    }

    /// `obj` encoded: on the fast path when `ctor` (its class's constructor) is known and
    /// the fast path takes it, else by the generic encoder.
    fn encode_as<'py>(
        &self,
        py: Python<'py>,
        obj: &Bound<'py, PyAny>,
        ctor: Option<usize>,
    ) -> Result<Bound<'py, PyBytes>> {
        match ctor.and_then(|c| self.encode_fast(py, obj.as_ptr(), c)) {
            Some(b) => Ok(b),
            None => self.encode_generic(py, obj),
        }
    }

    fn classes(&self) -> Result<&Classes> {
        self.classes.get().ok_or_else(|| {
            Error::from(CoreError::TlSchema("the codec has no classes bound".into()))
        })
    }

    fn decode_at<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        at: At<'_, 'py>,
        budget: (&Arg<'py>, &Arg<'py>),
    ) -> Result<(Bound<'py, PyAny>, usize)> {
        let cls = self.classes()?;
        // `bytes` is read in place; other buffers are copied first (see `Buffer`).
        let Some(bytes) = Buffer::of(data)? else {
            return Err(CoreError::TlDecode(format!(
                "data must be bytes, bytearray or memoryview, not {}",
                type_name(data)
            ))
            .into());
        };
        let start = match at {
            At::Whole(_) | At::Offset(None) => 0,
            At::Offset(Some(offset)) => {
                // An int outside the data, however large or negative, is a decode error.
                let Ok(offset) = offset.cast::<PyInt>() else {
                    return Err(wrong_type(offset, "offset", "int"));
                };
                let start = offset.extract::<usize>().ok().filter(|&o| o <= bytes.len());
                let Some(start) = start else {
                    let message = format!("offset {offset} is outside the data");
                    return Err(CoreError::TlDecode(message).into());
                };
                start
            }
        };
        let limits = limits(budget.0, budget.1)?;
        let mut b = PyBuilder { py, cls };
        match at {
            At::Whole(exact) => self
                .codec
                .decode_within(&mut b, &bytes, exact, limits)
                .map(|v| (v, 0)),
            At::Offset(_) => self
                .codec
                .decode_prefix_within(&mut b, &bytes, start, limits),
        }
    }
}

/// Where [`TLCodec::decode_at`] starts: the whole buffer (exactly or not), or an offset
/// (`None`: not given, 0).
enum At<'a, 'py> {
    Whole(bool),
    Offset(Option<&'a Bound<'py, PyAny>>),
}

/// An argument taken as it is, checked in the body (in signature order, with the messages of
/// the pure twin); `Arg(None)` when it was not given, so its default can be an int.
struct Arg<'py>(Option<Bound<'py, PyAny>>);

impl<'a, 'py> FromPyObject<'a, 'py> for Arg<'py> {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Self(Some(obj.to_owned())))
    }
}

/// The decode budget from the keyword arguments: non-negative ints (`bool` counts as an
/// int); values beyond `usize` are no limit at all.
fn limits(max_inflated: &Arg<'_>, max_elements: &Arg<'_>) -> Result<Limits> {
    let one = |v: &Arg<'_>, name: &str, default: usize| -> Result<usize> {
        let Some(v) = &v.0 else { return Ok(default) };
        let Ok(v) = v.cast::<PyInt>() else {
            return Err(wrong_type(v, name, "int"));
        };
        if let Ok(v) = v.extract::<usize>() {
            return Ok(v);
        }
        if v.lt(0)? {
            return Err(CoreError::invalid(format!("{name} must be >= 0, not {v}")).into());
        }
        Ok(usize::MAX)
    };
    Ok(Limits {
        max_inflated: one(max_inflated, "max_inflated", MAX_INFLATED)?,
        max_elements: one(max_elements, "max_elements", MAX_ELEMENTS)?,
    })
}

#[pymethods]
impl TLCodec {
    /// Parses and compiles schema text.
    #[new]
    fn new(text: &Bound<'_, PyAny>) -> Result<Self> {
        guard(text.py(), || {
            let Ok(text) = text.cast::<PyString>() else {
                return Err(Error::from(CoreError::TlSchema(format!(
                    "schema text must be str, not {}",
                    type_name(text)
                ))));
            };
            let codec = Codec::from_text(&text.to_cow()?)?;
            Ok(Self {
                codec,
                classes: OnceLock::new(),
            })
        })
    }

    /// Parses `.tl` text into `(layer, constructors)` without compiling a codec.
    #[staticmethod]
    fn parse_schema(py: Python<'_>, text: &Bound<'_, PyAny>) -> Result<Py<PyAny>> {
        guard(py, || {
            let Ok(text) = text.cast::<PyString>() else {
                return Err(Error::from(CoreError::TlSchema(format!(
                    "schema text must be str, not {}",
                    type_name(text)
                ))));
            };
            let schema = parse_schema(&text.to_cow()?)?;
            Ok(describe(py, &schema)?)
        })
    }

    /// The `// LAYER N` of the schema, or -1.
    #[getter]
    fn layer(&self) -> i32 {
        self.codec.schema.layer
    }

    /// The parsed constructors: `(id, name, is_function, fields, result)`.
    fn constructors(&self, py: Python<'_>) -> Result<Py<PyAny>> {
        guard(py, || {
            let described = describe(py, &self.codec.schema)?;
            Ok(described.bind(py).get_item(1)?.unbind())
        })
    }

    /// `(id, name, is_function, result)` of each constructor, in `constructors()` order:
    /// an index of the schema without the fields.
    fn headers(&self, py: Python<'_>) -> Result<Py<PyAny>> {
        guard(py, || {
            let items = PyList::empty(py);
            for c in &self.codec.schema.constructors {
                items.append((c.id, c.name.as_str(), c.is_function, c.result.as_str()))?;
            }
            Ok(items.into_any().unbind())
        })
    }

    /// Constructor `index`, as in `constructors()`.
    fn constructor<'py>(&self, py: Python<'py>, index: i64) -> Result<Bound<'py, PyAny>> {
        guard(py, || {
            let all = &self.codec.schema.constructors;
            match usize::try_from(index).ok().and_then(|i| all.get(i)) {
                Some(c) => Ok(describe_ctor(py, c)?),
                None => Err(Error::from(CoreError::TlSchema(format!(
                    "no constructor {index} in a schema of {}",
                    all.len()
                )))),
            }
        })
    }

    /// Gives the codec its class factory: `factory(i)` makes the class of constructor `i`
    /// (in `constructors()` order); it is called once per constructor, on first use.
    fn bind(slf: &Bound<'_, Self>, factory: &Bound<'_, PyAny>) -> Result<()> {
        guard(slf.py(), || {
            let py = slf.py();
            let this = slf.get();
            let already = || {
                Error::from(CoreError::TlSchema(
                    "the codec's classes are already bound".into(),
                ))
            };
            if this.classes.get().is_some() {
                return Err(already());
            }
            if !factory.is_callable() {
                return Err(Error::from(CoreError::TlSchema(format!(
                    "bind needs a class factory, not {}",
                    type_name(factory)
                ))));
            }
            let ctors = &this.codec.ctors;
            let names = ctors
                .iter()
                .map(|c| {
                    c.fields
                        .iter()
                        .map(|f| PyString::intern(py, &f.name).unbind())
                        .collect()
                })
                .collect();
            let classes = Classes {
                factory: factory.clone().unbind(),
                slots: ctors.iter().map(|_| OnceLock::new()).collect(),
                names,
                index: ClassIndex::default(),
                empty: PyTuple::empty(py).unbind(),
                owner: slf.as_ptr() as usize,
            };
            this.classes.set(classes).map_err(|_| already())
        })
    }

    /// The class of constructor `index` (in `constructors()` order), made by the factory on
    /// first use.
    fn class_of<'py>(&self, py: Python<'py>, index: i64) -> Result<Bound<'py, PyType>> {
        guard(py, || {
            let cls = self.classes()?;
            let Some(ctor) = usize::try_from(index).ok().filter(|&i| i < cls.slots.len()) else {
                return Err(Error::from(CoreError::TlSchema(format!(
                    "no constructor {index} in a schema of {}",
                    cls.slots.len()
                ))));
            };
            Ok(cls.slot(py, ctor)?.cls.bind(py).clone())
        })
    }

    /// The `__bytes__` to install on the bound classes: a native method descriptor that
    /// encodes with the codec that bound the object's class (no Python frame).
    #[staticmethod]
    fn bytes_method(py: Python<'_>) -> Result<Py<PyAny>> {
        guard(py, || {
            Ok(crate::tl_method::descriptor(py, tl_bytes)?.clone_ref(py))
        })
    }

    /// Encodes `obj` boxed (constructor id first, flags computed).
    fn encode<'py>(&self, py: Python<'py>, obj: &Bound<'py, PyAny>) -> Result<Bound<'py, PyBytes>> {
        guard(py, || {
            let cls = self.classes()?;
            // SAFETY: the type pointer of a live object, used as a key only.
            let ty = unsafe { ffi::Py_TYPE(obj.as_ptr()) } as usize;
            self.encode_as(py, obj, cls.index.get(ty))
        })
    }

    /// Decodes one boxed value; with `exact`, trailing bytes raise `TrailingBytesError`.
    #[pyo3(
        signature = (data, exact = true, *, max_inflated = Arg(None), max_elements = Arg(None)),
        text_signature = "($self, data, exact=True, *, max_inflated=16777216, max_elements=1000000)"
    )]
    fn decode<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        exact: bool,
        max_inflated: Arg<'py>,
        max_elements: Arg<'py>,
    ) -> Result<Bound<'py, PyAny>> {
        let budget = (&max_inflated, &max_elements);
        guard(py, || {
            Ok(self.decode_at(py, data, At::Whole(exact), budget)?.0)
        })
    }

    /// Decodes one boxed value at `offset`; returns `(value, offset after it)`.
    #[pyo3(
        signature = (data, offset = Arg(None), *, max_inflated = Arg(None), max_elements = Arg(None)),
        text_signature = "($self, data, offset=0, *, max_inflated=16777216, max_elements=1000000)"
    )]
    fn decode_prefix<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        offset: Arg<'py>,
        max_inflated: Arg<'py>,
        max_elements: Arg<'py>,
    ) -> Result<Bound<'py, PyTuple>> {
        let budget = (&max_inflated, &max_elements);
        guard(py, || {
            let (v, end) = self.decode_at(py, data, At::Offset(offset.0.as_ref()), budget)?;
            // Made here, inside the guard: a failed allocation is a MemoryError too.
            Ok(PyTuple::new(py, [v, end.into_pyobject(py)?.into_any()])?)
        })
    }
}

/// Adds the TL codec class to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TLCodec>()?;
    Ok(())
}

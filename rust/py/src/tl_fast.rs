//! The fast path of the native TL encoder: objects built from exact built-in values (int,
//! str, bytes, list, tuple, True/False/None and exact instances of the bound classes, every
//! field in the instance `__dict__`) are written straight from the C API, with no trait
//! dispatch and no per-field `Option` plumbing.
//!
//! It never raises: anything else (a subclass, a missing field, an out-of-range int, a str
//! with lone surrogates, an int128, ...) makes it give up with [`Bail`], and the caller
//! encodes the object again with the generic encoder, which produces the bytes or the exact
//! error of the pure twin. It calls no Python code itself (only C-API reads), so that second
//! pass sees the same values; the one way code can still run is the GC, when a nested
//! object's dict is created, which is why lists and nested objects are held by a reference
//! while they are encoded, and every field is looked up just before it is written.

use oxigram_core::tl::codec::{write_raw, ID_BOOL_FALSE, ID_BOOL_TRUE, ID_VECTOR, MAX_FLAG_WORDS};
use oxigram_core::tl::{Codec, Ty, MAX_DEPTH};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::tl::ClassIndex;

/// The fast path cannot encode this object; use the generic encoder.
pub(crate) struct Bail;

/// A new reference, released on drop (every early return of the fast path).
struct Owned(*mut ffi::PyObject);

impl Owned {
    /// Takes a new reference to a borrowed, non-null pointer: values borrowed from a dict or
    /// a list stay alive even if the container changes under us.
    ///
    /// # Safety
    /// `p` is a live object and the GIL is held.
    unsafe fn borrowed(p: *mut ffi::PyObject) -> Self {
        // SAFETY: see the function's contract.
        unsafe { ffi::Py_INCREF(p) };
        Owned(p)
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: `self.0` is a reference this guard owns (GIL held by every user).
        unsafe { ffi::Py_DECREF(self.0) }
    }
}

/// What the fast path reads: the compiled schema and the bound classes.
pub(crate) struct Fast<'a> {
    /// The compiled schema.
    pub codec: &'a Codec,
    /// Interned field names, per constructor.
    pub names: &'a [Vec<Py<PyString>>],
    /// Class (type pointer) -> constructor index.
    pub index: &'a ClassIndex,
}

/// Clears a pending exception; the generic encoder will meet (and raise) it again.
fn bail_clear() -> Bail {
    // SAFETY: only called with the GIL held, from the fast path.
    unsafe { ffi::PyErr_Clear() };
    Bail
}

/// An exact int as i64 (`Bail` for other types and values outside i64).
///
/// # Safety
/// `v` is a live object and the GIL is held.
unsafe fn exact_int(v: *mut ffi::PyObject) -> Result<i64, Bail> {
    // SAFETY: see the function's contract.
    unsafe {
        if ffi::Py_TYPE(v) != std::ptr::addr_of_mut!(ffi::PyLong_Type) {
            return Err(Bail);
        }
        let mut overflow = 0;
        let x = ffi::PyLong_AsLongLongAndOverflow(v, &mut overflow);
        if overflow != 0 {
            return Err(Bail);
        }
        if x == -1 && !ffi::PyErr_Occurred().is_null() {
            return Err(bail_clear());
        }
        Ok(x)
    }
}

impl Fast<'_> {
    /// The constructor index of `v` when it is an exact instance of a bound class.
    pub(crate) fn ctor_of(&self, v: *mut ffi::PyObject) -> Option<usize> {
        // SAFETY: the type pointer of a live object, used as a key only.
        let ty = unsafe { ffi::Py_TYPE(v) } as usize;
        self.index.get(ty)
    }

    /// Appends `obj` (of constructor `ctor`) boxed to `out`.
    ///
    /// # Safety
    /// `obj` is a live instance of the class bound to `ctor`, and the GIL is held.
    pub(crate) unsafe fn boxed(
        &self,
        obj: *mut ffi::PyObject,
        ctor: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), Bail> {
        out.extend_from_slice(&self.codec.ctors[ctor].id.to_le_bytes());
        // SAFETY: forwarded contract.
        unsafe { self.body(obj, ctor, out, 1) }
    }

    /// The fields of `obj`, with `#` words patched in once the flags are known.
    ///
    /// # Safety
    /// As [`Fast::boxed`].
    unsafe fn body(
        &self,
        obj: *mut ffi::PyObject,
        c: usize,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), Bail> {
        let ctor = &self.codec.ctors[c];
        let names = &self.names[c];
        // SAFETY: a live object; NULL only sets an exception (cleared by `bail_clear`).
        let dict = unsafe { ffi::PyObject_GenericGetDict(obj, std::ptr::null_mut()) };
        if dict.is_null() {
            return Err(bail_clear());
        }
        let dict = Owned(dict);
        // SAFETY: a live object's type.
        if unsafe { ffi::Py_TYPE(dict.0) } != std::ptr::addr_of_mut!(ffi::PyDict_Type) {
            return Err(Bail);
        }
        let mut words = [0u32; MAX_FLAG_WORDS];
        let mut word_at = [0usize; MAX_FLAG_WORDS];
        // Bits of absent (None) fields: another field setting the same bit makes them
        // required, an error left to the generic path.
        let mut absent = [0u32; MAX_FLAG_WORDS];
        let mut nats = 0;
        for (f, name) in ctor.fields.iter().zip(names) {
            match f.ty {
                Ty::Nat => {
                    // Written as zero now, patched below: conditional fields only use
                    // earlier `#` fields, so every bit is known by the end.
                    word_at[nats] = out.len();
                    nats += 1;
                    out.extend_from_slice(&[0; 4]);
                    continue;
                }
                Ty::True if f.flag.is_none() => continue,
                _ => {}
            }
            // SAFETY: a dict and an exact str key.
            let item = unsafe { ffi::PyDict_GetItemWithError(dict.0, name.as_ptr()) };
            if item.is_null() {
                // Missing (a class default, or no attribute): the generic path decides.
                return Err(bail_clear());
            }
            // Borrowed: no Python code runs before `value` uses it, which takes its own
            // reference before anything that could (a nested dict being created).
            let v = item;
            if let Some((w, mask)) = f.flag {
                // SAFETY: the singletons' addresses.
                let (t, fa, none) = unsafe { (ffi::Py_True(), ffi::Py_False(), ffi::Py_None()) };
                let present = if matches!(f.ty, Ty::True) {
                    // Other values would need `bool(v)`, which can run Python code.
                    if v == t {
                        true
                    } else if v == fa || v == none {
                        false
                    } else {
                        return Err(Bail);
                    }
                } else {
                    v != none
                };
                if !present {
                    if !matches!(f.ty, Ty::True) {
                        absent[w] |= mask;
                    }
                    continue;
                }
                words[w] |= mask;
                if matches!(f.ty, Ty::True) {
                    continue;
                }
            }
            // SAFETY: forwarded contract.
            unsafe { self.value(&f.ty, v, out, depth) }?;
        }
        if words.iter().zip(absent).any(|(w, a)| w & a != 0) {
            return Err(Bail);
        }
        for (at, word) in word_at[..nats].iter().zip(words) {
            out[*at..*at + 4].copy_from_slice(&word.to_le_bytes());
        }
        Ok(())
    }

    /// Appends one value of type `ty`.
    ///
    /// # Safety
    /// `v` is a live object and the GIL is held.
    unsafe fn value(
        &self,
        ty: &Ty,
        v: *mut ffi::PyObject,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> Result<(), Bail> {
        // SAFETY (whole body): `v` and the objects reached from it are live (held by the
        // caller or by an `Owned`), the GIL is held, and every C call below only reads them.
        unsafe {
            let vt = ffi::Py_TYPE(v);
            match ty {
                Ty::Int => {
                    let x = i32::try_from(exact_int(v)?).map_err(|_| Bail)?;
                    out.extend_from_slice(&x.to_le_bytes());
                }
                Ty::Long => out.extend_from_slice(&exact_int(v)?.to_le_bytes()),
                Ty::Double => {
                    if vt != std::ptr::addr_of_mut!(ffi::PyFloat_Type) {
                        return Err(Bail);
                    }
                    out.extend_from_slice(&ffi::PyFloat_AsDouble(v).to_le_bytes());
                }
                Ty::String | Ty::Bytes => {
                    let (p, n) = if vt == std::ptr::addr_of_mut!(ffi::PyBytes_Type) {
                        (
                            ffi::PyBytes_AsString(v).cast::<u8>().cast_const(),
                            ffi::PyBytes_Size(v),
                        )
                    } else if vt == std::ptr::addr_of_mut!(ffi::PyUnicode_Type) {
                        let mut n: ffi::Py_ssize_t = 0;
                        let p = ffi::PyUnicode_AsUTF8AndSize(v, &mut n);
                        if p.is_null() {
                            return Err(bail_clear());
                        }
                        (p.cast::<u8>(), n)
                    } else {
                        return Err(Bail);
                    };
                    if p.is_null() || !(0..1 << 24).contains(&n) {
                        return Err(bail_clear());
                    }
                    // SAFETY: the buffer of an immutable bytes/str kept alive by the caller.
                    write_raw(out, std::slice::from_raw_parts(p, n as usize));
                }
                Ty::Bool => {
                    let id = if v == ffi::Py_True() {
                        ID_BOOL_TRUE
                    } else if v == ffi::Py_False() {
                        ID_BOOL_FALSE
                    } else {
                        return Err(Bail);
                    };
                    out.extend_from_slice(&id.to_le_bytes());
                }
                Ty::Vector { boxed, elem, .. } => {
                    // Held: encoding an item can create a dict, hence run the GC (and its
                    // finalizers), which could drop the list from its parent.
                    let _hold = Owned::borrowed(v);
                    let list = vt == std::ptr::addr_of_mut!(ffi::PyList_Type);
                    if !list && vt != std::ptr::addr_of_mut!(ffi::PyTuple_Type) {
                        return Err(Bail);
                    }
                    let n = if list {
                        ffi::PyList_Size(v)
                    } else {
                        ffi::PyTuple_Size(v)
                    };
                    let count = i32::try_from(n).map_err(|_| bail_clear())?;
                    if *boxed {
                        out.extend_from_slice(&ID_VECTOR.to_le_bytes());
                    }
                    out.extend_from_slice(&count.to_le_bytes());
                    for i in 0..n {
                        let item = if list {
                            ffi::PyList_GetItem(v, i)
                        } else {
                            ffi::PyTuple_GetItem(v, i)
                        };
                        if item.is_null() {
                            return Err(bail_clear());
                        }
                        self.value(elem, item, out, depth)?;
                    }
                }
                Ty::Bare { .. } | Ty::Boxed { .. } | Ty::Any => {
                    let c = self.ctor_of(v).ok_or(Bail)?;
                    let ctor = &self.codec.ctors[c];
                    let ok = match ty {
                        Ty::Bare { ctor: want, .. } => c == *want,
                        Ty::Boxed { ty: want, .. } => ctor.type_idx == Some(*want),
                        _ => true,
                    };
                    if !ok || depth >= MAX_DEPTH {
                        return Err(Bail);
                    }
                    if !matches!(ty, Ty::Bare { .. }) {
                        out.extend_from_slice(&ctor.id.to_le_bytes());
                    }
                    // Held for the same reason as a list.
                    let _hold = Owned::borrowed(v);
                    self.body(v, c, out, depth + 1)?;
                }
                // int128/int256 are rare (MTProto nonces): the generic path has them.
                Ty::Int128 | Ty::Int256 | Ty::True | Ty::Nat => return Err(Bail),
            }
        }
        Ok(())
    }
}

//! The native `__bytes__` of the generated classes: a descriptor whose bound objects come
//! from a small free list.
//!
//! `bytes(obj)` looks `__bytes__` up on the type and binds it to `obj` (the descriptor's
//! `__get__`), calls the result with no arguments and drops it. With a plain method
//! descriptor that binding allocates a GC-tracked object per call (and counts towards the
//! next gen-0 collection); here it reuses one from the free list. A bound object owns a
//! reference to its object until it is deallocated, like a bound method.
//!
//! All state is touched with the GIL held only: the module is built for GIL-enabled CPython
//! (abi3, which free-threaded CPython does not load).

use std::cell::UnsafeCell;
use std::ffi::{c_int, c_void};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// Encodes `obj` (the function behind both the bound and the unbound call).
type EncodeFn = unsafe extern "C" fn(*mut ffi::PyObject, *mut ffi::PyObject) -> *mut ffi::PyObject;

/// A `__bytes__` bound to one object.
#[repr(C)]
struct BoundBytes {
    ob_base: ffi::PyObject,
    target: *mut ffi::PyObject,
}

/// Most deallocated bound objects kept for reuse (nested `bytes()` calls need more than one).
const FREE_MAX: usize = 8;

/// The created types and the free list of deallocated bound objects.
struct State {
    descr_type: *mut ffi::PyTypeObject,
    bound_type: *mut ffi::PyTypeObject,
    encode: EncodeFn,
    free: UnsafeCell<Vec<*mut BoundBytes>>,
}

// SAFETY: the pointers are to immortal (never released) type objects, and the free list is
// only touched with the GIL held (every caller is a CPython slot, which holds it).
unsafe impl Send for State {}
unsafe impl Sync for State {}

static STATE: PyOnceLock<State> = PyOnceLock::new();
static DESCR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn state() -> &'static State {
    // SAFETY: the slots below are only reachable through objects of types made by `init`,
    // which sets the state first; the GIL is held by CPython when it calls a slot.
    let py = unsafe { Python::assume_attached() };
    STATE
        .get(py)
        .expect("TL __bytes__ types are created before use")
}

/// `descriptor.__get__(obj, type)`: the descriptor itself for class access, else a bound
/// object (from the free list when there is one).
unsafe extern "C" fn descr_get(
    descr: *mut ffi::PyObject,
    obj: *mut ffi::PyObject,
    _ty: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: called by CPython with the GIL held; `descr` and a non-null `obj` are live.
    unsafe {
        if obj.is_null() {
            ffi::Py_INCREF(descr);
            return descr;
        }
        let st = state();
        let reused = (*st.free.get()).pop();
        let bound = match reused {
            Some(b) => {
                // A deallocated object of `bound_type` (untracked, refcount 0): revive it.
                ffi::PyObject_Init(b.cast(), st.bound_type);
                b
            }
            None => {
                let b = ffi::PyType_GenericAlloc(st.bound_type, 0);
                if b.is_null() {
                    return std::ptr::null_mut();
                }
                b.cast::<BoundBytes>()
            }
        };
        ffi::Py_INCREF(obj);
        (*bound).target = obj;
        if reused.is_some() {
            // PyType_GenericAlloc tracks new objects itself.
            ffi::PyObject_GC_Track(bound.cast());
        }
        bound.cast()
    }
}

/// Raises `TypeError(message)` and returns NULL.
unsafe fn type_error(message: &std::ffi::CStr) -> *mut ffi::PyObject {
    // SAFETY: the GIL is held by the caller.
    unsafe { ffi::PyErr_SetString(ffi::PyExc_TypeError, message.as_ptr()) };
    std::ptr::null_mut()
}

/// Keyword arguments present (a non-empty dict).
unsafe fn has_kwargs(kwargs: *mut ffi::PyObject) -> bool {
    // SAFETY: NULL or a live dict, GIL held.
    !kwargs.is_null() && unsafe { ffi::PyDict_Size(kwargs) } != 0
}

/// `bound()`: the serialization of the bound object.
unsafe extern "C" fn bound_call(
    slf: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: called by CPython with the GIL held, `slf` a live BoundBytes, `args` a tuple.
    unsafe {
        if ffi::PyTuple_Size(args) != 0 || has_kwargs(kwargs) {
            return type_error(c"__bytes__() takes no arguments");
        }
        let target = (*slf.cast::<BoundBytes>()).target;
        if target.is_null() {
            return type_error(c"__bytes__() of a cleared object");
        }
        // The target may be dropped by the call (through its own attributes): hold it.
        ffi::Py_INCREF(target);
        let out = (state().encode)(target, std::ptr::null_mut());
        ffi::Py_DECREF(target);
        out
    }
}

/// `Class.__bytes__(obj)`.
unsafe extern "C" fn descr_call(
    _slf: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: called by CPython with the GIL held; `args` is a tuple.
    unsafe {
        if ffi::PyTuple_Size(args) != 1 || has_kwargs(kwargs) {
            return type_error(c"__bytes__() takes exactly one argument (the object)");
        }
        let obj = ffi::PyTuple_GetItem(args, 0);
        if obj.is_null() {
            return std::ptr::null_mut();
        }
        (state().encode)(obj, std::ptr::null_mut())
    }
}

unsafe extern "C" fn bound_dealloc(slf: *mut ffi::PyObject) {
    // SAFETY: called by CPython with the GIL held for a BoundBytes whose refcount hit zero.
    unsafe {
        ffi::PyObject_GC_UnTrack(slf.cast());
        let b = slf.cast::<BoundBytes>();
        let target = std::mem::replace(&mut (*b).target, std::ptr::null_mut());
        let ty = ffi::Py_TYPE(slf);
        let free = &mut *state().free.get();
        if free.len() < FREE_MAX {
            free.push(b);
        } else {
            ffi::PyObject_GC_Del(slf.cast());
        }
        // Instances of a heap type own a reference to it.
        ffi::Py_DECREF(ty.cast());
        // Last: releasing the target can run arbitrary code (which may reuse `b`).
        if !target.is_null() {
            ffi::Py_DECREF(target);
        }
    }
}

unsafe extern "C" fn bound_traverse(
    slf: *mut ffi::PyObject,
    visit: ffi::visitproc,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: called by the GC with a live BoundBytes.
    unsafe {
        let r = visit(ffi::Py_TYPE(slf).cast(), arg);
        if r != 0 {
            return r;
        }
        let target = (*slf.cast::<BoundBytes>()).target;
        if target.is_null() {
            0
        } else {
            visit(target, arg)
        }
    }
}

unsafe extern "C" fn bound_clear(slf: *mut ffi::PyObject) -> c_int {
    // SAFETY: called by the GC with a live BoundBytes.
    unsafe {
        let b = slf.cast::<BoundBytes>();
        let target = std::mem::replace(&mut (*b).target, std::ptr::null_mut());
        if !target.is_null() {
            ffi::Py_DECREF(target);
        }
    }
    0
}

/// A type from a spec whose name and slots live forever (leaked once per process).
fn make_type(
    py: Python<'_>,
    name: &'static std::ffi::CStr,
    basicsize: usize,
    flags: std::ffi::c_ulong,
    slots: Vec<ffi::PyType_Slot>,
) -> PyResult<*mut ffi::PyTypeObject> {
    let slots = Box::leak(slots.into_boxed_slice());
    let spec = Box::leak(Box::new(ffi::PyType_Spec {
        name: name.as_ptr(),
        basicsize: basicsize as c_int,
        itemsize: 0,
        flags: flags as _,
        slots: slots.as_mut_ptr(),
    }));
    // SAFETY: a valid spec with a zero-terminated slot array, all 'static.
    let ty = unsafe { ffi::PyType_FromSpec(spec) };
    // SAFETY: a new reference or NULL with an exception set; kept forever (never released).
    let ty = unsafe { Bound::from_owned_ptr_or_err(py, ty) }?;
    Ok(ty.into_ptr().cast())
}

fn slot(slot: c_int, pfunc: *mut c_void) -> ffi::PyType_Slot {
    ffi::PyType_Slot { slot, pfunc }
}

/// The shared `__bytes__` descriptor, whose calls go to `encode(obj, NULL)`.
pub(crate) fn descriptor(py: Python<'_>, encode: EncodeFn) -> PyResult<&'static Py<PyAny>> {
    DESCR.get_or_try_init(py, || {
        let st = STATE.get_or_try_init(py, || -> PyResult<State> {
            let descr_type = make_type(
                py,
                c"oxigram._native.TLBytesMethod",
                std::mem::size_of::<ffi::PyObject>(),
                ffi::Py_TPFLAGS_DEFAULT | ffi::Py_TPFLAGS_DISALLOW_INSTANTIATION,
                vec![
                    slot(ffi::Py_tp_descr_get, descr_get as *mut c_void),
                    slot(ffi::Py_tp_call, descr_call as *mut c_void),
                    slot(
                        ffi::Py_tp_doc,
                        c"The boxed serialization (constructor id first, flags computed).".as_ptr()
                            as *mut c_void,
                    ),
                    slot(0, std::ptr::null_mut()),
                ],
            )?;
            let bound_type = make_type(
                py,
                c"oxigram._native.TLBoundBytes",
                std::mem::size_of::<BoundBytes>(),
                ffi::Py_TPFLAGS_DEFAULT
                    | ffi::Py_TPFLAGS_HAVE_GC
                    | ffi::Py_TPFLAGS_DISALLOW_INSTANTIATION,
                vec![
                    slot(ffi::Py_tp_call, bound_call as *mut c_void),
                    slot(ffi::Py_tp_dealloc, bound_dealloc as *mut c_void),
                    slot(ffi::Py_tp_traverse, bound_traverse as *mut c_void),
                    slot(ffi::Py_tp_clear, bound_clear as *mut c_void),
                    slot(0, std::ptr::null_mut()),
                ],
            )?;
            Ok(State {
                descr_type,
                bound_type,
                encode,
                free: UnsafeCell::new(Vec::with_capacity(FREE_MAX)),
            })
        })?;
        // SAFETY: a type made above; GenericAlloc returns a new reference or NULL.
        let d = unsafe { ffi::PyType_GenericAlloc(st.descr_type, 0) };
        // SAFETY: as above.
        Ok(unsafe { Bound::from_owned_ptr_or_err(py, d) }?.unbind())
    })
}

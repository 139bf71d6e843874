"""proctour's tracer for unmodified CPython multiprocessing programs.

Standard library only. Activated in every Python process of a run by
sitecustomize (PYTHONPATH), it patches multiprocessing and reports each
operation the *program* makes as one JSON object per line over a Unix
stream socket (path in PROCTOUR_TRACE_SOCK). One connection per process;
a forked child opens its own (os.register_at_fork). proctour orders the
events by their monotonic stamp: a release, put or send is stamped before
it takes effect, an acquire, get or recv after it completed. What lets
another process go on is also sent before it takes effect (_urgent); a
Queue's item is put tagged with its put's id (pn), and its get names it
(after), so that proctour holds the get back until the put arrived.

Messages ("k"): hello {pid}; ev {kind, oid, val, mono, line, err, ...};
name {oid, type, name} (a hint for an object's display name); reap {pid,
code} (a parent saw a child's exit code); diag {text} (output of a process
that never started as a multiprocessing process); in step and seeded
modes, gate and notice (gate.py), and proctour writes "go N" lines back.

The connection is also the lifeline: when proctour goes away the socket
reaches EOF and the process exits at once.
"""

import os
import sys
import threading
import time
import json
import re
import linecache

_SOCK_ENV = "PROCTOUR_TRACE_SOCK"
_ROOT_ENV = "PROCTOUR_TRACE_ROOT"

_here = os.path.dirname(os.path.abspath(__file__))
_stdlib = os.path.dirname(os.__file__)
_mono = time.monotonic_ns

_sock = None
_send_lock = threading.Lock()
_started = False      # this process is a traced multiprocessing process
_pending = []         # events before proc.start (spawn: main module import)
_forkserver_mono = 0  # the fork server's start, in it and the children it forks
_tls = threading.local()
_prog = None          # the program's path
_prog_stem = "main"
_named = set()        # oids this process sent a name hint for
_reaped = set()
_counters = {}
_role = "main"        # main, child (will start as a multiprocessing process) or machinery


# ---------------------------------------------------------------- channel

def _connect():
    global _sock
    import socket
    path = os.environ.get(_SOCK_ENV)
    if not path:
        return False
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("\0" + path[1:] if path.startswith("@") else path)  # "@name": Linux's abstract namespace
    _sock = s
    _raw({"k": "hello", "pid": os.getpid(), "role": _role})
    t = threading.Thread(target=_lifeline, args=(s,), name="proctour-lifeline", daemon=True)
    t._pt_mach = True
    t.start()
    _start_flusher()
    return True


_on_line = None  # step and seeded modes: the gate's reader of proctour's lines (gate.on_line)


def _lifeline(s):
    # proctour writes to a process only to gate it ("go N" lines, for
    # _on_line); EOF (or an error) means proctour is gone: die with it.
    rest = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            if _on_line is not None:
                rest += b
                while b"\n" in rest:
                    line, rest = rest.split(b"\n", 1)
                    _on_line(line)
    except OSError:
        pass
    if s is _sock:
        os._exit(137)


def _make_enc():
    """The JSON encoder of a batch: the C encoder made once (JSONEncoder's
    encode makes one per call, a third of a small batch's cost), checked,
    else JSONEncoder's."""
    slow = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=repr).encode
    try:
        from json import encoder as E
        c = E.c_make_encoder(None, repr, E.encode_basestring, None, ":", ",", False, False, True)
        join = "".join
        sample = [{"k": "ev", "val": [1, "é\n", None, 1.5, {"a": True}], "x": object}]
        if c is not None and join(c(sample, 0)) == slow(sample):
            return lambda batch: join(c(batch, 0))
    except Exception:
        pass
    return slow


_enc = _make_enc()
_buf = []
# Kinds after which the process may wait: they go out at once, so that
# proctour sees who waits (the watchdog) without the flusher's delay.
# Kinds that let another process go on (a release, a send, a set, a notify,
# a task_done) are sent before they take effect: then the event is in
# proctour's socket before anything it causes can be, however late this
# process runs again; a buffered one could reach proctour after its effect's
# event, past the window that orders them. A Queue's put is not: the item
# travels tagged with the put's id, and proctour holds its get back until
# the put has arrived (_qput, _untag).
_urgent = frozenset(("lock.wait", "sem.wait", "queue.block", "pipe.block", "proc.join", "event.wait",
                     "cond.wait", "barrier.wait",
                     "lock.release", "sem.release", "pipe.send", "event.set", "cond.notify",
                     "queue.task_done",
                     "queue.join", "sleep", "proc.start", "proc.exit", "watchdog",
                     "pool.task_done"))  # a pool may terminate its worker right after the result
_FLUSH_EVERY = 0.02


def _raw(msg):
    """Sends msg now, after whatever is buffered (one connection's order is kept)."""
    _buf.append(msg)
    _flush()


_term_pending = False  # SIGTERM came: the send under way dies of it once done


def _flush():
    s = _sock
    with _send_lock:
        _send(s)
    if _term_pending:
        _die_of_sigterm()


def _send(s):
    if not _buf:
        return
    # Taken from the list in place, never by swapping the list: another
    # thread's _emit may hold the old list between reading _buf and its
    # append, and what it appended there after the swap was lost (1 of
    # 100 buyers' lock.acquire, now and then).
    batch = _buf[:]
    del _buf[:len(batch)]
    if s is None:
        return
    try:
        data = (_enc(batch) + "\n").encode("utf-8", "replace")  # one line: a JSON array of messages
    except Exception:
        return
    try:
        s.sendall(data)
    except OSError:
        pass


def _flusher(sleep):
    while True:
        sleep(_FLUSH_EVERY)
        if _buf:
            _flush()


def _start_flusher():
    t = threading.Thread(target=_flusher, args=(_orig_sleep,), name="proctour-flusher", daemon=True)
    t._pt_mach = True
    t.start()


_orig_sleep = time.sleep


def _after_fork_child():
    global _sock, _send_lock, _started, _pending, _named, _reaped, _role, _buf, _term_pending
    _role = "child"
    _term_pending = False
    _buf = []  # the parent sends its own
    old = _sock
    _sock = None
    _send_lock = threading.Lock()
    _started = False
    _pending = []
    _named = set()
    _reaped = set()
    if old is not None:
        try:
            old.detach()  # the fd is closed below without shutting down the parent's connection
        except OSError:
            pass
    for st in (sys.stdout, sys.stderr):
        if isinstance(st, _Stream):
            st._buf = ""
    if threading.current_thread() is threading.main_thread():
        _pdeathsig()
    try:
        _connect()
    except OSError:
        os._exit(137)


def _pdeathsig():
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(137)
    except Exception:
        pass


def _no_pdeathsig():
    """Undoes _pdeathsig: for a process that ends by itself when its parent
    goes (the fork server); the lifeline still ends it with proctour."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG, none
    except Exception:
        pass


# ---------------------------------------------------------------- frames

_cat = {}


def _category(fn):
    c = _cat.get(fn)
    if c is None:
        if fn.startswith(_here) or fn.endswith(("multiprocessing/context.py", "multiprocessing\\context.py")):
            c = 2
        elif fn.startswith("<frozen") or (fn.startswith(_stdlib) and "-packages" not in fn):
            c = 1
        else:
            c = 0
        _cat[fn] = c
    return c


def _mach():
    """Whether this thread is multiprocessing's own machinery (a queue
    feeder, a pool's handler threads, an executor's manager thread)."""
    t = threading.current_thread()
    m = getattr(t, "_pt_mach", None)
    if m is None:
        m = False
        tgt = getattr(t, "_target", None)
        mod = getattr(tgt, "__module__", None) or ""
        cmod = type(t).__module__ or ""
        for x in (mod, cmod):
            if x.startswith("multiprocessing") or x.startswith("concurrent"):
                m = True
        try:
            t._pt_mach = m
        except Exception:
            pass
    return m


def _user(depth=2, transparent=None):
    """The program's frame that made this call, or None when the call came
    from the standard library (multiprocessing's internals) or from a
    machinery thread."""
    if not _started and _sock is None:
        return None
    if getattr(_tls, "busy", False):
        return None
    if _mach() and not getattr(_tls, "cb", False):
        return None
    f = sys._getframe(depth)
    while f is not None:
        fn = f.f_code.co_filename
        c = _category(fn)
        if c == 2 or (transparent and fn.endswith(transparent)):
            f = f.f_back
            continue
        if c == 1:
            return None
        return f
    return None


def _direct_line(f):
    """The program's line when the program itself made the call (not
    multiprocessing printing a traceback for it)."""
    while f is not None:
        fn = f.f_code.co_filename
        c = _category(fn)
        if c == 0:
            return f.f_lineno if fn == _prog else None
        f = f.f_back
    return None


def _line(f):
    while f is not None:
        if f.f_code.co_filename == _prog:
            return f.f_lineno
        f = f.f_back
    return None


# ---------------------------------------------------------------- values

def _jv(v, depth=0):
    if v is None or isinstance(v, (bool, int)):
        return v
    if isinstance(v, float):
        return v if v == v and v not in (float("inf"), float("-inf")) else repr(v)
    if isinstance(v, str):
        return v if len(v) <= 2000 else v[:2000] + "…"
    if isinstance(v, (bytes, bytearray)):
        return bytes(v[:2000]).decode("utf-8", "replace")
    if depth < 4:
        if isinstance(v, (list, tuple)):
            return [_jv(x, depth + 1) for x in list(v)[:100]]
        if isinstance(v, dict):
            out = {}
            for i, (k, x) in enumerate(v.items()):
                if i >= 100:
                    break
                out[k if isinstance(k, str) else repr(k)] = _jv(x, depth + 1)
            return out
    try:
        r = repr(v)
    except Exception:
        r = "<%s>" % type(v).__name__
    return r[:200]


def _ename(e):
    t = type(e)
    if t.__module__ == "queue":
        return "queue." + t.__name__
    if t.__module__ in ("builtins", None):
        return t.__name__
    if t.__module__.startswith("multiprocessing"):
        return "multiprocessing." + t.__name__
    return t.__name__


# ---------------------------------------------------------------- events

def _emit(kind, oid="", val=None, mono=None, f=None, err=None, **extra):
    msg = {"k": "ev", "kind": kind, "oid": oid, "val": val,
           "mono": _mono() if mono is None else mono}
    if f is not None:
        ln = _line(f)
        if ln:
            msg["line"] = ln
    if err:
        msg["err"] = err
    if extra:
        msg.update(extra)
    if not _started:
        if len(_pending) < 1000:
            _pending.append(msg)
        return
    _buf.append(msg)
    if kind in _urgent or len(_buf) >= 512:
        _flush()


_assign = re.compile(r"^\s*([A-Za-z_][\w.\[\]'\"]*(?:\s*,\s*[A-Za-z_][\w.\[\]'\"]*)*)\s*(?::[^=]*)?=(?!=)")
_with = re.compile(r"\bas\s+([A-Za-z_]\w*)")


def _line_names(f):
    try:
        text = linecache.getline(f.f_code.co_filename, f.f_lineno)
    except Exception:
        return []
    m = _with.search(text)
    if m and text.lstrip().startswith(("with ", "async with ")):
        return [m.group(1)]
    m = _assign.match(text)
    if not m:
        return []
    names = []
    for part in m.group(1).split(","):
        part = part.strip()
        part = re.sub(r"\[.*$", "", part)
        names.append(part.rsplit(".", 1)[-1])
    return names


def _hint(oid, typ, name):
    if oid in _named:
        return
    _named.add(oid)
    _raw({"k": "name", "oid": oid, "type": typ, "name": name})


def _creation_hint(obj, typ, oid, index=0, count=1):
    """Names an object from the program's line that made it: `lock = Lock()`."""
    if not oid:
        return
    f = _user(3)
    if f is None:
        return
    f2 = f
    names = _line_names(f2)
    name = names[index] if len(names) == count and index < len(names) else None
    if not _started:
        return
    _hint(oid, typ, name)


def _walk_name(obj, f):
    if f is None:
        return None
    try:
        for k, v in f.f_locals.items():
            if v is obj:
                return k
        for k, v in f.f_globals.items():
            if v is obj:
                return k
    except Exception:
        pass
    return None


def _use(obj, typ, f):
    """The oid of obj, sending a name hint the first time this process uses it."""
    oid = _oid(obj)
    if oid not in _named:
        _hint(oid, typ, _walk_name(obj, f))
    return oid


def _oid(obj):
    try:
        return obj.__dict__["_pt_oid"]
    except (KeyError, AttributeError):
        pass
    oid = _compute_oid(obj)
    try:
        obj._pt_oid = oid
    except Exception:
        pass
    return oid


def _sem_oid(sl):
    return "s:" + (sl.name if sl.name else "%x" % sl.handle)


def _compute_oid(obj):
    import multiprocessing.synchronize as S
    import multiprocessing.queues as Q
    import multiprocessing.connection as C
    if isinstance(obj, S.SemLock):
        return _sem_oid(obj._semlock)
    if isinstance(obj, S.Event):
        return _sem_oid(obj._flag._semlock)
    if isinstance(obj, S.Barrier):
        return "b:" + _sem_oid(obj._cond._sleeping_count._semlock)
    if isinstance(obj, S.Condition):
        return _sem_oid(obj._sleeping_count._semlock)
    if isinstance(obj, (Q.Queue, Q.SimpleQueue)):
        return "q:" + _oid(obj._rlock)
    if isinstance(obj, C._ConnectionBase):
        try:
            st = os.fstat(obj.fileno())
            return "p:%d:%s%s" % (st.st_ino, "r" if obj.readable else "", "w" if obj.writable else "")
        except OSError:
            return "p:%x" % id(obj)
    return "o:%x" % id(obj)


# ---------------------------------------------------------------- streams

class _Stream:
    """sys.stdout / sys.stderr: every line becomes a stdout event of this
    process (obj "stderr" for the error stream)."""

    def __init__(self, real, obj):
        self._real = real
        self._obj = obj
        self._buf = ""
        self.encoding = "utf-8"
        self.errors = "replace"

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        self._buf += s
        if "\n" in self._buf:
            lines = self._buf.split("\n")
            self._buf = lines.pop()
            f = None
            try:
                f = sys._getframe(1)
            except ValueError:
                pass
            if not _started and _sock is None:
                return len(s)
            line = _direct_line(f)
            for ln in lines:
                if line:
                    _emit("stdout", self._obj, ln, line=line)
                else:
                    _emit("stdout", self._obj, ln)
        return len(s)

    def writelines(self, lines):
        for x in lines:
            self.write(x)

    def flush(self):
        if self._buf:
            b, self._buf = self._buf, ""
            _emit("stdout", self._obj, b)

    def isatty(self):
        return False

    def fileno(self):
        return self._real.fileno()

    def writable(self):
        return True

    def readable(self):
        return False

    @property
    def buffer(self):
        return self._real.buffer

    def __getattr__(self, n):
        return getattr(self._real, n)


def _flush_streams():
    for st in (sys.stdout, sys.stderr):
        if isinstance(st, _Stream):
            try:
                st.flush()
            except Exception:
                pass


# ---------------------------------------------------------------- patches

def _wrap_semlock(S):
    orig_make = S.SemLock._make_methods

    def _make_methods(self):
        orig_make(self)
        sl = self._semlock
        acq, rel = sl.acquire, sl.release
        me = self

        def acquire(block=True, timeout=None):
            # busy: inside a traced call (a queue's own locks): no frame walk
            f = None if getattr(_tls, "busy", False) else _user(2)
            if f is None:
                ok = acq(block, timeout)
                if ok:
                    h = getattr(_tls, "post_acquire", None)
                    if h is not None:
                        h()
                return ok
            return _lock_acquire(me, acq, block, timeout, f)

        def release():
            f = None if getattr(_tls, "busy", False) else _user(2)
            if f is None:
                h = getattr(_tls, "pre_release", None)
                if h is not None:
                    h()
                return rel()
            return _lock_release(me, rel, f)

        self.acquire = acquire
        self.release = release

    S.SemLock._make_methods = _make_methods

    def __enter__(self):
        f = _user(2)
        if f is None:
            return self._semlock.__enter__()
        return _lock_acquire(self, self._semlock.acquire, True, None, f)

    def __exit__(self, *a):
        f = _user(2)
        if f is None:
            return self._semlock.__exit__(*a)
        _lock_release(self, self._semlock.release, f)

    S.SemLock.__enter__ = __enter__
    S.SemLock.__exit__ = __exit__

    for cls, typ in ((S.Lock, "Lock"), (S.RLock, "RLock"), (S.Semaphore, "Semaphore"),
                     (S.BoundedSemaphore, "BoundedSemaphore")):
        _wrap_ctor(cls, typ)


def _wrap_ctor(cls, typ):
    orig = cls.__init__

    def __init__(self, *a, **k):
        orig(self, *a, **k)
        if typ in ("Semaphore", "BoundedSemaphore"):
            self._pt_initial = a[0] if a else k.get("value", 1)
        _creation_hint(self, typ, _oid(self))
    cls.__init__ = __init__


def _semkind(obj):
    k = obj.__dict__.get("_pt_kind")
    if k is None:
        import multiprocessing.synchronize as S
        k = "RLock" if isinstance(obj, S.RLock) else "Lock" if isinstance(obj, S.Lock) else "Semaphore"
        obj._pt_kind = k
    return k


def _semval(obj):
    sl = obj._semlock
    try:
        v = sl._get_value()
    except Exception:
        v = 0
    ini = obj.__dict__.get("_pt_initial") or (sl.maxvalue if sl.maxvalue < 1 << 30 else 0)
    return {"value": v, "initial": ini}


def _lock_acquire(obj, acq, block, timeout, f):
    kind = _semkind(obj)
    oid = _use(obj, kind, f)
    _tls.busy = True
    try:
        if kind == "Semaphore":
            if acq(False):
                _emit("sem.acquire", oid, _semval(obj), f=f)
                return True
            if not block:
                _emit("sem.acquire", oid, False, f=f)
                return False
            _emit("sem.wait", oid, _semval(obj), f=f)
            ok = acq(True, timeout)
            _emit("sem.acquire", oid, _semval(obj) if ok else False, f=f)
            return ok
        if acq(False):
            ok = True
        else:
            if not block:
                _emit("lock.acquire", oid, False, f=f)
                return False
            _emit("lock.wait", oid, timeout, f=f)
            ok = acq(True, timeout)
            if not ok:
                _emit("lock.acquire", oid, False, f=f)
                return False
        val = True
        if kind == "RLock":
            n = obj._semlock._count()
            if n > 1:
                val = n
        _emit("lock.acquire", oid, val, f=f)
        return ok
    finally:
        _tls.busy = False


def _lock_release(obj, rel, f):
    kind = _semkind(obj)
    oid = _use(obj, kind, f)
    sl = obj._semlock
    _tls.busy = True
    try:
        if kind == "Semaphore":
            v = _semval(obj)
            if sl.maxvalue >= (1 << 30) or v["value"] < sl.maxvalue:  # it will not raise: told first
                v["value"] += 1
                _emit("sem.release", oid, v, f=f)
                return rel()
            try:
                rel()
            except ValueError as e:
                _emit("sem.release", oid, _semval(obj), f=f, err="ValueError")
                raise
            _emit("sem.release", oid, _semval(obj), f=f)
            return
        n = sl._count()
        if sl._is_mine():  # it will not raise: told first
            _emit("lock.release", oid, n - 1 if kind == "RLock" and n > 1 else None, f=f)
            return rel()
        mono = _mono()
        try:
            rel()  # another process's Lock, or one not held
        except (ValueError, AssertionError) as e:
            _emit("lock.release", oid, None, mono=mono, f=f, err=_ename(e))
            raise
        _emit("lock.release", oid, None, mono=mono, f=f)
    finally:
        _tls.busy = False


def _wrap_event(S):
    E = S.Event
    o_init, o_set, o_clear, o_wait = E.__init__, E.set, E.clear, E.wait

    def __init__(self, *a, **k):
        o_init(self, *a, **k)
        _creation_hint(self, "Event", _oid(self))

    def set(self):
        f = _user(2)
        if f is None:
            return o_set(self)
        oid = _use(self, "Event", f)
        _emit("event.set", oid, None, f=f)
        _tls.busy = True
        try:
            return o_set(self)
        finally:
            _tls.busy = False

    def clear(self):
        f = _user(2)
        if f is None:
            return o_clear(self)
        oid = _use(self, "Event", f)
        _emit("event.clear", oid, None, f=f)
        _tls.busy = True
        try:
            return o_clear(self)
        finally:
            _tls.busy = False

    def wait(self, timeout=None):
        f = _user(2)
        if f is None:
            return o_wait(self, timeout)
        oid = _use(self, "Event", f)
        _emit("event.wait", oid, timeout, f=f)
        _tls.busy = True
        try:
            r = o_wait(self, timeout)
        finally:
            _tls.busy = False
        _emit("event.wake", oid, bool(r), f=f)
        return r

    E.__init__, E.set, E.clear, E.wait = __init__, set, clear, wait


def _wrap_condition(S):
    # A condition's lock is told under the lock's own name (Condition(lock)),
    # or under the condition's when it made its own RLock (_pt_own, which
    # travels with the condition to a spawned child). Its inner semaphores
    # are multiprocessing's: their calls come from synchronize.py and are
    # never told.
    C = S.Condition
    o_init, o_wait, o_notify, o_wait_for = C.__init__, C.wait, C.notify, C.wait_for
    o_enter, o_exit = C.__enter__, C.__exit__
    o_getstate, o_setstate = C.__getstate__, C.__setstate__

    def __init__(self, lock=None, *, ctx):
        self._pt_own = lock is None
        o_init(self, lock, ctx=ctx)
        _creation_hint(self, "Condition", _oid(self))

    def __getstate__(self):
        return o_getstate(self) + (bool(self.__dict__.get("_pt_own")),)

    def __setstate__(self, state):
        if len(state) == 5:
            self._pt_own, state = state[4], state[:4]
        o_setstate(self, state)

    def _make_methods(self):
        la, lr = self._lock.acquire, self._lock.release
        me = self

        def acquire(block=True, timeout=None):
            f = _user(2)
            if f is None:
                return la(block, timeout)
            return _cond_acquire(me, la, block, timeout, f)

        def release():
            f = _user(2)
            if f is None:
                return lr()
            return _cond_release(me, lr, f)
        self.acquire, self.release = acquire, release

    def __enter__(self):
        f = _user(2)
        if f is None:
            return o_enter(self)
        return _cond_acquire(self, self._lock.acquire, True, None, f)

    def __exit__(self, *a):
        f = _user(2)
        if f is None:
            return o_exit(self, *a)
        return _cond_release(self, self._lock.release, f)

    def wait(self, timeout=None):
        f = _user(2)
        how = None
        if f is None:
            f, how = getattr(_tls, "condf", None), "wait_for"  # one of wait_for's waits
            if f is None:
                return o_wait(self, timeout)
            _tls.condf = None
        oid = _use(self, "Condition", f)
        lk = _cond_lock(self, f)
        try:
            mine, n = self._lock._semlock._is_mine(), self._lock._semlock._count()
        except Exception:
            mine, n = True, 1
        w = {"lock": lk, "timeout": timeout}
        if n > 1:
            w["depth"] = n
        if how:
            w["how"] = how
        if not mine:
            try:
                return o_wait(self, timeout)
            except Exception as e:
                _emit("cond.wait", oid, w, f=f, err=_ename(e))
                raise
        _emit("cond.wait", oid, w, f=f)
        _tls.busy = True
        try:
            r = o_wait(self, timeout)
        finally:
            _tls.busy = False
            if how:
                _tls.condf = f
        wk = {"lock": lk, "notified": bool(r)}
        if n > 1:
            wk["depth"] = n
        if how:
            wk["how"] = how
        _emit("cond.wake", oid, wk, f=f)
        return r

    def wait_for(self, predicate, timeout=None):
        f = _user(2)
        if f is None:
            return o_wait_for(self, predicate, timeout)
        prev = getattr(_tls, "condf", None)
        _tls.condf = f  # its waits are told at the program's line
        try:
            return o_wait_for(self, predicate, timeout)
        finally:
            _tls.condf = prev

    def notify(self, n=1):
        f = _user(2)
        if f is None:
            return o_notify(self, n)
        return _cond_notify(self, n, f)

    def notify_all(self):
        f = _user(2)
        if f is None:
            return o_notify(self, sys.maxsize)
        return _cond_notify(self, sys.maxsize, f)

    C._pt_notify = o_notify
    C.__init__, C.wait, C.wait_for, C.notify, C.notify_all = __init__, wait, wait_for, notify, notify_all
    C.notifyAll = notify_all
    C.__enter__, C.__exit__, C._make_methods = __enter__, __exit__, _make_methods
    C.__getstate__, C.__setstate__ = __getstate__, __setstate__


def _cond_lock(c, f):
    """The oid a condition's lock is told by."""
    if c.__dict__.get("_pt_own"):
        return _use(c, "Condition", f)
    return _use(c._lock, _semkind(c._lock), f)


def _cond_notify(c, n, f):
    oid = _use(c, "Condition", f)
    woken = 0
    try:
        if c._lock._semlock._is_mine():
            # as notify() counts them: the sleepers not yet woken
            waiting = c._sleeping_count._semlock._get_value() - c._woken_count._semlock._get_value()
            woken = max(0, min(n, waiting))
    except Exception:
        pass
    val = {"n": 0, "all": True, "woken": woken} if n == sys.maxsize else {"n": n, "woken": woken}
    told = False
    try:
        if c._lock._semlock._is_mine():  # it will not raise: told first
            _emit("cond.notify", oid, val, f=f)
            told = True
    except Exception:
        pass
    mono = _mono()
    _tls.busy = True
    try:
        r = type(c)._pt_notify(c, n)
    except Exception as e:
        if not told:
            _emit("cond.notify", oid, val, mono=mono, f=f, err=_ename(e))
        raise
    finally:
        _tls.busy = False
    if not told:
        _emit("cond.notify", oid, val, mono=mono, f=f)
    return r


def _cond_acquire(c, la, block, timeout, f):
    oid = _cond_lock(c, f)
    _tls.busy = True
    try:
        if la(False):
            ok = True
        elif not block:
            ok = False
        else:
            _emit("lock.wait", oid, timeout, f=f)
            ok = la(True, timeout)
        if ok:
            try:
                n = c._lock._semlock._count()
            except Exception:
                n = 1
            _emit("lock.acquire", oid, n if n > 1 else True, f=f)
        else:
            _emit("lock.acquire", oid, False, f=f)
        return ok
    finally:
        _tls.busy = False


def _cond_release(c, lr, f):
    oid = _cond_lock(c, f)
    try:
        n, mine = c._lock._semlock._count(), c._lock._semlock._is_mine()
    except Exception:
        n, mine = 1, False
    if mine:  # it will not raise: told first
        _emit("lock.release", oid, n - 1 if n > 1 else None, f=f)
        _tls.busy = True
        try:
            return lr()
        finally:
            _tls.busy = False
    mono = _mono()
    _tls.busy = True
    try:
        r = lr()
    except (ValueError, AssertionError) as e:
        _emit("lock.release", oid, None, mono=mono, f=f, err=_ename(e))
        raise
    finally:
        _tls.busy = False
    _emit("lock.release", oid, n - 1 if n > 1 else None, mono=mono, f=f)
    return r


def _wrap_barrier(S):
    # multiprocessing's Barrier is threading's over a multiprocessing
    # Condition and shared memory: its inner calls come from threading.py
    # and are never told. An action runs in the last party, traced.
    import threading as _th
    B = S.Barrier
    o_init, o_wait, o_abort, o_reset = B.__init__, B.wait, B.abort, B.reset

    def __init__(self, parties, action=None, timeout=None, *, ctx):
        o_init(self, parties, action, timeout, ctx=ctx)
        _creation_hint(self, "Barrier", _oid(self))

    def wait(self, timeout=None):
        f = _user(2)
        if f is None:
            return o_wait(self, timeout)
        oid = _use(self, "Barrier", f)
        _emit("barrier.wait", oid, {"parties": self._parties, "timeout": timeout}, f=f)
        try:
            i = o_wait(self, timeout)
        except _th.BrokenBarrierError:
            _emit("barrier.broken", oid, None, f=f, err="BrokenBarrierError")
            raise
        except Exception as e:  # the action raised: the barrier is broken
            _emit("barrier.broken", oid, None, f=f, err=_ename(e))
            raise
        _emit("barrier.pass", oid, i, f=f)
        return i

    def mk(o, kind):
        def m(self):
            f = _user(2)
            if f is not None:
                _emit(kind, _use(self, "Barrier", f), None, f=f)
            return o(self)
        return m

    B.__init__, B.wait = __init__, wait
    B.abort, B.reset = mk(o_abort, "barrier.abort"), mk(o_reset, "barrier.reset")


# ---- queues

def _wrap_queues(Q):
    import queue as _q

    def qtype(q):
        return "JoinableQueue" if isinstance(q, Q.JoinableQueue) else ("SimpleQueue" if isinstance(q, Q.SimpleQueue) else "Queue")

    for cls in (Q.Queue, Q.JoinableQueue, Q.SimpleQueue):
        _wrap_queue_ctor(cls, qtype)

    def make_put(o_put):
        def put(self, obj, block=True, timeout=None):
            f = _user(2)
            if f is None:
                return o_put(self, obj, block, timeout)
            return _qput(self, o_put, obj, block, timeout, f, qtype(self))
        return put

    def make_get(o_get):
        def get(self, block=True, timeout=None):
            f = _user(2)
            if f is None:
                return _untag(o_get(self, block, timeout))[0]
            return _qget(self, o_get, block, timeout, f, qtype(self))
        return get

    for cls in (Q.Queue, Q.JoinableQueue):
        if "put" in cls.__dict__:
            o = cls.__dict__["put"]
            cls.put = make_put(o)
            cls._pt_put = o
        if "get" in cls.__dict__:
            o = cls.__dict__["get"]
            cls.get = make_get(o)
            cls._pt_get = o

    def put_nowait(self, obj):
        f = _user(2)
        if f is None:
            return type(self)._pt_put(self, obj, False)
        return _qput(self, type(self)._pt_put, obj, False, None, f, qtype(self))

    def get_nowait(self):
        f = _user(2)
        if f is None:
            return _untag(type(self)._pt_get(self, False))[0]
        return _qget(self, type(self)._pt_get, False, None, f, qtype(self))

    Q.Queue.put_nowait = put_nowait
    Q.Queue.get_nowait = get_nowait

    o_td, o_join = Q.JoinableQueue.task_done, Q.JoinableQueue.join

    def task_done(self):
        f = _user(2)
        if f is None:
            return o_td(self)
        oid = _use(self, "JoinableQueue", f)
        left = self._unfinished_tasks._semlock._get_value()
        if left > 0:  # it will not raise: told first, before join() can return
            _emit("queue.task_done", oid, left - 1, f=f)
        _tls.busy = True
        try:
            o_td(self)
        except ValueError as e:
            _emit("queue.task_done", oid, None, f=f, err="ValueError")
            raise
        finally:
            _tls.busy = False
        if left <= 0:
            _emit("queue.task_done", oid, self._unfinished_tasks._semlock._get_value(), f=f)

    def join(self):
        f = _user(2)
        if f is None:
            return o_join(self)
        oid = _use(self, "JoinableQueue", f)
        _emit("queue.join", oid, self._unfinished_tasks._semlock._get_value(), f=f)
        _tls.busy = True
        try:
            return o_join(self)
        finally:
            _tls.busy = False

    Q.JoinableQueue.task_done, Q.JoinableQueue.join = task_done, join

    SQ = Q.SimpleQueue
    o_sput, o_sget = SQ.put, SQ.get

    def sput(self, obj):
        f = _user(2)
        if f is None:
            return o_sput(self, obj)
        oid = _use(self, "SimpleQueue", f)
        _emit("queue.put", oid, _jv(obj), f=f)  # told first: the getter may have it at once
        _tls.busy = True
        try:
            o_sput(self, obj)
        finally:
            _tls.busy = False

    def sget(self):
        f = _user(2)
        if f is None:
            return o_sget(self)
        oid = _use(self, "SimpleQueue", f)
        if not self._poll():
            _emit("queue.block", oid, {"op": "get", "timeout": None}, f=f)
        _tls.busy = True
        try:
            r = o_sget(self)
        finally:
            _tls.busy = False
        _emit("queue.get", oid, _jv(r), f=f)
        return r

    SQ.put, SQ.get = sput, sget


def _wrap_queue_ctor(cls, qtype):
    orig = cls.__init__

    def __init__(self, *a, **k):
        orig(self, *a, **k)
        t = qtype(self)
        oid = _oid(self)
        _creation_hint(self, t, oid)
        f = _user(2)
        if f is not None and type(self) is cls:
            ms = getattr(self, "_maxsize", 0)
            if ms >= (1 << 30):
                ms = 0
            _emit("queue.new", oid, {"maxsize": ms, "joinable": t == "JoinableQueue"}, f=f)
    cls.__init__ = __init__


_TAG = "\0proctour-put"
_put_ids = __import__("itertools").count(1)  # next() is atomic: threads never share an id


def _untag(r):
    """A queue's item as the program put it, and the put it came from
    (its process and id), or None for an item put without a tag."""
    if type(r) is tuple and len(r) == 4 and r[0] == _TAG:
        return r[3], [r[1], r[2]]
    return r, None


def _qput(q, o_put, obj, block, timeout, f, typ):
    import queue as _q
    oid = _use(q, typ, f)
    if block and q._sem._semlock._get_value() == 0:
        _emit("queue.block", oid, {"op": "put", "timeout": timeout}, f=f)
    pn = next(_put_ids)
    told = []

    def post():
        # the slot is taken: the put will happen; stamped before the item
        # can reach the feeder thread, and so a getter
        if not told:
            told.append(True)
            _tls.post_acquire = None
            _emit("queue.put", oid, _jv(obj), f=f, pn=pn)
    _tls.post_acquire = post
    _tls.busy = True
    try:
        o_put(q, (_TAG, os.getpid(), pn, obj), block, timeout)
    except _q.Full:
        _emit("queue.put", oid, _jv(obj), f=f, err="queue.Full")
        raise
    except ValueError:
        _emit("queue.put", oid, _jv(obj), f=f, err="ValueError")
        raise
    finally:
        _tls.busy = False
        _tls.post_acquire = None
    if not told:
        _emit("queue.put", oid, _jv(obj), f=f, pn=pn)


def _readable(conn, timeout):
    """Whether conn has data within timeout seconds: poll(2) directly (a
    Connection's own poll builds a selector each time)."""
    import select
    p = conn.__dict__.get("_pt_poller")
    if p is None or conn.__dict__.get("_pt_pollfd") != conn.fileno():
        p = select.poll()
        p.register(conn.fileno(), select.POLLIN)
        conn._pt_poller, conn._pt_pollfd = p, conn.fileno()
    return bool(p.poll(int(timeout * 1000)))


def _qget(q, o_get, block, timeout, f, typ):
    import queue as _q
    oid = _use(q, typ, f)
    if block:
        # The feeder thread writes a put's item a moment later: a get that
        # has its item within 2ms is not reported as waiting.
        try:
            # an item in this process's own buffer is the feeder's to write
            # at once: no poll (one syscall and a switch to the feeder)
            empty = not q._buffer and not _readable(q._reader, 0.002 if timeout is None else min(timeout, 0.002))
        except Exception:
            empty = False
        if empty:
            _emit("queue.block", oid, {"op": "get", "timeout": timeout}, f=f)
    stamp = [None]

    def pre():
        if stamp[0] is None:
            stamp[0] = _mono()
    _tls.pre_release = pre
    _tls.busy = True
    try:
        r = o_get(q, block, timeout)
    except _q.Empty:
        _emit("queue.get", oid, None, f=f, err="queue.Empty")
        raise
    finally:
        _tls.busy = False
        _tls.pre_release = None
    r, after = _untag(r)
    if after is None:
        _emit("queue.get", oid, _jv(r), mono=stamp[0], f=f)
    else:
        _emit("queue.get", oid, _jv(r), mono=stamp[0], f=f, after=after)
    return r


# ---- pipes

def _wrap_pipes(C):
    o_pipe = C.Pipe

    def Pipe(duplex=True):
        a, b = o_pipe(duplex)
        f = _user(2)
        if f is not None:
            oa, ob = _oid(a), _oid(b)
            names = _line_names(f)
            if len(names) == 2:
                _hint(oa, "Connection", names[0])
                _hint(ob, "Connection", names[1])
            _emit("pipe.new", "", {"ends": [oa, ob], "duplex": bool(duplex)}, f=f)
        return a, b
    C.Pipe = Pipe

    if sys.platform.startswith("linux"):
        # The forkserver's and the managers' Unix sockets go to Linux's
        # abstract namespace rather than a pymp-* directory, which a
        # killed run would leave behind.
        o_addr = C.arbitrary_address

        def arbitrary_address(family):
            if family == "AF_UNIX":
                import tempfile
                return "\0pymp-%d-%s" % (os.getpid(), next(tempfile._get_candidate_names()))
            return o_addr(family)
        C.arbitrary_address = arbitrary_address

    B = C._ConnectionBase
    o_send, o_recv, o_close, o_poll = B.send, B.recv, B.close, B.poll

    def poll(self, timeout=0.0):
        f = _user(2)
        if f is None:
            return o_poll(self, timeout)
        oid = _use(self, "Connection", f)
        _tls.busy = True
        try:
            if timeout is None or timeout > 0:
                if not o_poll(self, 0):
                    _emit("pipe.block", oid, "poll", f=f)
            r = o_poll(self, timeout)
        except Exception as e:
            _emit("pipe.poll", oid, {"timeout": timeout, "ready": False}, f=f, err=_ename(e))
            raise
        finally:
            _tls.busy = False
        _emit("pipe.poll", oid, {"timeout": timeout, "ready": bool(r)}, f=f)
        return r

    def send(self, obj):
        f = _user(2)
        if f is None:
            return o_send(self, obj)
        oid = _use(self, "Connection", f)
        mono = _mono()
        _tls.busy = True
        try:
            # Connection.send, in two: the value pickled (which may raise),
            # told, then written, so that the event is out before the
            # receiver can have the value
            self._check_closed()
            self._check_writable()
            data = C._ForkingPickler.dumps(obj)
        except Exception as e:
            _tls.busy = False
            _emit("pipe.send", oid, _jv(obj), mono=mono, f=f, err=_ename(e))
            raise
        _tls.busy = False
        _emit("pipe.send", oid, _jv(obj), f=f)
        _tls.busy = True
        try:
            self._send_bytes(data)
        except Exception as e:
            _emit("pipe.send", oid, _jv(obj), f=f, err=_ename(e))  # told as sent just before: rare (a broken pipe)
            raise
        finally:
            _tls.busy = False

    def recv(self):
        f = _user(2)
        if f is None:
            return o_recv(self)
        oid = _use(self, "Connection", f)
        try:
            ready = o_poll(self, 0)
        except Exception:
            ready = True
        if not ready:
            _emit("pipe.block", oid, "recv", f=f)
        _tls.busy = True
        try:
            r = o_recv(self)
        except EOFError:
            _emit("pipe.eof", oid, None, f=f, err="EOFError")
            raise
        finally:
            _tls.busy = False
        _emit("pipe.recv", oid, _jv(r), f=f)
        return r

    def close(self):
        f = _user(2)
        if f is None or self.closed:
            return o_close(self)
        oid = _use(self, "Connection", f)
        _emit("pipe.close", oid, None, f=f)
        _tls.busy = True
        try:
            return o_close(self)
        finally:
            _tls.busy = False

    B.send, B.recv, B.close, B.poll = send, recv, close, poll


# ---- processes

def _target_name(p):
    t = getattr(p, "_target", None)
    if t is None:
        return type(p).__module__.replace("__main__", _prog_stem).replace("__mp_main__", _prog_stem) + "." + type(p).__name__ + ".run"
    q = getattr(t, "__qualname__", "") or getattr(t, "__name__", "")
    mod = getattr(t, "__module__", "") or ""
    if q.endswith("_run_server") and mod.startswith("multiprocessing"):
        return "manager.server"
    if t is _pool_worker or t is _exec_worker or (mod.startswith(("multiprocessing.pool", "concurrent.futures")) and "worker" in q):
        return "pool.worker"
    if mod in ("__main__", "__mp_main__"):
        mod = _prog_stem
    return (mod + "." + q) if mod else q


def _wrap_process(P):
    BP = P.BaseProcess
    o_boot, o_start, o_join = BP._bootstrap, BP.start, BP.join
    o_term, o_kill = BP.terminate, BP.kill

    def start(self):
        f = _user(2)
        if f is not None:
            self._pt_line = _line(f)
        # the child's proc.start is stamped with the moment start() was
        # called (the child has it in its copy of self, forked or
        # unpickled): what the parent does after start() comes after it,
        # however late the child boots
        self._pt_mono = t0 = _mono()
        r = o_start(self)
        if _sock is not None and self.pid:
            _raw({"k": "child", "pid": self.pid, "mono": t0})  # on its way: proctour waits for its start
        return r

    def _bootstrap(self, parent_sentinel=None):
        global _started
        import multiprocessing.connection as C
        _started = True
        # stamped when its parent called start(); a fork server's child
        # after the fork server's own start (it boots during the first
        # start(), and is the child's parent)
        mono = self.__dict__.get("_pt_mono") or _mono()
        if _forkserver_mono and mono <= _forkserver_mono:
            mono = _forkserver_mono + 1
        msg = {"k": "ev", "kind": "proc.start", "oid": "", "val": _target_name(self),
               "mono": mono, "name": self.name, "ppid": os.getppid(), "daemon": bool(self.daemon)}
        ln = self.__dict__.get("_pt_line")
        if ln:
            msg["line"] = ln
        _raw(msg)
        pend = _pending[:]
        del _pending[:]
        for m in pend:
            m["mono"] = msg["mono"]
            _raw(m)
        _flush_on_sigterm()
        for a in list(self._args) + list(self._kwargs.values()):
            if isinstance(a, C._ConnectionBase) and not a.closed:
                _emit("pipe.inherit", _oid(a), None)
                _hint(_oid(a), "Connection", None)
        code = o_boot(self, parent_sentinel)
        _flush_streams()
        _raw({"k": "ev", "kind": "proc.exit", "oid": "", "val": code, "mono": _mono()})
        return code

    def join(self, timeout=None):
        f = _user(2)
        if f is None and not getattr(_tls, "exiting", False):
            return o_join(self, timeout)
        _emit("proc.join", "", timeout, f=f, obj=self.name)
        _tls.busy = True
        try:
            return o_join(self, timeout)
        finally:
            _tls.busy = False

    def terminate(self):
        f = _user(2)
        if f is not None or getattr(_tls, "exiting", False):
            _emit("proc.terminate", "", "SIGTERM", f=f, obj=self.name)
        return o_term(self)

    def kill(self):
        f = _user(2)
        if f is not None:
            _emit("proc.terminate", "", "SIGKILL", f=f, obj=self.name)
        return o_kill(self)

    BP.start, BP._bootstrap, BP.join, BP.terminate, BP.kill = start, _bootstrap, join, terminate, kill

    # A parent that sees a child's exit code tells proctour: a child killed
    # by a signal cannot say so itself.
    import multiprocessing.popen_fork as PF
    classes = [PF.Popen]
    try:
        import multiprocessing.popen_forkserver as PFS
        classes.append(PFS.Popen)
    except ImportError:
        pass
    for cls in classes:
        _wrap_poll(cls)


def _wrap_forkserver():
    """The fork server (forkserver's machinery process, started by the
    program's main process) is told as a process of its own: its start,
    what it prints (a preloaded __main__'s top-level code), and its end
    once the main process has gone. Its children say it is their parent."""
    import multiprocessing.forkserver as FS
    o_main = FS.main

    def main(*a, **k):
        global _started
        if _role != "machinery" or _started:
            return o_main(*a, **k)
        _started = True
        me = os.getpid()
        _no_pdeathsig()  # it ends by itself once the main process has gone, as without proctour
        global _forkserver_mono
        _forkserver_mono = _mono()  # (its children, forked from it, have it)
        _raw({"k": "ev", "kind": "proc.start", "oid": "", "val": "forkserver", "mono": _forkserver_mono,
              "name": "ForkServer", "ppid": os.getppid(), "daemon": False})
        code = 1
        try:
            o_main(*a, **k)
            code = 0
        except SystemExit as e:  # how it ends: the main process has gone
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            raise
        finally:
            if os.getpid() == me:  # its forked children end by os._exit
                _flush_streams()
                _raw({"k": "ev", "kind": "proc.exit", "oid": "", "val": code, "mono": _mono()})
    FS.main = main


def _die_of_sigterm():
    import signal
    if threading.current_thread() is not threading.main_thread():
        # Only the main thread may set a handler: signal.signal raised
        # ValueError here, the flusher thread died of it, and a process
        # terminated while its flusher sent lived on (a pool's worker at
        # the end of 'with Pool()', a daemon at the main code's end: the
        # parent then waited for it forever). The main thread runs the
        # handler again, which finds the send done, sends the rest and dies.
        signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)
        return
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _flush_on_sigterm():
    """A process terminated with SIGTERM (p.terminate(), a pool's or the
    main code's end for daemons) first sends what it has buffered, then
    dies of the signal as it would have."""
    import signal
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def on_term(sig, frame):
        global _term_pending
        _term_pending = True
        if not _send_lock.acquire(blocking=False):
            # A send is under way, maybe this thread's own (the handler
            # runs between bytecodes, or in sendall's retry after EINTR):
            # waiting for _send_lock here could wait for itself forever.
            # That send's _flush dies of the signal once it is done.
            return
        _send_lock.release()
        try:
            _flush_streams()
            _flush()
        finally:
            _die_of_sigterm()
    try:
        signal.signal(signal.SIGTERM, on_term)
    except (ValueError, OSError):
        pass


def _wrap_poll(cls):
    o_poll = cls.__dict__["poll"]

    def poll(self, flag=os.WNOHANG):
        rc = o_poll(self, flag)
        if rc is not None and self.pid not in _reaped:
            _reaped.add(self.pid)
            _raw({"k": "reap", "pid": self.pid, "code": rc})
        return rc
    cls.poll = poll




# ---- managers

def _peer_pid(c):
    try:
        import socket
        import struct
        s = socket.socket(fileno=os.dup(c.fileno()))
        try:
            cred = s.getsockopt(socket.SOL_SOCKET, getattr(socket, "SO_PEERCRED", 17), struct.calcsize("3i"))
        finally:
            s.close()
        return struct.unpack("3i", cred)[0]
    except Exception:
        return 0


def _managed_value(obj):
    import multiprocessing.managers as M
    if isinstance(obj, (dict, list)):
        return _jv(obj)
    if isinstance(obj, M.Namespace):
        return _jv({k: v for k, v in vars(obj).items() if not k.startswith("_")})
    if isinstance(obj, M.Value):
        return _jv(obj.value)
    return _jv(repr(obj))


class _SrvConn:
    def __init__(self, server, conn):
        self._server, self._conn, self._req = server, conn, None
        self._pid = _peer_pid(conn)

    def recv(self):
        r = self._conn.recv()
        self._req = r
        return r

    def send(self, msg):
        req, self._req = self._req, None
        try:
            if req and isinstance(msg, tuple) and msg[0] in ("#RETURN", "#ERROR", "#PROXY"):
                ident, method, args, kwds = req
                ent = self._server.id_to_obj.get(ident)
                if ent is not None and not method.startswith("#"):
                    obj = ent[0]
                    _raw({"k": "ev", "kind": "manager.serve", "oid": "m:" + ident, "mono": _mono(),
                          "val": {"method": method, "args": _jv(list(args)), "type": _typeid(self._server, ident),
                                  "pid": self._pid, "value": _managed_value(obj)}})
        except Exception:
            pass
        return self._conn.send(msg)

    def __getattr__(self, n):
        return getattr(self._conn, n)


def _typeid(server, ident):
    return getattr(server, "_pt_types", {}).get(ident, "")


def _wrap_managers(M):
    S = M.Server
    o_serve, o_create = S.serve_client, S.create

    def serve_client(self, conn):
        return o_serve(self, _SrvConn(self, conn))

    def create(self, c, typeid, /, *args, **kwds):
        ident, exposed = o_create(self, c, typeid, *args, **kwds)
        try:
            if not hasattr(self, "_pt_types"):
                self._pt_types = {}
            self._pt_types[ident] = typeid
            obj = self.id_to_obj[ident][0]
            _raw({"k": "ev", "kind": "manager.new", "oid": "m:" + ident, "mono": _mono(),
                  "val": {"type": typeid, "pid": _peer_pid(c), "value": _managed_value(obj)}})
        except Exception:
            pass
        return ident, exposed

    S.serve_client, S.create = serve_client, create

    BP = M.BaseProxy
    o_call, o_init = BP._callmethod, BP.__init__

    def __init__(self, token, *a, **k):
        o_init(self, token, *a, **k)
        if _started or _sock is not None:
            f = _user(2, transparent="managers.py")
            if f is not None:
                names = _line_names(f)
                _hint("m:" + token.id, token.typeid, names[0] if len(names) == 1 else None)

    def _callmethod(self, methodname, args=(), kwds={}):
        f = _user(2, transparent="managers.py")
        if f is None:
            return o_call(self, methodname, args, kwds)
        oid = "m:" + self._token.id
        if oid not in _named:
            _hint(oid, self._token.typeid, _walk_name(self, f))
        val = {"type": self._token.typeid, "method": methodname, "args": _jv(list(args))}
        _tls.busy = True
        try:
            r = o_call(self, methodname, args, kwds)
        except Exception as e:
            _emit("manager.call", oid, val, f=f, err=_ename(e))
            raise
        finally:
            _tls.busy = False
        val["result"] = _jv(r)
        _emit("manager.call", oid, val, f=f)
        return r

    BP.__init__, BP._callmethod = __init__, _callmethod


# ---- pools

def _fname(fn):
    mod = getattr(fn, "__module__", "") or ""
    if mod in ("__main__", "__mp_main__"):
        mod = _prog_stem
    q = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    return (mod + "." + q) if mod else q


_chunk_size = {}  # a map's job → its chunksize, as far as this worker has seen


class _WorkerIn:
    def __init__(self, q, oid, executor):
        self._q, self._oid, self._ex = q, oid, executor
        self.cur = None

    def get(self, *a, **k):
        task = self._q.get(*a, **k)
        try:
            if self._ex:
                if task is not None:
                    job, fn, args = task.work_id + 1, task.fn, task.args
                    if getattr(fn, "func", None) is not None and getattr(fn.func, "__name__", "") == "_process_chunk":
                        fn, args = fn.keywords.get("fn", fn), args
                    self.cur = (job, 0, _fname(fn), None)
                    _emit("pool.task_start", self._oid, {"job": job, "i": 0, "func": _fname(fn), "args": _jv(args[0] if len(args) == 1 else args), "take": True})
            elif task is not None:
                job, i, fn, args, kwds = task
                name = fn
                arg = args
                items = None
                if getattr(fn, "__name__", "") in ("mapstar", "starmapstar") and args and len(args[0]) == 2:
                    # a chunk of a map: its items are told one by one, as
                    # the Go pool tells them; i is the first item's index
                    # (every chunk but the last has the job's chunksize:
                    # the largest this worker has seen of the job)
                    name, items = args[0][0], list(args[0][1])
                    size = _chunk_size[job] = max(_chunk_size.get(job, 0), len(items))
                    i, arg = i * size, items[0] if items else None
                elif len(args) == 1:
                    arg = args[0]
                self.cur = (job, i, _fname(name), items)
                _emit("pool.task_start", self._oid, {"job": job, "i": i, "func": _fname(name), "args": _jv(arg), "take": True})
        except Exception:
            pass
        return task

    def __getattr__(self, n):
        return getattr(self._q, n)


class _WorkerOut:
    def __init__(self, q, oid, win, executor):
        self._q, self._oid, self._in, self._ex = q, oid, win, executor

    def put(self, item, *a, **k):
        try:
            cur = self._in.cur
            if cur is not None:
                job, i, fn, items = cur
                val = {"job": job, "i": i, "func": fn}
                err = None
                if self._ex:
                    if getattr(item, "exception", None) is not None:
                        err = type(item.exception).__name__
                        if err == "_ExceptionWithTraceback":
                            err = type(item.exception.exc).__name__
                    else:
                        val["result"] = _jv(getattr(item, "result", None))
                else:
                    ok, res = item[2]
                    if ok and items is not None and isinstance(res, list) and len(res) == len(items):
                        for n, r in enumerate(res):
                            if n:
                                _emit("pool.task_start", self._oid, {"job": job, "i": i + n, "func": fn, "args": _jv(items[n]), "take": False})
                            _emit("pool.task_done", self._oid, {"job": job, "i": i + n, "func": fn, "result": _jv(r)})
                        self._in.cur = None
                        return self._q.put(item, *a, **k)
                    if ok:
                        val["result"] = _jv(res)
                    else:
                        err = type(res).__name__
                        if err == "ExceptionWithTraceback":
                            err = type(getattr(res, "exc", res)).__name__
                _emit("pool.task_done", self._oid, val, err=err)
                self._in.cur = None
        except Exception:
            pass
        return self._q.put(item, *a, **k)

    def __getattr__(self, n):
        return getattr(self._q, n)


def _pool_worker(inqueue, outqueue, *a, **k):
    import multiprocessing.pool as MP
    oid = "P:" + _oid(inqueue)
    _emit("pool.worker", oid, None)
    win = _WorkerIn(inqueue, oid, False)
    return MP._pt_worker(win, _WorkerOut(outqueue, oid, win, False), *a, **k)


def _exec_worker(call_queue, result_queue, *a, **k):
    import concurrent.futures.process as CP
    oid = "P:" + _oid(call_queue)
    _emit("pool.worker", oid, None)
    win = _WorkerIn(call_queue, oid, True)
    return CP._pt_worker(win, _WorkerOut(result_queue, oid, win, True), *a, **k)


def _pool_oid(pool):
    return "P:" + _oid(pool._inqueue)


def _wrap_pool(MP):
    P = MP.Pool
    MP._pt_worker = MP.worker
    MP.worker = _pool_worker
    _pool_worker.__module__ = __name__

    o_repop = P._repopulate_pool

    def _repopulate_pool(self):
        # Called once by __init__, before the first worker starts.
        if not self.__dict__.get("_pt_new"):
            self._pt_new = True
            f = _user(3)
            if f is not None:
                oid = _pool_oid(self)
                names = _line_names(f)
                _hint(oid, "Pool", names[0] if len(names) == 1 else None)
                _emit("pool.new", oid, {"ctor": "Pool", "maxtasksperchild": self._maxtasksperchild or 0,
                                        "processes": self._processes}, f=f)
        return o_repop(self)
    P._repopulate_pool = _repopulate_pool

    o_apply_async, o_map_async = P.apply_async, P._map_async

    def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):
        f = _user(2)
        how = getattr(_tls, "how", None)
        if f is None and how is None:
            return o_apply_async(self, func, args, kwds, callback, error_callback)
        mono = _mono()
        r = o_apply_async(self, func, args, kwds, callback, error_callback)
        _emit("pool.submit", _pool_oid(self), {"job": r._job, "func": _fname(func), "args": _jv(args[0] if len(args) == 1 else args),
                                              "items": 1, "chunks": 1, "how": how or "apply_async"}, mono=mono, f=f or getattr(_tls, "howf", None))
        return r

    def _map_async(self, func, iterable, mapper, chunksize=None, callback=None, error_callback=None):
        how = getattr(_tls, "how", None)
        if how is None:
            return o_map_async(self, func, iterable, mapper, chunksize, callback, error_callback)
        if not hasattr(iterable, "__len__"):
            iterable = list(iterable)
        mono = _mono()
        r = o_map_async(self, func, iterable, mapper, chunksize, callback, error_callback)
        _emit("pool.submit", _pool_oid(self), {"job": r._job, "func": _fname(func), "args": _jv(list(iterable)),
                                              "items": len(iterable), "chunks": r._number_left, "how": how}, mono=mono, f=_tls.howf)
        return r

    P.apply_async, P._map_async = apply_async, _map_async

    def with_how(name, orig, get_after=False):
        def m(self, *a, **k):
            f = _user(2)
            if f is None:
                return orig(self, *a, **k)
            _tls.how, _tls.howf = name, f
            try:
                r = orig(self, *a, **k)
            finally:
                _tls.how = None
            if get_after:
                _emit("pool.get", _pool_oid(self), {"job": -1, "value": _jv(r), "how": name}, f=f)
            return r
        return m

    for name in ("map_async", "starmap_async"):
        setattr(P, name, with_how(name, getattr(P, name)))

    o_apply, o_map, o_starmap = P.apply, P.map, P.starmap

    def apply(self, func, args=(), kwds={}):
        f = _user(2)
        if f is None:
            return o_apply(self, func, args, kwds)
        _tls.how, _tls.howf = "apply", f
        try:
            r = apply_async(self, func, args, kwds)
        finally:
            _tls.how = None
        return _result_get(r, None, f)

    def make_map(name, mapper):
        def m(self, func, iterable, chunksize=None):
            f = _user(2)
            if f is None:
                return (o_map if name == "map" else o_starmap)(self, func, iterable, chunksize)
            _tls.how, _tls.howf = name, f
            try:
                r = _map_async(self, func, iterable, mapper, chunksize)
            finally:
                _tls.how = None
            return _result_get(r, None, f)
        return m

    P.apply = apply
    P.map = make_map("map", MP.mapstar)
    P.starmap = make_map("starmap", MP.starmapstar)

    for name in ("imap", "imap_unordered"):
        o = getattr(P, name)

        def mk(o, name):
            def m(self, func, iterable, chunksize=1):
                f = _user(2)
                if f is None:
                    return o(self, func, iterable, chunksize)
                items = list(iterable)
                mono = _mono()
                it = o(self, func, items, chunksize)
                inner = it
                if not isinstance(it, MP.IMapIterator):  # chunked: a generator over an IMapIterator
                    try:
                        inner = it.gi_frame.f_locals[".0"]
                    except Exception:
                        inner = None
                job = getattr(inner, "_job", -1)
                if inner is not None and name == "imap_unordered":
                    inner._pt_chunk = chunksize
                _emit("pool.submit", _pool_oid(self), {"job": job, "func": _fname(func), "args": _jv(items), "items": len(items),
                                                      "chunks": (len(items) + chunksize - 1) // max(chunksize, 1), "how": name}, mono=mono, f=f)
                return _IMap(it, inner, job, name, _pool_oid(self))
            return m
        setattr(P, name, mk(o, name))

    UI = MP.IMapUnorderedIterator
    o_uset = UI._set

    def _uset(self, i, obj):
        # which items arrive, in the order the iterator hands them out
        order = self.__dict__.get("_pt_order")
        if order is None:
            order = self._pt_order = __import__("collections").deque()
        ok, value = obj
        size = self.__dict__.get("_pt_chunk", 1)
        if size > 1 and ok and isinstance(value, list):
            order.extend(range(i * size, i * size + len(value)))
        else:
            order.append(i * size)
        return o_uset(self, i, obj)
    UI._set = _uset

    for name, kind in (("close", "pool.close"), ("terminate", "pool.terminate"), ("join", "pool.join")):
        o = getattr(P, name)

        def mk2(o, kind):
            def m(self):
                f = _user(2)
                if f is not None:
                    _emit(kind, _pool_oid(self), None, f=f)
                    _tls.busy = True
                    try:
                        return o(self)
                    finally:
                        _tls.busy = False
                return o(self)
            return m
        setattr(P, name, mk2(o, kind))

    o_exit = P.__exit__

    def __exit__(self, *a):
        f = _user(2)
        if f is not None:
            _emit("pool.terminate", _pool_oid(self), None, f=f)
        _tls.busy = True
        try:
            return o_exit(self, *a)
        finally:
            _tls.busy = False
    P.__exit__ = __exit__

    AR = MP.ApplyResult
    o_get = AR.get

    def get(self, timeout=None):
        f = _user(2)
        if f is None:
            return o_get(self, timeout)
        return _result_get(self, timeout, f)
    AR.get = get
    AR._pt_get = o_get

    o_set = AR._set

    def _set(self, i, obj):
        ok, value = obj
        cb = self._callback if ok else self._error_callback
        if cb is None:
            return o_set(self, i, obj)
        pool = getattr(self, "_pool", None)
        oid = _pool_oid(pool) if pool is not None else ""
        _emit("pool.callback", oid, {"job": self._job, "callback": getattr(cb, "__name__", repr(cb)), "value": _jv(value)},
              err=None if ok else type(value).__name__)
        _tls.cb = True
        try:
            return o_set(self, i, obj)
        finally:
            _tls.cb = False
    AR._set = _set

    MR = MP.MapResult
    o_mset = MR._set

    def _mset(self, i, success_result):
        ok, value = success_result
        last = self._number_left == 1 and ok and self._success
        if not (last and self._callback) and not (not ok and self._success and self._error_callback):
            return o_mset(self, i, success_result)
        pool = getattr(self, "_pool", None)
        oid = _pool_oid(pool) if pool is not None else ""
        cb = self._callback if ok else self._error_callback
        if ok:
            v = list(self._value)
            v[i * self._chunksize:(i + 1) * self._chunksize] = value
        else:
            v = None
        _emit("pool.callback", oid, {"job": self._job, "callback": getattr(cb, "__name__", repr(cb)), "value": _jv(v)},
              err=None if ok else type(value).__name__)
        _tls.cb = True
        try:
            return o_mset(self, i, success_result)
        finally:
            _tls.cb = False
    MR._set = _mset


class _IMap:
    """The iterator imap and imap_unordered return: each item handed out
    is a pool.get of that item."""

    def __init__(self, it, inner, job, how, oid):
        self._it, self._inner, self._job, self._how, self._oid = it, inner, job, how, oid
        self._k = 0

    def __iter__(self):
        return self

    def __next__(self):
        return self._next(None, _user(2))

    def next(self, timeout=None):
        return self._next(timeout, _user(2))

    def _next(self, timeout, f):
        import multiprocessing as mp
        k = self._k
        if self._how == "imap_unordered":
            order = getattr(self._inner, "_pt_order", None)
        _tls.busy = True
        try:
            v = next(self._it) if timeout is None else self._it.next(timeout)
        except (StopIteration, mp.TimeoutError):
            raise
        except Exception as e:
            self._k += 1
            _emit("pool.get", self._oid, {"job": self._job, "value": None, "how": self._how, "item": self._item(k)}, f=f, err=_ename(e))
            raise
        finally:
            _tls.busy = False
        self._k += 1
        if f is not None:
            _emit("pool.get", self._oid, {"job": self._job, "value": _jv(v), "how": self._how, "item": self._item(k)}, f=f)
        return v

    def _item(self, k):
        if self._how != "imap_unordered":
            return k
        try:
            return self._inner._pt_order.popleft()
        except Exception:
            return k

    def __getattr__(self, n):
        return getattr(self._it, n)


def _result_get(r, timeout, f):
    import multiprocessing as mp
    pool = getattr(r, "_pool", None)
    oid = r.__dict__.get("_pt_pool")
    if oid is None and pool is not None:
        oid = r._pt_pool = _pool_oid(pool)
    _tls.busy = True
    try:
        v = type(r)._pt_get(r, timeout) if hasattr(type(r), "_pt_get") else r.get(timeout)
    except mp.TimeoutError:
        _emit("pool.get", oid or "", {"job": r._job, "value": None, "how": "get"}, f=f, err="multiprocessing.TimeoutError")
        raise
    except Exception as e:
        _emit("pool.get", oid or "", {"job": r._job, "value": None, "how": "get"}, f=f, err=_ename(e))
        raise
    finally:
        _tls.busy = False
    _emit("pool.get", oid or "", {"job": r._job, "value": _jv(v), "how": "get"}, f=f)
    return v


def _wrap_executor(CP, FB):
    CP._pt_worker = CP._process_worker
    CP._process_worker = _exec_worker
    E = CP.ProcessPoolExecutor
    o_init, o_submit, o_shutdown, o_map = E.__init__, E.submit, E.shutdown, E.map

    def xoid(ex):
        o = ex.__dict__.get("_pt_oid2")
        if o is None:
            o = ex._pt_oid2 = "P:" + _oid(ex._call_queue)
        return o

    def __init__(self, *a, **k):
        o_init(self, *a, **k)
        f = _user(2)
        if f is not None:
            oid = xoid(self)
            names = _line_names(f)
            _hint(oid, "ProcessPoolExecutor", names[0] if len(names) == 1 else None)
            _emit("pool.new", oid, {"ctor": "ProcessPoolExecutor", "maxtasksperchild": 0, "processes": self._max_workers}, f=f)

    def submit(self, fn, /, *args, **kwargs):
        f = _user(2)
        how = getattr(_tls, "how", None)
        if f is None and how is None:
            return o_submit(self, fn, *args, **kwargs)
        mono = _mono()
        job = self._queue_count + 1
        fut = o_submit(self, fn, *args, **kwargs)
        fut._pt_job, fut._pt_pool = job, xoid(self)
        name = fn
        if getattr(fn, "func", None) is not None and getattr(fn.func, "__name__", "") == "_process_chunk":
            name = fn.keywords.get("fn", fn)
        _emit("pool.submit", xoid(self), {"job": job, "func": _fname(name), "args": _jv(args[0] if len(args) == 1 else list(args)),
                                         "items": 1, "chunks": 1, "how": how or "submit"}, mono=mono, f=f or getattr(_tls, "howf", None))
        return fut

    def map(self, fn, *iterables, **k):
        f = _user(2)
        if f is None:
            return o_map(self, fn, *iterables, **k)
        _tls.how, _tls.howf = "map", f
        try:
            return o_map(self, fn, *iterables, **k)
        finally:
            _tls.how = None

    def shutdown(self, wait=True, **k):
        f = _user(2)
        if f is None and not getattr(_tls, "xexit", False):
            return o_shutdown(self, wait, **k)
        if self._call_queue is not None:
            oid = xoid(self)
            _emit("pool.close", oid, None, f=f or getattr(_tls, "howf", None))
            if wait:
                _emit("pool.join", oid, None, f=f or getattr(_tls, "howf", None))
        _tls.busy = True
        try:
            return o_shutdown(self, wait, **k)
        finally:
            _tls.busy = False

    E.__init__, E.submit, E.shutdown, E.map = __init__, submit, shutdown, map

    o_exit = FB.Executor.__exit__

    def __exit__(self, *a):
        f = _user(2)
        if f is not None and isinstance(self, E):
            _tls.xexit, _tls.howf = True, f
            try:
                return o_exit(self, *a)
            finally:
                _tls.xexit = False
        return o_exit(self, *a)
    FB.Executor.__exit__ = __exit__

    F = FB.Future
    o_result, o_adcb, o_invoke = F.result, F.add_done_callback, F._invoke_callbacks

    def result(self, timeout=None):
        job = self.__dict__.get("_pt_job")
        f = _user(2) if job else None
        if f is None:
            return o_result(self, timeout)
        _tls.busy = True
        try:
            v = o_result(self, timeout)
        except Exception as e:
            _emit("pool.get", self._pt_pool, {"job": job, "value": None, "how": "result"}, f=f, err=_ename(e))
            raise
        finally:
            _tls.busy = False
        _emit("pool.get", self._pt_pool, {"job": job, "value": _jv(v), "how": "result"}, f=f)
        return v

    def add_done_callback(self, fn):
        job = self.__dict__.get("_pt_job")
        f = _user(2) if job else None
        if f is None:
            return o_adcb(self, fn)
        me = self

        def cb(fut):
            try:
                v = fut.result(0) if not fut.cancelled() and fut.exception(0) is None else None
            except Exception:
                v = None
            _emit("pool.callback", me._pt_pool, {"job": job, "callback": getattr(fn, "__name__", repr(fn)), "value": _jv(v), "how": "future"})
            _tls.cb = True
            try:
                return fn(fut)
            finally:
                _tls.cb = False
        return o_adcb(self, cb)

    F.result, F.add_done_callback = result, add_done_callback


# ---- sleep, open

def _wrap_time():
    o_sleep = time.sleep

    def sleep(secs):
        f = _user(2)
        if f is not None:
            _emit("sleep", "", _jv(secs), f=f)
        return o_sleep(secs)
    time.sleep = sleep


class _File:
    def __init__(self, fobj, name, mode):
        self._f, self._name = fobj, name
        self._append = "a" in mode
        self._w = []
        self._binary = "b" in mode

    def _text(self, x):
        return x.decode("utf-8", "replace") if isinstance(x, (bytes, bytearray)) else x

    def read(self, *a):
        r = self._f.read(*a)
        f = sys._getframe(1)
        _emit("file.read", self._name, _jv(self._text(r)), f=f)
        return r

    def readline(self, *a):
        r = self._f.readline(*a)
        _emit("file.read", self._name, _jv(self._text(r)), f=sys._getframe(1))
        return r

    def readlines(self, *a):
        r = self._f.readlines(*a)
        _emit("file.read", self._name, _jv("".join(self._text(x) for x in r)), f=sys._getframe(1))
        return r

    def write(self, s):
        self._w.append(self._text(s))
        return self._f.write(s)

    def writelines(self, lines):
        for x in lines:
            self.write(x)

    def _flushw(self, f):
        if self._w:
            text, self._w = "".join(self._w), []
            _emit("file.append" if self._append else "file.write", self._name, _jv(text), f=f)
            self._append = True

    def flush(self):
        self._flushw(sys._getframe(1))
        return self._f.flush()

    def close(self):
        self._flushw(sys._getframe(1))
        return self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self._flushw(sys._getframe(1))
        return self._f.__exit__(*a)

    def __iter__(self):
        return self

    def __next__(self):
        r = next(self._f)
        _emit("file.read", self._name, _jv(self._text(r)), f=sys._getframe(1))
        return r

    def __getattr__(self, n):
        return getattr(self._f, n)


def _progfile(x, progdir):
    """x, a path, relative to the program's directory progdir when it is a
    file in it; else None."""
    if progdir is None or not isinstance(x, (str, bytes, os.PathLike)):
        return None
    try:
        p = os.path.abspath(os.fsdecode(x))
    except Exception:
        return None
    return os.path.relpath(p, progdir) if p.startswith(progdir + os.sep) else None


def _wrap_open():
    import builtins
    o_open = builtins.open
    progdir = os.path.dirname(_prog) if _prog else None

    def open(file, mode="r", *a, **k):
        fobj = o_open(file, mode, *a, **k)
        if progdir is None or not isinstance(file, (str, bytes, os.PathLike)):
            return fobj
        f = _user(2)
        if f is None:
            return fobj
        try:
            p = os.path.abspath(os.fsdecode(file))
        except Exception:
            return fobj
        if not p.startswith(progdir + os.sep) or p.endswith((".py", ".pyc")):
            return fobj
        return _File(fobj, os.path.relpath(p, progdir), mode)
    builtins.open = open

    # os.replace(src, dst) between two files of the program's: one
    # file.replace, named by dst, once the rename is done (os.rename too,
    # which replaces dst the same way on POSIX).
    def renaming(o):
        def replace(src, dst, *a, **k):
            r = o(src, dst, *a, **k)
            s_, d_ = _progfile(src, progdir), _progfile(dst, progdir)
            if s_ is not None and d_ is not None:
                f = _user(2)
                if f is not None:
                    _emit("file.replace", d_, s_, f=f)
            return r
        return replace
    os.replace, os.rename = renaming(os.replace), renaming(os.rename)


# ---------------------------------------------------------------- boot

def boot():
    global _started, _prog, _prog_stem
    if not os.environ.get(_SOCK_ENV):
        return
    global _role
    root = _ROOT_ENV not in os.environ
    if not root:
        _role = "child" if "--multiprocessing-fork" in getattr(sys, "argv", ()) else "machinery"
    prog = os.environ.get("PROCTOUR_TRACE_PROG", "")
    _prog = os.path.abspath(prog) if prog else None
    if _prog:
        _prog_stem = os.path.splitext(os.path.basename(_prog))[0]
    if not _connect():
        return
    _pdeathsig()
    os.register_at_fork(after_in_child=_after_fork_child)
    sys.stdout = _Stream(sys.stdout, "")
    sys.stderr = _Stream(sys.stderr, "stderr")
    import multiprocessing
    import multiprocessing.synchronize as S
    import multiprocessing.queues as Q
    import multiprocessing.connection as C
    import multiprocessing.process as P
    import multiprocessing.managers as M
    import multiprocessing.pool as MP
    import multiprocessing.util as U
    import concurrent.futures.process as CP
    import concurrent.futures._base as FB
    import atexit
    for fn, args in ((_wrap_semlock, (S,)), (_wrap_event, (S,)), (_wrap_condition, (S,)), (_wrap_barrier, (S,)),
                     (_wrap_queues, (Q,)),
                     (_wrap_pipes, (C,)), (_wrap_process, (P,)), (_wrap_managers, (M,)), (_wrap_pool, (MP,)),
                     (_wrap_executor, (CP, FB)), (_wrap_forkserver, ()), (_wrap_time, ()), (_wrap_open, ())):
        try:
            fn(*args)
        except Exception as e:  # trace the rest
            sys.__stderr__.write("proctour: tracer: %s: %r\n" % (fn.__name__, e))

    if os.environ.get("PROCTOUR_TRACE_GATE"):  # step and seeded modes (gate.py)
        try:
            from proctour_trace import gate
            gate.install()
        except Exception as e:
            sys.__stderr__.write("proctour: gate: %r\n" % (e,))

    o_exitf = U._exit_function

    def _exit_function(*a, **k):
        # At the end of the main code, multiprocessing joins the children
        # that are not daemons and terminates the daemons: say so.
        _tls.exiting = True
        try:
            return o_exitf(*a, **k)
        finally:
            _tls.exiting = False
    atexit.unregister(o_exitf)
    U._exit_function = _exit_function
    if root:
        atexit.register(_exit_function)
    start = os.environ.get("PROCTOUR_START_METHOD")
    if start and root:
        try:
            multiprocessing.set_start_method(start)
        except (ValueError, RuntimeError):
            pass
    atexit.register(_at_exit)
    if root:
        os.environ[_ROOT_ENV] = str(os.getpid())
        _started = True
        _raw({"k": "ev", "kind": "proc.start", "oid": "", "obj": os.path.basename(_prog or "main.py"), "val": _prog_stem,
              "mono": _mono(), "name": "MainProcess"})


def _at_exit():
    _flush_streams()
    _flush()
    if not _started and _pending:
        text = "\n".join(m["val"] for m in _pending if m.get("kind") == "stdout" and isinstance(m.get("val"), str))
        _raw({"k": "diag", "text": text})


def chain_sitecustomize(ours):
    """Runs the sitecustomize ours shadows, if there is one."""
    try:
        import importlib.machinery
        import importlib.util
        d = os.path.dirname(os.path.abspath(ours))
        path = [p for p in sys.path if os.path.abspath(p or ".") != d]
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
        if spec is None or spec.origin is None or os.path.abspath(spec.origin) == os.path.abspath(ours):
            return
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    except Exception:
        pass

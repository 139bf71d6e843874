"""Step and seeded modes: every instrumented operation of the program waits
at proctour's gate.

Installed by boot() when PROCTOUR_TRACE_GATE is set, on top of the
tracer's own patches (this file's frames are the tracer's, so the program's
frame is found through them). Before an operation of the program, the
process's main thread sends its intent urgently — after every event it
buffered, on the same connection:

    {"k": "gate", "n": N, "op": KIND, "oid"|"obj": ..., "line": L,
     "timeout": bool, "initial": int, "reentrant": bool, "method": str,
     "job": int}

and waits until proctour writes the line "go N" on the socket (read by the
lifeline thread, which calls on_line). Notices wait for nothing: {"k":
"notice", "op": "pool.handoff"|"pool.delivered", "oid": POOL} tell proctour
that a worker handed a result to the pool's result handler, and that the
handler delivered one (callbacks run), so that nothing moves meanwhile.

Never gated: machinery threads (a queue's feeder, a pool's handler
threads, a manager's server threads: the tracer's _mach()), a program's
threads other than a process's main thread (they run freely, traced), the
fork server, an operation made inside another traced one (_tls.busy), a
process not yet started as one of the program's. A process terminated or killed while it
waits dies: the wait is an Event's, which a signal interrupts.
"""

import os
import sys
import threading

import proctour_trace as T

_go = threading.Event()
_want = 0   # the intent waited for
_n = 0      # intents sent by this process
_on = False


def on_line(line):
    """A line from proctour (the lifeline thread): "go N"."""
    if line.startswith(b"go "):
        try:
            n = int(line[3:])
        except ValueError:
            return
        if n == _want:
            _go.set()


def _after_fork_child():
    global _go, _want, _n
    _go, _want, _n = threading.Event(), 0, 0


def _gated():
    """Whether this thread's operations wait at the gate."""
    return (_on and T._started and T._sock is not None and T._role != "machinery"  # (the fork server)
            and threading.current_thread() is threading.main_thread()
            and not getattr(T._tls, "busy", False) and not T._mach())


def wait(op, obj=None, oid="", f=None, **info):
    """Announces op and waits for proctour's go-ahead."""
    global _want, _n
    if not _gated():
        return
    _n += 1
    n = _n
    msg = {"k": "gate", "n": n, "op": op, "oid": oid, "mono": T._mono()}
    if obj is not None:
        msg["obj"] = obj
    if f is not None:
        ln = T._line(f)
        if ln:
            msg["line"] = ln
    for k, v in info.items():
        if v:
            msg[k] = v
    _go.clear()
    _want = n
    T._raw(msg)
    _go.wait()


def notice(op, oid, **extra):
    if _on and T._sock is not None:
        msg = {"k": "notice", "op": op, "oid": oid, "mono": T._mono()}
        msg.update(extra)
        T._raw(msg)


def _prog(depth=3, transparent=None):
    """The program's frame that called the patched function (None: not the
    program's call, or not gated)."""
    if not _gated():
        return None
    return T._user(depth, transparent)


def _timed(block, timeout):
    return (not block) or timeout is not None


# ---------------------------------------------------------------- patches

def _semlocks(S):
    o_make = S.SemLock._make_methods

    def _make_methods(self):
        o_make(self)
        acq, rel = self.acquire, self.release
        me = self

        def acquire(block=True, timeout=None):
            f = _prog()
            if f is not None:
                _sem_intent(me, f, "acquire", _timed(block, timeout))
            return acq(block, timeout)

        def release():
            f = _prog()
            if f is not None:
                _sem_intent(me, f, "release", False)
            return rel()
        self.acquire, self.release = acquire, release
    S.SemLock._make_methods = _make_methods

    o_enter, o_exit = S.SemLock.__enter__, S.SemLock.__exit__

    def __enter__(self):
        f = _prog()
        if f is not None:
            _sem_intent(self, f, "acquire", False)
        return o_enter(self)

    def __exit__(self, *a):
        f = _prog()
        if f is not None:
            _sem_intent(self, f, "release", False)
        return o_exit(self, *a)
    S.SemLock.__enter__, S.SemLock.__exit__ = __enter__, __exit__


def _sem_intent(obj, f, what, timed):
    kind = T._semkind(obj)
    oid = T._use(obj, kind, f)
    if kind == "Semaphore":
        wait("sem." + what, oid=oid, f=f, timeout=timed, initial=obj.__dict__.get("_pt_initial") or 0)
    else:
        wait("lock." + what, oid=oid, f=f, timeout=timed, reentrant=kind == "RLock")


def _events(S):
    E = S.Event
    o_set, o_clear, o_wait = E.set, E.clear, E.wait

    def set(self):
        f = _prog()
        if f is not None:
            wait("event.set", oid=T._use(self, "Event", f), f=f)
        return o_set(self)

    def clear(self):
        f = _prog()
        if f is not None:
            wait("event.clear", oid=T._use(self, "Event", f), f=f)
        return o_clear(self)

    def wait_(self, timeout=None):
        f = _prog()
        if f is not None:
            wait("event.wait", oid=T._use(self, "Event", f), f=f, timeout=timeout is not None)
        return o_wait(self, timeout)
    E.set, E.clear, E.wait = set, clear, wait_

    # A Condition: taking and leaving it as a lock's; its wait() starts by
    # leaving it, then waits outside the gate for a notify (which the
    # trace does not tell), as an operation the gate cannot judge.
    C = S.Condition
    c_enter, c_exit, c_wait = C.__enter__, C.__exit__, C.wait

    def c_enter_(self):
        f = _prog()
        if f is not None:
            wait("lock.acquire", oid=T._use(self, "Condition", f), f=f, reentrant=True)
        return c_enter(self)

    def c_exit_(self, *a):
        f = _prog()
        if f is not None:
            wait("lock.release", oid=T._use(self, "Condition", f), f=f)
        return c_exit(self, *a)

    def c_wait_(self, timeout=None):
        f = _prog()
        if f is not None:
            wait("lock.release", oid=T._use(self, "Condition", f), f=f)
        return c_wait(self, timeout)
    C.__enter__, C.__exit__, C.wait = c_enter_, c_exit_, c_wait_


def _queues(Q):
    def qtype(q):
        return "JoinableQueue" if isinstance(q, Q.JoinableQueue) else ("SimpleQueue" if isinstance(q, Q.SimpleQueue) else "Queue")

    def maxsize(q):
        ms = getattr(q, "_maxsize", 0) or 0
        return 0 if ms >= (1 << 30) else ms

    def mk_put(o):
        def put(self, obj, block=True, timeout=None):
            f = _prog()
            if f is not None:
                wait("queue.put", oid=T._use(self, qtype(self), f), f=f, timeout=_timed(block, timeout), initial=maxsize(self))
            return o(self, obj, block, timeout)
        return put

    def mk_get(o):
        def get(self, block=True, timeout=None):
            f = _prog()
            if f is not None:
                wait("queue.get", oid=T._use(self, qtype(self), f), f=f, timeout=_timed(block, timeout))
            return o(self, block, timeout)
        return get

    for cls in (Q.Queue, Q.JoinableQueue):
        if "put" in cls.__dict__:
            cls.put = mk_put(cls.__dict__["put"])
        if "get" in cls.__dict__:
            cls.get = mk_get(cls.__dict__["get"])
    o_pn, o_gn = Q.Queue.put_nowait, Q.Queue.get_nowait

    def put_nowait(self, obj):
        f = _prog()
        if f is not None:
            wait("queue.put", oid=T._use(self, qtype(self), f), f=f, timeout=True)
        return o_pn(self, obj)

    def get_nowait(self):
        f = _prog()
        if f is not None:
            wait("queue.get", oid=T._use(self, qtype(self), f), f=f, timeout=True)
        return o_gn(self)
    Q.Queue.put_nowait, Q.Queue.get_nowait = put_nowait, get_nowait

    J = Q.JoinableQueue
    o_td, o_join = J.task_done, J.join

    def task_done(self):
        f = _prog()
        if f is not None:
            wait("queue.task_done", oid=T._use(self, "JoinableQueue", f), f=f)
        return o_td(self)

    def join(self):
        f = _prog()
        if f is not None:
            wait("queue.join", oid=T._use(self, "JoinableQueue", f), f=f)
        return o_join(self)
    J.task_done, J.join = task_done, join

    SQ = Q.SimpleQueue
    o_sput, o_sget = SQ.put, SQ.get

    def sput(self, obj):
        f = _prog()
        if f is not None:
            wait("queue.put", oid=T._use(self, "SimpleQueue", f), f=f)
        return o_sput(self, obj)

    def sget(self):
        f = _prog()
        if f is not None:
            wait("queue.get", oid=T._use(self, "SimpleQueue", f), f=f)
        return o_sget(self)
    SQ.put, SQ.get = sput, sget


def _pipes(C):
    B = C._ConnectionBase
    o_send, o_recv, o_close = B.send, B.recv, B.close

    def send(self, obj):
        f = _prog()
        if f is not None:
            wait("pipe.send", oid=T._use(self, "Connection", f), f=f)
        return o_send(self, obj)

    def recv(self):
        f = _prog()
        if f is not None:
            wait("pipe.recv", oid=T._use(self, "Connection", f), f=f)
        return o_recv(self)

    def close(self):
        f = _prog() if not self.closed else None
        if f is not None:
            wait("pipe.close", oid=T._use(self, "Connection", f), f=f)
        return o_close(self)
    B.send, B.recv, B.close = send, recv, close


def _processes(P):
    BP = P.BaseProcess
    o_start, o_join, o_term, o_kill = BP.start, BP.join, BP.terminate, BP.kill

    def start(self):
        # Every start of a gated thread, the program's own or
        # multiprocessing's (a pool's workers, a manager's server): one
        # at a time, each child reaching the gate before the next starts,
        # so that the same seed starts them in the same order.
        f = _prog()
        if f is not None or _gated():
            wait("proc.start", obj=self.name, f=f)
        return o_start(self)

    def join(self, timeout=None):
        f = _prog()
        exiting = getattr(T._tls, "exiting", False)
        if f is not None or (exiting and _gated()):
            wait("proc.join", obj=self.name, f=f, timeout=timeout is not None)
        return o_join(self, timeout)

    def terminate(self):
        f = _prog()
        if f is not None or (getattr(T._tls, "exiting", False) and _gated()):
            wait("proc.terminate", obj=self.name, f=f)
        return o_term(self)

    def kill(self):
        f = _prog()
        if f is not None:
            wait("proc.terminate", obj=self.name, f=f)
        return o_kill(self)
    BP.start, BP.join, BP.terminate, BP.kill = start, join, terminate, kill

    # The end of the main code terminates the daemons through their Popen
    # (no proc.terminate in the trace): proctour is told, so that nothing
    # of theirs is released any more and their exit is waited for.
    import multiprocessing.popen_fork as PF
    o_pterm = PF.Popen.terminate

    def pterminate(self):
        if not (getattr(T._tls, "exiting", False) and _gated() and self.returncode is None):
            return o_pterm(self)
        notice("proc.dying", "", pid=self.pid)
        r = o_pterm(self)
        try:
            self.wait(5)  # reaped here, one after the other, not by whichever poll comes first
        except Exception:
            pass
        return r
    PF.Popen.terminate = pterminate
    # ...in the order they started (a set's order is its objects' addresses').
    P._children = _Children(P._children)


def _managers(M):
    BP = M.BaseProxy
    o_call = BP._callmethod

    def _callmethod(self, methodname, args=(), kwds={}):
        f = _prog(transparent="managers.py")
        if f is not None:
            oid = "m:" + self._token.id
            if oid not in T._named:
                T._hint(oid, self._token.typeid, T._walk_name(self, f))
            timed = (kwds.get("timeout") is not None or kwds.get("block") is False or kwds.get("blocking") is False
                     or (methodname in ("get", "put", "acquire") and len(args) > (1 if methodname == "put" else 0)
                         and args[1 if methodname == "put" else 0] is False))
            wait("manager.call", oid=oid, f=f, method=methodname, timeout=timed)
        return o_call(self, methodname, args, kwds)
    BP._callmethod = _callmethod


def _pools(MP, CP, FB):
    P = MP.Pool

    def submitting(name):
        o = getattr(P, name)

        def m(self, *a, **k):
            f = _prog()
            if f is not None:
                wait("pool.submit", oid=T._pool_oid(self), f=f)
            return o(self, *a, **k)
        setattr(P, name, m)

    for name in ("apply", "apply_async", "map", "map_async", "starmap", "starmap_async", "imap", "imap_unordered"):
        submitting(name)

    def shutting(name, kind):
        o = getattr(P, name)

        def m(self, *a):
            f = _prog()
            if f is not None:
                wait(kind, oid=T._pool_oid(self), f=f)
            return o(self, *a)
        setattr(P, name, m)

    for name, kind in (("close", "pool.close"), ("terminate", "pool.terminate"), ("join", "pool.join"),
                       ("__exit__", "pool.terminate")):
        shutting(name, kind)

    o_rget = T._result_get

    def _result_get(r, timeout, f):
        if _gated() and f is not None:
            pool = getattr(r, "_pool", None)
            wait("pool.get", oid=T._pool_oid(pool) if pool is not None else "", f=f, job=r._job,
                 timeout=timeout is not None)
        return o_rget(r, timeout, f)
    T._result_get = _result_get

    # A worker takes a task at the gate; its result, handed to the pool's
    # process, is told (handoff), and so is its delivery there.
    W = T._WorkerIn
    o_take = W.get

    def take(self, *a, **k):
        if _gated():
            wait("pool.task_start", oid=self._oid)
        return o_take(self, *a, **k)
    W.get = take

    WO = T._WorkerOut
    o_hand = WO.put

    def hand(self, item, *a, **k):
        task = self._in.cur is not None
        r = o_hand(self, item, *a, **k)
        if task:
            notice("pool.handoff", self._oid)
        return r
    WO.put = hand

    def delivering(cls):
        o = cls.__dict__["_set"]

        def _set(self, *a):
            pool = getattr(self, "_pool", None)  # (_set forgets it once the result is complete)
            try:
                return o(self, *a)
            finally:
                if pool is not None:
                    notice("pool.delivered", T._pool_oid(pool))
        cls._set = _set

    for cls in (MP.ApplyResult, MP.MapResult, MP.IMapIterator, MP.IMapUnorderedIterator):
        if "_set" in cls.__dict__:
            delivering(cls)

    E = CP.ProcessPoolExecutor

    def xoid(ex):
        o = ex.__dict__.get("_pt_oid2")
        if o is None:
            o = ex._pt_oid2 = "P:" + T._oid(ex._call_queue)
        return o

    o_submit, o_map, o_shutdown = E.submit, E.map, E.shutdown

    def submit(self, fn, /, *args, **kwargs):
        f = _prog()
        if f is not None:
            _launch(self)
            wait("pool.submit", oid=xoid(self), f=f)
        return o_submit(self, fn, *args, **kwargs)

    def _launch(ex):
        # Under fork the first submit starts every worker, after the tracer
        # has stamped the submit and before it sends it: started here
        # first, each at the gate before the submit is released, the
        # workers' starts come before the submit in every run.
        start = getattr(ex, "_start_executor_manager_thread", None)
        if (start is None or getattr(ex, "_safe_to_dynamically_spawn_children", True)
                or getattr(ex, "_executor_manager_thread", 0) is not None):
            return
        with ex._shutdown_lock:
            if not ex._broken and not ex._shutdown_thread:
                start()

    def map_(self, fn, *it, **k):
        f = _prog()
        if f is not None:
            wait("pool.submit", oid=xoid(self), f=f)
        return o_map(self, fn, *it, **k)

    def shutdown(self, *a, **k):
        f = _prog()
        if f is not None and self._call_queue is not None:
            wait("pool.close", oid=xoid(self), f=f)
        return o_shutdown(self, *a, **k)
    E.submit, E.map, E.shutdown = submit, map_, shutdown

    o_exit = FB.Executor.__exit__

    def __exit__(self, *a):
        f = _prog()
        if f is not None and isinstance(self, E) and self._call_queue is not None:
            wait("pool.close", oid=xoid(self), f=f)
        return o_exit(self, *a)
    FB.Executor.__exit__ = __exit__

    F = FB.Future
    o_result = F.result

    def result(self, timeout=None):
        job = self.__dict__.get("_pt_job")
        f = _prog() if job else None
        if f is not None:
            wait("pool.get", oid=self._pt_pool, f=f, job=job, timeout=timeout is not None)
        return o_result(self, timeout)
    F.result = result

    MT = CP._ExecutorManagerThread
    o_item = MT.process_result_item

    def process_result_item(self, item):
        try:
            return o_item(self, item)
        finally:
            if not isinstance(item, int):
                try:
                    notice("pool.delivered", "P:" + T._oid(self.call_queue))
                except Exception:
                    pass
    MT.process_result_item = process_result_item


def _sleep_print_open():
    import time
    import builtins
    o_sleep = time.sleep

    def sleep(secs):
        f = _prog()
        if f is not None:
            wait("sleep", f=f, timeout=True)
        return o_sleep(secs)
    time.sleep = sleep

    o_print = builtins.print

    def print_(*a, **k):
        out = k.get("file")
        if out is None or out is sys.stdout or out is sys.stderr:
            f = _prog()
            if f is not None:
                wait("stdout", f=f)
        return o_print(*a, **k)
    builtins.print = print_

    # A file of the program's: a write is one step from its open (open()
    # for writing empties it) to its close; a read is a step of its own.
    o_open = builtins.open
    progdir = os.path.dirname(T._prog) if T._prog else None

    def open_(file, mode="r", *a, **k):
        if progdir and isinstance(mode, str) and any(c in mode for c in "wax+") and isinstance(file, (str, bytes, os.PathLike)):
            f = _prog()
            if f is not None:
                try:
                    p = os.path.abspath(os.fsdecode(file))
                except Exception:
                    p = ""
                if p.startswith(progdir + os.sep) and not p.endswith((".py", ".pyc")):
                    wait("file.append" if "a" in mode else "file.write", obj=os.path.relpath(p, progdir), f=f)
        return o_open(file, mode, *a, **k)
    builtins.open = open_

    # os.replace (and os.rename) of a file of the program's: one step.
    def renaming(o):
        def replace(src, dst, *a, **k):
            if progdir and isinstance(src, (str, bytes, os.PathLike)) and isinstance(dst, (str, bytes, os.PathLike)):
                f = _prog()
                if f is not None and T._progfile(src, progdir) is not None:
                    d = T._progfile(dst, progdir)
                    if d is not None:
                        wait("file.replace", obj=d, f=f)
            return o(src, dst, *a, **k)
        return replace
    os.replace, os.rename = renaming(os.replace), renaming(os.rename)
    FI = T._File

    def reading(name):
        o = getattr(FI, name)

        def m(self, *a):
            if _gated():
                wait("file.read", obj=self._name)
            return o(self, *a)
        setattr(FI, name, m)

    for name in ("read", "readline", "readlines", "__next__"):
        reading(name)


class _Children:
    """multiprocessing.process._children in the order the children started."""

    def __init__(self, it=()):
        self._d = dict.fromkeys(it)

    def add(self, p):
        self._d[p] = None

    def discard(self, p):
        self._d.pop(p, None)

    def remove(self, p):
        del self._d[p]

    def __iter__(self):
        return iter(list(self._d))

    def __len__(self):
        return len(self._d)

    def __contains__(self, p):
        return p in self._d

    def copy(self):
        return _Children(self._d)


class _Everything:
    def __contains__(self, kind):
        return True


def install():
    """Patches the program's operations to wait at the gate; the tracer's
    patches must already be in place."""
    global _on
    import multiprocessing.synchronize as S
    import multiprocessing.queues as Q
    import multiprocessing.connection as C
    import multiprocessing.process as P
    import multiprocessing.managers as M
    import multiprocessing.pool as MP
    import concurrent.futures.process as CP
    import concurrent.futures._base as FB
    for fn, args in ((_semlocks, (S,)), (_events, (S,)), (_queues, (Q,)), (_pipes, (C,)), (_processes, (P,)),
                     (_managers, (M,)), (_pools, (MP, CP, FB)), (_sleep_print_open, ())):
        try:
            fn(*args)
        except Exception as e:  # gate the rest
            sys.__stderr__.write("proctour: gate: %s: %r\n" % (fn.__name__, e))
    os.register_at_fork(after_in_child=_after_fork_child)
    # Every event goes out at once: proctour orders what it has received
    # whenever all is quiet, and an event held in a buffer meanwhile would
    # come after others that followed it.
    T._urgent = _Everything()
    T._on_line = on_line
    _on = True
